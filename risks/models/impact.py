"""AI system impact assessments: versions, their impacts and their reviewers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.freezing import Freezable

from .register import Risk
from .vocabulary import AffectedParty, AssessmentStatus, ImpactArea, ImpactLikelihood, ImpactSeverity

SIGNED_OFF_MESSAGE = "This version is signed off and frozen; reassess the AI system to start a new version."


class ImpactAssessment(Freezable):
    """One version of the impact assessment of an AI system (ISO/IEC 42001
    6.1.4, A.5.2 to A.5.5): the foreseeable impacts on individuals, groups and
    society, reviewed and signed off. Signing off freezes the version;
    reassessing starts the next version from a copy of its items."""

    trail_url = "risks:assessment_detail"  # where the audit trail links to (core.audit_trail)
    history_page = "risks:assessment_history"  # its one history page (organizations.views.RecordTrailView)
    label_names_kind = True  # "Impact assessment of …, version 2" (core.deletion)
    frozen_when = Q(status=AssessmentStatus.SIGNED_OFF)
    frozen_message = SIGNED_OFF_MESSAGE

    # RESTRICT: PROTECT, except that deleting the organization takes both. An AI system is
    # deleted through ``core.deletion``, which deletes its
    # drafts and refuses while a signed-off version exists (risks.deletion).
    ai_system = models.ForeignKey(
        "assets.Asset", on_delete=models.RESTRICT, related_name="impact_assessments", verbose_name="AI system"
    )
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_impact_assessments",
        help_text="The member who leads the assessment.",
    )
    scope = models.TextField(
        help_text="What is assessed: the system's use, its context and who it reaches.",
    )
    summary = models.TextField(
        "conclusion", blank=True, help_text="What the assessment concludes; needed to sign it off."
    )
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, editable=False
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ImpactReviewer", related_name="+", blank=True
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    signed_off_at = models.DateTimeField("signed off at", null=True, blank=True, editable=False)
    sign_off_note = models.TextField("sign-off note", blank=True, editable=False)

    class Meta:
        verbose_name = "AI system impact assessment"
        ordering = ["ai_system__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["ai_system", "version"], name="impact_assessment_version_unique"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="impact_org_status")]

    def __str__(self) -> str:
        return f"Impact assessment of {self.ai_system.name}, version {self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status == AssessmentStatus.SIGNED_OFF


class ImpactItem(Freezable):
    """One foreseeable impact of the AI system, rated on a fixed 5-level scale
    and mapped onto the methodology's scales when it raises a risk. Frozen with
    its signed-off assessment, except for the link to the risk it raises."""

    trail_parent = "assessment"  # where the audit trail links to (core.audit_trail)
    frozen_when = Q(assessment__status=AssessmentStatus.SIGNED_OFF)
    frozen_message = SIGNED_OFF_MESSAGE
    frozen_open_fields = frozenset({"risk", "updated_at"})

    assessment = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE, related_name="items")
    area = models.CharField(max_length=24, choices=ImpactArea.choices)
    affected_party = models.CharField("affected party", max_length=16, choices=AffectedParty.choices)
    affected_detail = models.CharField(
        "who exactly", max_length=200, blank=True, help_text="e.g. claimants who write in a second language."
    )
    description = models.TextField(help_text="What could happen to them, and how.")
    severity = models.PositiveSmallIntegerField(choices=ImpactSeverity.choices)
    likelihood = models.PositiveSmallIntegerField(choices=ImpactLikelihood.choices)
    mitigation = models.TextField(blank=True, help_text="What prevents or limits it.")
    risk = models.ForeignKey(
        Risk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_items",
        editable=False,
        verbose_name="risk in the register",
    )

    class Meta:
        verbose_name = "impact"
        ordering = ["assessment", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.description[:60]}"

    @property
    def owner_id(self):
        """Whoever leads the assessment may change its items."""
        return self.assessment.owner_id

    @property
    def rating(self) -> int:
        return self.severity * self.likelihood


class ImpactReviewer(Freezable):
    """A member asked to review an assessment, and their review once given."""

    frozen_when = Q(assessment__status=AssessmentStatus.SIGNED_OFF)
    frozen_message = SIGNED_OFF_MESSAGE

    trail_parent = "assessment"  # where the audit trail links to (core.audit_trail)

    assessment = models.ForeignKey(ImpactAssessment, on_delete=models.CASCADE, related_name="reviewer_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("reviewed at", null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = "reviewer"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="impact_reviewer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} reviews {self.assessment}"
