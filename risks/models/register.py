"""The register: risks, the assets they affect, the controls that treat them
and their treatment plans' actions."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import OrganizationOwned, OrganizationQuerySet

from .methodology import RiskMethodology
from .vocabulary import (
    AI_CATEGORIES,
    PENDING_ACTION_STATUSES,
    SECURITY_CATEGORIES,
    ActionStatus,
    Category,
    HarmArea,
    Level,
    RiskStatus,
    Treatment,
)

REFERENCE_PREFIX = "R-"


def risk_reference(number: int | None) -> str:
    return f"{REFERENCE_PREFIX}{number:03d}" if number else ""


class RiskQuerySet(OrganizationQuerySet):
    def review_overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(next_review_date__lt=today).exclude(status=RiskStatus.CLOSED)


#: The fields an acceptance sets and ``Risk.clear_acceptance`` clears.
ACCEPTANCE_FIELDS = (
    "accepted_by",
    "accepted_at",
    "acceptance_justification",
    "accepted_score",
    "accepted_level",
    "accepted_above_appetite",
)


class Risk(OrganizationOwned):
    """One risk of the register: to information (threat, vulnerability,
    confidentiality/integrity/availability), from or to an AI system (harm
    area), or both.

    Inherent rating: before treatment. Residual rating: after the treatment
    controls and plan; empty until assessed, and the risk then counts at its
    inherent rating. ``score`` and ``level`` are the current ones (residual
    when rated, else inherent): what filters, heat maps and acceptance use.
    """

    trail_url = "risks:detail"  # where the audit trail links to (core.audit_trail)
    history_page = "risks:history"  # its one history page (organizations.views.RecordTrailView)

    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=24, choices=Category.choices)

    threat = models.CharField(
        max_length=300, blank=True, help_text="What could happen: the event or actor, e.g. ransomware."
    )
    vulnerability = models.CharField(
        max_length=300, blank=True, help_text="The weakness it exploits, e.g. unpatched hypervisor."
    )
    affects_confidentiality = models.BooleanField("confidentiality", default=False)
    affects_integrity = models.BooleanField("integrity", default=False)
    affects_availability = models.BooleanField("availability", default=False)
    ai_harm_area = models.CharField("AI harm area", max_length=32, choices=HarmArea.choices, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_risks",
        help_text="The risk owner: the member accountable for treating it.",
    )
    assets = models.ManyToManyField(
        "assets.Asset", through="RiskAsset", related_name="risks", blank=True, verbose_name="affected assets"
    )
    controls = models.ManyToManyField(
        "controls.Control",
        through="RiskControl",
        related_name="risks",
        blank=True,
        verbose_name="treatment controls",
    )

    inherent_likelihood = models.PositiveSmallIntegerField("inherent likelihood")
    inherent_impact = models.PositiveSmallIntegerField("inherent impact")
    inherent_score = models.PositiveSmallIntegerField("inherent score", editable=False)
    inherent_level = models.CharField("inherent level", max_length=10, choices=Level.choices, editable=False)

    treatment = models.CharField("treatment decision", max_length=10, choices=Treatment.choices, blank=True)
    treatment_plan = models.TextField(
        "treatment plan", blank=True, help_text="How the risk is treated, in a few lines; actions below."
    )

    residual_likelihood = models.PositiveSmallIntegerField("residual likelihood", null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField("residual impact", null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField("residual score", null=True, blank=True, editable=False)
    residual_level = models.CharField(
        "residual level", max_length=10, choices=Level.choices, blank=True, editable=False
    )
    residual_rationale = models.TextField(
        "residual rationale",
        blank=True,
        help_text="Why the residual rating is what it is; required when it is above the inherent one.",
    )

    score = models.PositiveSmallIntegerField("current score", editable=False)
    level = models.CharField("current level", max_length=10, choices=Level.choices, editable=False)

    status = models.CharField(max_length=16, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED)
    next_review_date = models.DateField(
        "next review", help_text="Left empty, it follows the methodology's review interval."
    )
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True, editable=False)

    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    accepted_at = models.DateTimeField("accepted at", null=True, blank=True, editable=False)
    acceptance_justification = models.TextField("acceptance justification", blank=True, editable=False)
    accepted_score = models.PositiveSmallIntegerField("accepted score", null=True, blank=True, editable=False)
    accepted_level = models.CharField(
        "accepted level", max_length=10, choices=Level.choices, blank=True, editable=False
    )
    accepted_above_appetite = models.BooleanField("accepted above appetite", default=False, editable=False)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                name="risk_reference_unique_in_organization",
                violation_error_message="Another risk of this organization already has this reference.",
            ),
            models.CheckConstraint(
                condition=(Q(residual_likelihood__isnull=True) & Q(residual_impact__isnull=True))
                | (Q(residual_likelihood__isnull=False) & Q(residual_impact__isnull=False)),
                name="risk_residual_rated_on_both_axes",
                violation_error_message="Give both residual likelihood and impact, or neither.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "level"], name="risk_org_level"),
            models.Index(fields=["organization", "status"], name="risk_org_status"),
            models.Index(fields=["organization", "category"], name="risk_org_category"),
            models.Index(fields=["organization", "owner"], name="risk_org_owner"),
            models.Index(fields=["organization", "next_review_date"], name="risk_org_review"),
            models.Index(fields=["organization", "updated_at"], name="risk_org_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return risk_reference(self.number)

    @property
    def has_residual(self) -> bool:
        return self.residual_likelihood is not None and self.residual_impact is not None

    @property
    def current_likelihood(self) -> int:
        return self.residual_likelihood if self.has_residual else self.inherent_likelihood

    @property
    def current_impact(self) -> int:
        return self.residual_impact if self.has_residual else self.inherent_impact

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_security(self) -> bool:
        return self.category in SECURITY_CATEGORIES

    @property
    def is_ai(self) -> bool:
        return self.category in AI_CATEGORIES

    @property
    def cia_letters(self) -> str:
        return "".join(
            letter
            for letter, flag in (
                ("C", self.affects_confidentiality),
                ("I", self.affects_integrity),
                ("A", self.affects_availability),
            )
            if flag
        )

    @property
    def is_review_overdue(self) -> bool:
        return (
            self.status != RiskStatus.CLOSED
            and self.next_review_date is not None
            and self.next_review_date < timezone.localdate()
        )

    def rate(self, methodology: RiskMethodology) -> None:
        """Compute the stored scores and levels from the ratings and ``methodology``."""
        self.inherent_score = self.inherent_likelihood * self.inherent_impact
        self.inherent_level = methodology.level_for(self.inherent_score)
        if self.has_residual:
            self.residual_score = self.residual_likelihood * self.residual_impact
            self.residual_level = methodology.level_for(self.residual_score)
        else:
            self.residual_score, self.residual_level = None, ""
        self.score = self.residual_score if self.has_residual else self.inherent_score
        self.level = self.residual_level if self.has_residual else self.inherent_level

    def clear_acceptance(self) -> None:
        self.accepted_by = None
        self.accepted_at = None
        self.acceptance_justification = ""
        self.accepted_score = None
        self.accepted_level = ""
        self.accepted_above_appetite = False

    def rating_errors(self, methodology: RiskMethodology) -> dict[str, str]:
        """Ratings outside the methodology's scales, and the category's required fields."""
        errors = {}
        for name, size, noun in (
            ("inherent_likelihood", methodology.likelihood_size, "likelihood"),
            ("inherent_impact", methodology.impact_size, "impact"),
            ("residual_likelihood", methodology.likelihood_size, "likelihood"),
            ("residual_impact", methodology.impact_size, "impact"),
        ):
            value = getattr(self, name)
            if value is None:
                if name.startswith("inherent"):
                    errors[name] = f"Rate the inherent {noun} (1 to {size})."
            elif not 1 <= value <= size:
                errors[name] = f"The {noun} scale runs from 1 to {size}."
        if (self.residual_likelihood is None) != (self.residual_impact is None):
            missing = "residual_impact" if self.residual_impact is None else "residual_likelihood"
            errors.setdefault(missing, "Rate both residual likelihood and impact, or neither.")
        return errors

    def category_errors(self) -> dict[str, str]:
        errors = {}
        if self.category in SECURITY_CATEGORIES:
            if not self.threat.strip():
                errors["threat"] = "An information security risk names its threat."
            if not (self.affects_confidentiality or self.affects_integrity or self.affects_availability):
                errors["affects_confidentiality"] = (
                    "Say whether confidentiality, integrity or availability would suffer."
                )
        if self.category in AI_CATEGORIES and not self.ai_harm_area:
            errors["ai_harm_area"] = "An AI risk names the area where it does harm."
        return errors


class RiskAsset(OrganizationOwned):
    """An asset the risk affects; a row of its own so that linking and
    unlinking are kept in history."""

    trail_parent = "risk"  # where the audit trail links to (core.audit_trail)

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="asset_links")
    # RESTRICT: PROTECT, except that deleting the organization takes both. An asset is
    # deleted through ``core.deletion``, which unlinks it in the open.
    asset = models.ForeignKey("assets.Asset", on_delete=models.RESTRICT, related_name="risk_links")

    class Meta:
        verbose_name = "affected asset"
        constraints = [models.UniqueConstraint(fields=["risk", "asset"], name="risk_asset_unique")]

    def __str__(self) -> str:
        return f"{self.risk.reference} affects {self.asset}"


class RiskControl(OrganizationOwned):
    """A control of either catalogue chosen to treat the risk (27001 6.1.3 b, 42001 6.1.3)."""

    trail_parent = "risk"  # where the audit trail links to (core.audit_trail)

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="control_links")
    control = models.ForeignKey("controls.Control", on_delete=models.PROTECT, related_name="risk_links")

    class Meta:
        verbose_name = "treatment control"
        constraints = [models.UniqueConstraint(fields=["risk", "control"], name="risk_control_unique")]
        # The SoA counts each control's treating links per organization: led by the control
        # alone, that read every organization's links of the control (2x slower among 218
        # organizations than alone; docs/performance.md, "Many organizations").
        indexes = [models.Index(fields=["organization", "control"], name="riskcontrol_org_control")]

    def __str__(self) -> str:
        return f"{self.risk.reference} treated by {self.control.reference}"


class TreatmentAction(OrganizationOwned):
    """One step of a risk's treatment plan, with an owner and a due date."""

    trail_parent = "risk"  # where the audit trail links to (core.audit_trail)

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="treatment_actions"
    )
    due_date = models.DateField("due")
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField("completed", null=True, blank=True)
    completion_note = models.CharField("completion note", max_length=500, blank=True)

    class Meta:
        verbose_name = "treatment action"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["organization", "owner", "status"], name="risk_action_owner_status"),
            models.Index(fields=["organization", "due_date"], name="risk_action_due"),
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference}: {self.description[:60]}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.due_date < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_date).days if self.is_overdue else 0
