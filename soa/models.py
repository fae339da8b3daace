"""The joint Statement of Applicability (ISO/IEC 27001 6.1.3 d, ISO/IEC 42001 6.1.3):
one row per Annex A control of both catalogues for each organization, and the
approved versions that freeze it.

- ``SoAEntry``: the live decision on one control — applicable or not (``None``:
  not decided yet), why (``SoAReason`` rows; the ``risk_treatment`` reason is
  never stored, it is read from the risk register), why not, how far it is
  implemented, by whom, and where the evidence is.
- ``SoAVersion`` and ``SoAVersionRow``: an approved snapshot of every row, frozen
  at the model layer (``core.freezing``) so that no path can change it.
"""

from django.conf import settings
from django.db import models

from core.freezing import Freezable
from core.models import OrganizationOwned


class ReasonKind(models.TextChoices):
    RISK_TREATMENT = "risk_treatment", "Risk treatment"
    LEGAL_REGULATORY = "legal_regulatory", "Legal or regulatory requirement"
    CONTRACTUAL = "contractual", "Contractual obligation"
    BUSINESS_GOOD_PRACTICE = "business_good_practice", "Business need or good practice"


#: The reasons a person records; ``risk_treatment`` comes from the register, never from a form.
STORED_REASON_KINDS = [
    ReasonKind.LEGAL_REGULATORY,
    ReasonKind.CONTRACTUAL,
    ReasonKind.BUSINESS_GOOD_PRACTICE,
]


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PLANNED = "planned", "Planned"
    PARTIAL = "partial", "Partially implemented"
    IMPLEMENTED = "implemented", "Implemented"


class SoAEntry(OrganizationOwned):
    """The organization's decision on one Annex A control of either catalogue.

    Rows are provisioned, never created by a read: with the organization, when
    the catalogues are loaded, and by a data migration (``soa.provisioning``).
    """

    control = models.ForeignKey("controls.Control", on_delete=models.PROTECT, related_name="soa_entries")
    applicable = models.BooleanField(
        null=True, blank=True, help_text="Whether the control is needed; empty until decided."
    )
    exclusion_justification = models.TextField(
        "justification for exclusion", blank=True, help_text="Required when the control is not applicable."
    )
    status = models.CharField(
        "implementation status",
        max_length=12,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.NOT_STARTED,
    )
    target_date = models.DateField("target date", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="soa_entries",
        help_text="The member accountable for the control.",
    )
    implementation_notes = models.TextField("how it is implemented", blank=True)
    evidence_location = models.CharField(
        "where the evidence is", max_length=500, blank=True, help_text="A document, system or URL."
    )

    class Meta:
        verbose_name = "SoA entry"
        verbose_name_plural = "SoA entries"
        ordering = ["control__framework__order", "control__order"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "control"], name="soa_entry_one_per_control"),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="soa_entry_org_status"),
            models.Index(fields=["organization", "applicable"], name="soa_entry_org_applicable"),
            models.Index(fields=["organization", "owner"], name="soa_entry_org_owner"),
        ]

    def __str__(self) -> str:
        return f"SoA {self.control.reference} {self.control.title}"


class SoAReason(OrganizationOwned):
    """A recorded reason for including a control: one per kind, with a note."""

    trail_parent = "entry"  # where the audit trail links to (core.audit_trail)

    entry = models.ForeignKey(SoAEntry, on_delete=models.CASCADE, related_name="reasons")
    kind = models.CharField(max_length=24, choices=[(k.value, k.label) for k in STORED_REASON_KINDS])
    note = models.CharField(max_length=500)

    class Meta:
        verbose_name = "SoA reason"
        ordering = ["entry", "kind"]
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="soa_reason_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.note[:60]}"


class SoAVersion(Freezable):
    """An approved Statement of Applicability: frozen from the moment it is saved.

    ``rows_sha256`` is the SHA-256 of the rows' canonical JSON
    (``soa.versioning.rows_digest``), so that a printed or exported copy can be
    checked against the data.
    """

    frozen_message = "An approved SoA version is frozen: it can no longer be changed or deleted."

    number = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approved_soa_versions"
    )
    approved_at = models.DateTimeField()
    change_summary = models.TextField()
    rows_sha256 = models.CharField("SHA-256 of the rows", max_length=64)
    # CASCADE, not PROTECT: no delete reaches a version anyway (``Freezable`` refuses
    # it, cascades included), and the refusal then says why: the version is frozen.
    supersedes = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        verbose_name = "SoA version"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="soa_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"SoA version {self.number}"


class SoAVersionRow(Freezable):
    """One row of an approved version, exactly as it was approved (names and
    titles copied, not linked, so that later edits elsewhere cannot change it)."""

    frozen_message = "An approved SoA version is frozen: its rows can no longer be changed or deleted."

    version = models.ForeignKey(SoAVersion, on_delete=models.CASCADE, related_name="rows")  # see supersedes
    position = models.PositiveSmallIntegerField()
    framework = models.CharField(max_length=50, help_text="Framework code, e.g. iso27001-2022.")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    theme = models.CharField("theme or objective", max_length=220)
    applicable = models.BooleanField(null=True)
    reasons = models.JSONField(default=list, help_text="[{kind, note, risks: [reference…]}] as approved.")
    exclusion_justification = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ImplementationStatus.choices)
    target_date = models.DateField(null=True, blank=True)
    owner_name = models.CharField(max_length=300, blank=True)
    implementation_notes = models.TextField(blank=True)
    evidence_location = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "SoA version row"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "framework", "reference"], name="soa_version_row_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
