"""The audit programme (ISO/IEC 27001 and ISO/IEC 42001 9.2, 9.3 and 10.2).

- ``Audit``: one audit of one or both management systems (a combined audit
  audits both at once), its team, and the approved SoA version it audits;
  frozen at the model layer once closed (``core.freezing``).
- ``ChecklistItem``: what the audit checks — a clause of 4-10 (one item for a
  clause both standards share) or an applicable control of the audited SoA
  version — with its result; ``EvidenceFile``: a file uploaded as evidence.
- ``Finding``: a result worth following up, raised from a checklist item;
  ``CorrectiveAction``: what is done about a finding or decided by a
  management review, and the verification of its effectiveness.
- ``ManagementReview``: one review of both systems, with its inputs stored as
  a snapshot of the organization's data as of its date.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone

from core.freezing import Freezable, RecordFrozen
from core.models import OrganizationOwned, OrganizationQuerySet


class AuditType(models.TextChoices):
    INTERNAL = "internal", "Internal audit"
    CERTIFICATION_STAGE1 = "certification_stage1", "Certification, stage 1"
    CERTIFICATION_STAGE2 = "certification_stage2", "Certification, stage 2"
    SURVEILLANCE = "surveillance", "Surveillance audit"
    RECERTIFICATION = "recertification", "Recertification audit"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    REPORTING = "reporting", "Reporting"
    CLOSED = "closed", "Closed"


class Result(models.TextChoices):
    CONFORMING = "conforming", "Conforming"
    MAJOR_NC = "major_nc", "Major nonconformity"
    MINOR_NC = "minor_nc", "Minor nonconformity"
    OBSERVATION = "observation", "Observation"
    OPPORTUNITY = "opportunity", "Opportunity for improvement"


#: Results that are nonconformities: each needs a finding, and its finding verified actions to close.
NONCONFORMITIES = frozenset({Result.MAJOR_NC, Result.MINOR_NC})
NONCONFORMITY_SEVERITY = (
    "The checklist item is recorded as a nonconformity: its finding's severity is major_nc or minor_nc."
)


class Severity(models.TextChoices):
    """A finding's severity: the checklist result it was raised from (never ``conforming``)."""

    MAJOR_NC = Result.MAJOR_NC.value, Result.MAJOR_NC.label
    MINOR_NC = Result.MINOR_NC.value, Result.MINOR_NC.label
    OBSERVATION = Result.OBSERVATION.value, Result.OBSERVATION.label
    OPPORTUNITY = Result.OPPORTUNITY.value, Result.OPPORTUNITY.label


CLOSED_AUDIT = "This audit is closed: it can no longer be changed."


