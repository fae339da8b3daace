"""Records that refuse change once frozen: approved SoA versions, signed-off
assessments, closed audits.

A model opts in by subclassing ``Freezable`` and saying which stored rows are
frozen with ``frozen_when`` (a ``Q``; ``Q()`` freezes a row as soon as it is
saved). The rule is enforced on what the database holds, not on the instance
in memory, so that an edited copy of a frozen row cannot slip through:

- ``save()`` of a row that is frozen in the database raises ``RecordFrozen``
  (the save that freezes it, e.g. the sign-off itself, still goes through);
- ``delete()``, ``QuerySet.update()``, ``QuerySet.delete()`` and
  ``bulk_update()`` raise when they would touch a frozen row;
- a delete cascading from another record (which bypasses ``delete()``) is
  stopped by a ``pre_delete`` receiver, which aborts the whole delete.

``frozen_open_fields`` names the fields that stay writable on a frozen row
because they are traceability, not content (an impact of a signed-off
assessment still gets the link to the risk it raises): a ``save(update_fields=…)``
or an ``update()`` that touches only those goes through.

``RecordFrozen`` is a ``ValidationError``: forms show its message, and the API
answers it as a 400 with the message (``core.api.exceptions``).
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import OrganizationOwned, OrganizationQuerySet


class RecordFrozen(ValidationError):
    """A change to a frozen record was refused."""

    def __init__(self, message: str):
        super().__init__(message, code="frozen")


class FreezableQuerySet(OrganizationQuerySet):
    def frozen(self):
        return self.filter(self.model.frozen_when)

    def _refuse_if_frozen(self) -> None:
        if self.model.frozen_when is not None and self.frozen().exists():
            raise RecordFrozen(self.model.frozen_message)

    def update(self, **kwargs):
        if not set(kwargs) <= self.model.frozen_open_fields:
            self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        # Checked before Django's own atomic block, so a refusal leaves the caller's transaction usable.
        objs = list(objs)
        if not set(fields) <= self.model.frozen_open_fields:
            self.filter(pk__in=[obj.pk for obj in objs if obj.pk is not None])._refuse_if_frozen()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    delete.alters_data = True
    delete.queryset_only = True
    update.alters_data = True
    bulk_update.alters_data = True


class Freezable(OrganizationOwned):
    """An organization record that refuses change once frozen (see the module)."""

    #: The stored rows that are frozen; ``Q()``: every saved row; ``None``: none.
    frozen_when: ClassVar[Q] = Q()
    frozen_message: ClassVar[str] = "This record is frozen: it can no longer be changed or deleted."
    #: Fields still writable on a frozen row (traceability links, bookkeeping).
    frozen_open_fields: ClassVar[frozenset[str]] = frozenset()

    objects = FreezableQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_frozen_in_database(self) -> bool:
        if self.pk is None or self._state.adding or self.frozen_when is None:
            return False
        return type(self)._base_manager.filter(pk=self.pk).filter(self.frozen_when).exists()

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        opens_only = update_fields is not None and set(update_fields) <= self.frozen_open_fields
        if not opens_only and self.is_frozen_in_database():
            raise RecordFrozen(self.frozen_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen_in_database():
            raise RecordFrozen(self.frozen_message)
        return super().delete(*args, **kwargs)


@receiver(pre_delete)
def _refuse_deleting_frozen_records(sender, instance, **kwargs):
    # Cascades collect rows and delete them in SQL, past ``delete()``: this runs for each.
    if isinstance(instance, Freezable) and instance.is_frozen_in_database():
        raise RecordFrozen(instance.frozen_message)
