"""Identifiers that are never reused: one rising counter per organization and kind.

A register asks for numbers with ``identifier_numbers_take`` inside the
transaction that writes the records. The counter moves with one ``UPDATE …
SET last_number = MAX(last_number, at_least) + count``, which locks the row until
the transaction ends, so two writers never get the same number, and a number
once taken is never handed out again, even when its record is deleted.

``at_least`` is the highest number the register already holds (records written
with an explicit identifier, or before the counter existed): the counter never
hands out a number below it.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from .models import IdentifierSequence


def identifier_number_next(*, organization, kind: str, at_least: int = 0) -> int:
    """The number the next ``identifier_numbers_take`` would start at (reads only; for previews)."""
    last = (
        IdentifierSequence.objects.filter(organization=organization, kind=kind)
        .values_list("last_number", flat=True)
        .first()
    )
    return max(last or 0, at_least) + 1


def identifier_numbers_take(*, organization, kind: str, count: int = 1, at_least: int = 0) -> int:
    """Reserve ``count`` consecutive numbers and return the first one."""
    if count < 1:
        raise ValueError("Take at least one number.")
    with transaction.atomic():
        sequences = IdentifierSequence.objects.filter(organization=organization, kind=kind)
        for _attempt in range(2):
            if sequences.update(last_number=Greatest(F("last_number"), at_least) + count):
                return sequences.values_list("last_number", flat=True).get() - count + 1
            try:
                with transaction.atomic():
                    IdentifierSequence.objects.create(
                        organization=organization, kind=kind, last_number=at_least + count
                    )
                return at_least + 1
            except IntegrityError:
                continue  # another writer created the row meanwhile: move it instead
    raise RuntimeError(f"Could not reserve a {kind} number.")  # pragma: no cover


def identifier_number_seen(*, organization, kind: str, number: int) -> None:
    """Note that ``number`` is in use (given explicitly): the counter never hands it out."""
    if number < 1:
        return
    sequences = IdentifierSequence.objects.filter(organization=organization, kind=kind)
    with transaction.atomic():
        if not sequences.update(last_number=Greatest(F("last_number"), number)):
            _, created = IdentifierSequence.objects.get_or_create(
                organization=organization, kind=kind, defaults={"last_number": number}
            )
            if not created:  # another writer created it meanwhile
                sequences.update(last_number=Greatest(F("last_number"), number))
