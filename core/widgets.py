"""Form widgets the registers share.

``RecordPicker`` chooses several records of a large set (10,000 assets, 131
controls) without rendering the set: the page carries only the chosen records,
as removable chips, and a search box that asks a lookup endpoint for matches
(``lookup_url``, answering ``{"results": [{"id", "label", "hint"}]}``) or, for a
small set, filters ``inline`` options the page carries. It is a combobox: type,
↓/↑ to move, Enter to add, Escape to close; each chip's remove button (or Backspace in
an empty box) removes one. The form field stays a ``ModelMultipleChoiceField``,
whose queryset (scoped to the organization) validates what is sent.

With ``single``, choosing a record replaces the one chosen before (a register's
filter by one asset); inside an element marked ``data-autosubmit`` a change
submits the form (``static/js/portal.js``).
"""

from django import forms


class RecordPicker(forms.SelectMultiple):
    template_name = "partials/widgets/record_picker.html"

    def __init__(
        self,
        attrs=None,
        *,
        lookup_url: str = "",
        noun: str = "records",
        inline: bool = False,
        single: bool = False,
    ):
        super().__init__(attrs)
        self.lookup_url = lookup_url
        self.noun = noun
        self.inline = inline
        self.single = single

    def _label(self, obj) -> str:
        field = getattr(self.choices, "field", None)
        return field.label_from_instance(obj) if field is not None else str(obj)

    def _hint(self, obj) -> str:
        return getattr(obj, "picker_hint", "")

    def _chosen(self, values: list[str]) -> list[dict]:
        queryset = getattr(self.choices, "queryset", None)
        wanted = [v for v in values if str(v).isdigit()]
        if queryset is None or not wanted:
            return []
        by_id = {str(obj.pk): obj for obj in queryset.filter(pk__in=wanted)}
        return [
            {"id": key, "label": self._label(by_id[key]), "hint": self._hint(by_id[key])}
            for key in dict.fromkeys(str(v) for v in wanted)
            if key in by_id
        ]

    def _inline_options(self) -> list[dict]:
        return [
            {"id": str(o.pk), "label": self._label(o), "hint": self._hint(o)} for o in self.choices.queryset
        ]

    def get_context(self, name, value, attrs):
        # Not ``super().get_context``: ChoiceWidget's would list every choice of the queryset.
        context = forms.Widget.get_context(self, name, value, attrs)
        values = context["widget"]["value"]
        context["widget"].update(
            chosen=self._chosen(values),
            lookup_url=self.lookup_url,
            noun=self.noun,
            single=self.single,
            options=self._inline_options() if self.inline else None,
        )
        return context

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]


class DatePicker(forms.DateInput):
    """``<input type=date>``: the browser's own date picker. Its value is always ISO
    (``2027-05-30``), whatever the locale writes, so a form shown again keeps the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
