"""Deleting a record that others depend on: say first what it affects, refuse
where signed or frozen work depends on it, and keep in every affected record's
history what happened and what the deleted record was called.

Foreign keys between organization records are ``PROTECT`` or ``SET_NULL`` (see
``docs/decisions/0010-deletion-and-frozen-records.md``), so the database never
removes or rewrites a record behind a service's back. What a delete does to the
records around it is decided here instead, in the open:

- each domain app contributes what a delete of one of its models (or of a model
  below it) affects, with ``@deletion_contributor(Model)``: a function that adds
  ``Affected`` entries to a ``DeletionImpact`` — the record, what happens to it,
  whether it blocks the delete, and the step that does it (which writes the
  affected record's history with ``impact.reason``);
- ``deletion_impact(record)`` gathers them, for a confirm page or an API answer;
- ``record_delete_with_impact(record, actor=…)`` gathers them again inside the
  transaction, raises ``DeletionRefused`` (naming the blockers) when anything
  blocks, and otherwise runs every step and deletes the record.

The kernel knows no domain model: the asset inventory contributes "risks lose
the asset", the risk register "impact assessments of an AI system", and the SoA
and the audits will contribute their rows and items the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.types import Actor

from .freezing import Freezable
from .services import record_delete


def record_label(record: models.Model) -> str:
    """How history names a record: its kind and what it is called ("Asset AST-0007 Payroll DB").
    A model whose name already says its kind ("Impact assessment of …") sets ``label_names_kind``."""
    if getattr(record, "label_names_kind", False):
        return str(record)
    return f"{str(record._meta.verbose_name).capitalize()} {record}"


@dataclass
class Affected:
    """One record a delete affects: what happens to it and, when it blocks, why."""

    record: models.Model
    effect: str  # what happens to it, read after its label: "loses the link", "is deleted with it"
    blocking: str = ""  # why it refuses the delete ("is signed off"); empty when it does not block
    step: Callable[[], None] | None = None  # what the delete does to it, history included

    @property
    def label(self) -> str:
        return record_label(self.record)

    @property
    def kind(self) -> str:
        return str(self.record._meta.verbose_name)


@dataclass
class DeletionImpact:
    """What deleting ``record`` would do to the records around it."""

    record: models.Model
    actor: object = None
    affected: list[Affected] = field(default_factory=list)

    @property
    def label(self) -> str:
        return record_label(self.record)

    @property
    def reason(self) -> str:
        """The history reason of each affected record: names the deleted one, since it is gone."""
        return f"{self.label} was deleted"

    def add(
        self,
        record: models.Model,
        effect: str,
        *,
        blocking: str = "",
        step: Callable[[], None] | None = None,
    ) -> Affected:
        entry = Affected(record=record, effect=effect, blocking=blocking, step=step)
        self.affected.append(entry)
        return entry

    @property
    def blockers(self) -> list[Affected]:
        return [entry for entry in self.affected if entry.blocking]

    @property
    def is_refused(self) -> bool:
        return bool(self.blockers)

    @property
    def changes(self) -> list[Affected]:
        return [entry for entry in self.affected if not entry.blocking]

    def refusal(self) -> str:
        named = "; ".join(dict.fromkeys(f"{entry.label} {entry.blocking}" for entry in self.blockers))
        return f"{self.label} cannot be deleted: {named}."


class DeletionRefused(ValidationError):
    """A delete was refused because signed, approved or frozen records depend on the record."""

    def __init__(self, impact: DeletionImpact):
        self.impact = impact
        super().__init__(impact.refusal(), code="deletion_refused")


Contributor = Callable[[DeletionImpact], None]
_contributors: dict[type[models.Model], list[Contributor]] = {}


def deletion_contributor(model: type[models.Model]) -> Callable[[Contributor], Contributor]:
    """Register a function that adds to the impact of deleting a ``model`` record.

    Contributors run in registration order; import the module that holds them
    from the app's ``AppConfig.ready()``.
    """

    def register(function: Contributor) -> Contributor:
        _contributors.setdefault(model, [])
        if function not in _contributors[model]:
            _contributors[model].append(function)
        return function

    return register


def deletion_impact(record: models.Model, *, actor=None) -> DeletionImpact:
    """Everything deleting ``record`` would affect, and what would refuse it (reads only)."""
    impact = DeletionImpact(record=record, actor=actor)
    if isinstance(record, Freezable) and record.is_frozen_in_database():
        impact.add(record, "stays on record", blocking="is frozen (signed off, approved or closed)")
    for model in type(record).__mro__:
        for contributor in _contributors.get(model, []):
            contributor(impact)
    return impact


def record_delete_with_impact(record: models.Model, *, actor: Actor, reason: str = "") -> DeletionImpact:
    """Delete ``record`` after doing what its impact says to every affected record.

    Raises ``DeletionRefused`` (nothing written) when a signed, approved or
    frozen record depends on it. Returns the impact that was applied.
    """
    with transaction.atomic():
        impact = deletion_impact(record, actor=actor)
        if impact.is_refused:
            raise DeletionRefused(impact)
        for entry in impact.changes:
            if entry.step is not None:
                entry.step()
        record_delete(record, actor=actor, reason=reason or f"{impact.label} deleted")
    return impact