class Audit(Freezable):
    """One audit of the organization's management system(s)."""

    frozen_when = Q(status=AuditStatus.CLOSED)
    frozen_message = CLOSED_AUDIT

    number = models.PositiveIntegerField(editable=False, help_text="AUD-<number> within the organization.")
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=24, choices=AuditType.choices, default=AuditType.INTERNAL)
    frameworks = models.JSONField(
        default=list, help_text="The framework codes audited, e.g. [iso27001-2022, iso42001-2023]."
    )
    themes = models.ManyToManyField(
        "controls.ControlGroup",
        blank=True,
        related_name="+",
        help_text="Annex A themes or objectives the audit is limited to; none: every one in scope.",
    )
    assets = models.ManyToManyField(
        "assets.Asset", blank=True, related_name="audits", help_text="Assets the audit is limited to."
    )
    objectives = models.TextField(blank=True)
    criteria = models.TextField(blank=True, help_text="What the audit checks against.")
    planned_start = models.DateField()
    planned_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True, editable=False)
    actual_end = models.DateField(null=True, blank=True, editable=False)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_led"
    )
    soa_version = models.ForeignKey(
        "soa.SoAVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="audits",
        help_text="The approved SoA version audited, fixed when the audit starts.",
    )
    status = models.CharField(
        max_length=12, choices=AuditStatus.choices, default=AuditStatus.PLANNED, editable=False
    )

    class Meta:
        ordering = ["-planned_start", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="audit_number_unique"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")), name="audit_planned_dates_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="audit_org_status"),
            models.Index(fields=["organization", "type"], name="audit_org_type"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"AUD-{self.number}"

    @property
    def is_combined(self) -> bool:
        return len(self.frameworks) > 1


class _PartOfAudit(Freezable):
    """A row of an audit (team member, checklist item, evidence): frozen with the
    closed audit, and none can be added to it either."""

    #: The lookup from ``Audit`` to rows of this model's parent, for new rows.
    audit_lookup: ClassVar[tuple[str, str]] = ("pk", "audit_id")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is None or self._state.adding:
            lookup, attribute = self.audit_lookup
            if Audit._base_manager.filter(
                **{lookup: getattr(self, attribute), "status": AuditStatus.CLOSED}
            ).exists():
                raise RecordFrozen(CLOSED_AUDIT)
        super().save(*args, **kwargs)


class AuditTeamMember(_PartOfAudit):
    """A member of an audit's team (the lead auditor is named on the audit)."""

    frozen_when = Q(audit__status=AuditStatus.CLOSED)
    frozen_message = CLOSED_AUDIT
    trail_parent = "audit"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_teams")

    class Meta:
        ordering = ["audit", "user__first_name", "user__last_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="audit_team_member_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.audit}"


class ChecklistItem(_PartOfAudit):
    """What an audit checks: a clause (``clause``, and ``counterpart_clause`` when
    the item stands for a clause both standards share) or a control of the
    audited SoA version (``control`` and the version row ``soa_row``)."""

    frozen_when = Q(audit__status=AuditStatus.CLOSED)
    frozen_message = CLOSED_AUDIT
    trail_parent = "audit"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    frameworks = models.JSONField(default=list, help_text="The framework codes this item concerns.")
    clause = models.ForeignKey(
        "controls.Clause", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counterpart_clause = models.ForeignKey(
        "controls.Clause",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The same clause of the other standard, checked by this one item.",
    )
    control = models.ForeignKey(
        "controls.Control", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    soa_row = models.ForeignKey(
        "soa.SoAVersionRow", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=12, choices=Result.choices, blank=True)
    notes = models.TextField(blank=True)
    evidence = models.TextField(
        "evidence references", blank=True, help_text="Documents, records, interviews."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "clause"], name="checklist_clause_once"),
            models.UniqueConstraint(fields=["audit", "control"], name="checklist_control_once"),
            models.CheckConstraint(
                condition=(
                    Q(clause__isnull=False, control__isnull=True)
                    | Q(clause__isnull=True, control__isnull=False)
                ),
                name="checklist_clause_or_control",
            ),
        ]

    def __str__(self) -> str:
        subject = self.clause or self.control
        return f"{self.audit.reference} {subject.reference} {subject.title}"

    @property
    def subject(self):
        return self.clause or self.control


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    # Per organization and audit, under a random name: a stored name never comes from the client.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.organization_id}/{instance.item.audit_id}/{uuid.uuid4().hex}.{suffix}"


class EvidenceFile(_PartOfAudit):
    frozen_when = Q(item__audit__status=AuditStatus.CLOSED)
    audit_lookup = ("items", "item_id")
    frozen_message = CLOSED_AUDIT
    trail_parent = "item"

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


#: What ties a finding to its audit: frozen once the audit is closed (its follow-up is not).
FINDING_AUDIT_FIELDS = ("audit", "audit_id", "checklist_item", "checklist_item_id", "severity", "frameworks")


class FindingQuerySet(OrganizationQuerySet):
    def update(self, **kwargs):
        if (
            any(name in FINDING_AUDIT_FIELDS for name in kwargs)
            and self.filter(audit__status=AuditStatus.CLOSED).exists()
        ):
            raise RecordFrozen(Finding.frozen_message)
        # The rules ``Finding.save`` keeps, kept for a bulk write too.
        if (
            "severity" in kwargs
            and kwargs["severity"] not in NONCONFORMITIES
            and self.filter(checklist_item__result__in=NONCONFORMITIES).exists()
        ):
            raise ValidationError({"severity": [NONCONFORMITY_SEVERITY]})
        if (
            kwargs.get("status") == FindingStatus.CLOSED
            and self.filter(severity__in=NONCONFORMITIES).exists()
        ):
            raise ValidationError(
                {"status": ["Close a nonconformity on its own, once its actions are verified."]}
            )
        return super().update(**kwargs)

    def delete(self):
        if self.filter(audit__status=AuditStatus.CLOSED).exists():
            raise RecordFrozen(Finding.frozen_message)
        return super().delete()

    update.alters_data = True
    delete.alters_data = True
    delete.queryset_only = True


class Finding(OrganizationOwned):
    """A finding raised from a checklist item; its severity is the item's result.

    A finding of an item recorded as a nonconformity is a nonconformity too (its
    severity is never lowered below one). Once the audit is closed its link to the
    audit (audit, item, severity) is frozen; its status and corrective actions go
    on. A nonconformity cannot be closed before each of its corrective actions is
    verified effective.
    """

    frozen_message = (
        "This finding's audit is closed: its audit, checklist item and severity can no longer change."
    )
    trail_parent = "audit"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings", editable=False)
    checklist_item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField(editable=False)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    frameworks = models.JSONField(default=list, editable=False, help_text="The framework codes it concerns.")
    description = models.TextField()
    status = models.CharField(max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-audit__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="finding_number_unique"),
            models.CheckConstraint(condition=~Q(severity=Result.CONFORMING), name="finding_not_conforming"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="finding_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_severity_display()}"

    @property
    def reference(self) -> str:
        return f"F-{self.number}"

    @property
    def is_nonconformity(self) -> bool:
        return self.severity in NONCONFORMITIES

    def unverified_actions(self) -> list["CorrectiveAction"]:
        """Corrective actions not (yet) verified effective."""
        return [a for a in self.actions.all() if a.verification_result != Verification.EFFECTIVE]

    def closing_blockers(self) -> list[str]:
        """Why this finding cannot be closed now (empty: it can)."""
        if not self.is_nonconformity:
            return []
        actions = list(self.actions.all())
        if not actions:
            return ["A nonconformity needs at least one corrective action before it is closed."]
        return [
            f"Corrective action {a.reference} is not verified effective."
            for a in actions
            if a.verification_result != Verification.EFFECTIVE
        ]

    def _stored(self):
        if self.pk is None or self._state.adding:
            return None
        return (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values("audit_id", "audit__status", "checklist_item_id", "severity", "frameworks", "status")
            .first()
        )

    def save(self, *args, **kwargs):
        stored = self._stored()
        if stored is None:
            if Audit._base_manager.filter(pk=self.audit_id, status=AuditStatus.CLOSED).exists():
                raise RecordFrozen(CLOSED_AUDIT)
        elif stored["audit__status"] == AuditStatus.CLOSED and any(
            stored[name] != getattr(self, name)
            for name in ("audit_id", "checklist_item_id", "severity", "frameworks")
        ):
            raise RecordFrozen(self.frozen_message)
        if (
            stored is None
            or stored["severity"] != self.severity
            or stored["checklist_item_id"] != self.checklist_item_id
        ) and (self.severity not in NONCONFORMITIES and self.checklist_item.result in NONCONFORMITIES):
            raise ValidationError({"severity": [NONCONFORMITY_SEVERITY]})
        if self.status == FindingStatus.CLOSED and (
            stored is None or stored["status"] != FindingStatus.CLOSED
        ):
            blockers = (
                self.closing_blockers()
                if self.pk
                else (
                    ["A nonconformity needs at least one corrective action before it is closed."]
                    if self.is_nonconformity
                    else []
                )
            )
            if blockers:
                raise ValidationError({"status": blockers})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Audit._base_manager.filter(pk=self.audit_id, status=AuditStatus.CLOSED).exists():
            raise RecordFrozen(self.frozen_message)
        return super().delete(*args, **kwargs)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


PENDING_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Verification(models.TextChoices):
    EFFECTIVE = "effective", "Effective"
    NOT_EFFECTIVE = "not_effective", "Not effective"


class ManagementReview(OrganizationOwned):
    """One management review (9.3) of both systems: its inputs are a snapshot of
    the organization's data as of ``date`` (``audits.selectors.management_review_inputs``)."""

    number = models.PositiveIntegerField(editable=False)
    date = models.DateField()
    attendees = models.JSONField(default=list, help_text="Who attended: names, one per entry.")
    inputs = models.JSONField(default=dict, editable=False, help_text="The inputs as of the date, as stored.")
    inputs_taken_at = models.DateTimeField(null=True, blank=True, editable=False)
    inputs_comments = models.TextField(
        "comments on the inputs",
        blank=True,
        help_text="What the figures do not show, or what the meeting corrected in them; the figures "
        "themselves stay as the registers' history gives them.",
    )
    changes_in_context = models.TextField("changes in external and internal issues", blank=True)
    opportunities = models.TextField("opportunities for improvement", blank=True)
    decisions = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="management_review_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Management review {self.number} of {formats.date_format(self.date)}"


class CorrectiveActionQuerySet(OrganizationQuerySet):
    def pending(self):
        return self.filter(status__in=PENDING_ACTION_STATUSES)


class CorrectiveAction(OrganizationOwned):
    """An action on a finding (10.2) or decided by a management review (9.3):
    one register of tracked actions, so that "overdue" means one thing."""

    trail_parent = "finding"

    number = models.PositiveIntegerField(editable=False)
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    review = models.ForeignKey(
        ManagementReview, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    root_cause = models.TextField(blank=True)
    action = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verification_result = models.CharField(
        max_length=14, choices=Verification.choices, blank=True, editable=False
    )
    verification_notes = models.TextField(blank=True, editable=False)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="corrective_action_number_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(finding__isnull=False, review__isnull=True)
                    | Q(finding__isnull=True, review__isnull=False)
                ),
                name="corrective_action_finding_or_review",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_date"], name="corrective_action_due"),
            models.Index(fields=["organization", "owner", "status"], name="corrective_action_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.action[:60]}"

    @property
    def reference(self) -> str:
        return f"CA-{self.number}"

    @property
    def is_overdue(self) -> bool:
        """Pending past its due date (``selectors.overdue_corrective_actions_for`` says the same)."""
        return self.status in PENDING_ACTION_STATUSES and self.due_date < timezone.localdate()

    @property
    def is_verified(self) -> bool:
        return self.verification_result == Verification.EFFECTIVE
