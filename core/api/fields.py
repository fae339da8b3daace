from rest_framework import serializers


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A read-only choice that may be unset: the model keeps ``""`` (Django's
    habit for an empty ``CharField``), the API answers ``null``, so that the
    value is always one of the schema's enum or null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return super().to_representation(value)
