"""One inventory of information assets (ISO/IEC 27001 5.9) and AI assets
(ISO/IEC 42001 A.4, A.6), and the typed links between them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from core.fields import TagsField
from core.models import OrganizationOwned, OrganizationQuerySet


class AssetGroup(models.TextChoices):
    INFORMATION = "information", "Information assets"
    AI = "ai", "AI assets"


class AssetKind(models.TextChoices):
    INFORMATION = "information", "Information / data"
    SOFTWARE = "software", "Software"
    HARDWARE = "hardware", "Hardware"
    SERVICE = "service", "Service"
    PEOPLE = "people", "People"
    SITE = "site", "Site"
    SUPPLIER = "supplier", "Supplier"
    AI_SYSTEM = "ai_system", "AI system"
    AI_MODEL = "ai_model", "AI model"
    DATASET = "dataset", "Dataset"
    AI_SERVICE = "ai_service", "AI service (vendor)"


AI_KINDS = frozenset({AssetKind.AI_SYSTEM, AssetKind.AI_MODEL, AssetKind.DATASET, AssetKind.AI_SERVICE})
INFORMATION_KINDS = frozenset(AssetKind) - AI_KINDS
KIND_GROUP = {kind: AssetGroup.AI if kind in AI_KINDS else AssetGroup.INFORMATION for kind in AssetKind}
KIND_ICONS = {
    AssetKind.INFORMATION: "bi-file-earmark-text",
    AssetKind.SOFTWARE: "bi-window-stack",
    AssetKind.HARDWARE: "bi-hdd-rack",
    AssetKind.SERVICE: "bi-cloud",
    AssetKind.PEOPLE: "bi-person-badge",
    AssetKind.SITE: "bi-geo-alt",
    AssetKind.SUPPLIER: "bi-truck",
    AssetKind.AI_SYSTEM: "bi-cpu",
    AssetKind.AI_MODEL: "bi-diagram-3",
    AssetKind.DATASET: "bi-database",
    AssetKind.AI_SERVICE: "bi-cloud-lightning",
}


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class Rating(models.IntegerChoices):
    """How much harm a loss of confidentiality, integrity or availability would do."""

    VERY_LOW = 1, "1 — Very low"
    LOW = 2, "2 — Low"
    MODERATE = 3, "3 — Moderate"
    HIGH = 4, "4 — High"
    VERY_HIGH = 5, "5 — Very high"


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class LifecycleStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_USE = "in_use", "In use"
    BEING_RETIRED = "being_retired", "Being retired"
    RETIRED = "retired", "Retired"


class AIRole(models.TextChoices):
    """The organization's role for this AI asset (ISO/IEC 22989 stakeholder roles)."""

    PROVIDER = "provider", "AI provider"
    PRODUCER = "producer", "AI producer / developer"
    DEPLOYER = "deployer", "Deployer"
    USER = "user", "AI customer / user"
    DATA_PROVIDER = "data_provider", "AI partner — data provider"
    INTEGRATOR = "integrator", "AI partner — system integrator"


class AIModelType(models.TextChoices):
    CLASSIFICATION = "classification", "Classification"
    REGRESSION = "regression", "Regression / scoring"
    LANGUAGE_MODEL = "language_model", "Large language model"
    GENERATIVE = "generative", "Generative (image, audio, video)"
    COMPUTER_VISION = "computer_vision", "Computer vision"
    NLP = "nlp", "Natural language processing"
    RECOMMENDER = "recommender", "Recommender"
    FORECASTING = "forecasting", "Forecasting / time series"
    CLUSTERING = "clustering", "Clustering / anomaly detection"
    REINFORCEMENT = "reinforcement", "Reinforcement learning"
    RULE_BASED = "rule_based", "Rule-based / expert system"
    OTHER = "other", "Other"


class PersonalData(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class AutomationLevel(models.TextChoices):
    """Degree of automation, after ISO/IEC 22989's levels."""

    ASSISTANCE = "assistance", "Assistance — a human decides, the system helps"
    PARTIAL = "partial", "Partial automation — the system acts on parts, a human decides"
    CONDITIONAL = "conditional", "Conditional automation — the system acts, a human takes over on request"
    HIGH = "high", "High automation — the system acts, a human can intervene"
    FULL = "full", "Full automation — the system acts without a human"
    AUTONOMOUS = "autonomous", "Autonomous — the system also changes its own goals or behaviour"


class HumanOversight(models.TextChoices):
    IN_THE_LOOP = "in_the_loop", "Human in the loop — every output is reviewed before it takes effect"
    ON_THE_LOOP = "on_the_loop", "Human on the loop — outputs are monitored and can be overridden"
    IN_COMMAND = "in_command", "Human in command — humans decide when and how the system is used"
    NONE = "none", "No human oversight"


class AIRiskClass(models.TextChoices):
    """Risk class under the EU AI Act (Regulation (EU) 2024/1689)."""

    PROHIBITED = "prohibited", "Prohibited"
    HIGH = "high", "High risk"
    LIMITED = "limited", "Limited risk (transparency)"
    MINIMAL = "minimal", "Minimal risk"


class AILifecycleStage(models.TextChoices):
    DESIGN = "design", "Design"
    DEVELOPMENT = "development", "Development"
    VERIFICATION = "verification_validation", "Verification and validation"
    DEPLOYMENT = "deployment", "Deployment"
    OPERATION = "operation_monitoring", "Operation and monitoring"
    RETIREMENT = "retirement", "Retirement"


#: Every AI field; all of them must be empty on an information asset.
AI_FIELDS = (
    "ai_role",
    "ai_model_type",
    "ai_vendor",
    "ai_version",
    "ai_intended_purpose",
    "ai_data_provenance",
    "ai_data_licence",
    "ai_personal_data",
    "ai_automation_level",
    "ai_human_oversight",
    "ai_risk_class",
    "ai_lifecycle_stage",
)

#: The AI fields each AI kind must fill in (see ``Asset``'s docstring for why).
AI_REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    AssetKind.AI_SYSTEM: (
        "ai_role",
        "ai_intended_purpose",
        "ai_risk_class",
        "ai_lifecycle_stage",
        "ai_personal_data",
        "ai_automation_level",
        "ai_human_oversight",
    ),
    AssetKind.AI_MODEL: ("ai_role", "ai_model_type", "ai_version", "ai_lifecycle_stage"),
    AssetKind.DATASET: ("ai_data_provenance", "ai_data_licence", "ai_personal_data"),
    AssetKind.AI_SERVICE: ("ai_vendor", "ai_role", "ai_intended_purpose", "ai_personal_data"),
}

#: Highest of C, I and A → the criticality an asset gets when none is given.
CRITICALITY_FROM_RATING = {
    1: Criticality.LOW,
    2: Criticality.LOW,
    3: Criticality.MEDIUM,
    4: Criticality.HIGH,
    5: Criticality.CRITICAL,
}

IDENTIFIER_PREFIX = "AST-"


def criticality_derived(*, confidentiality: int, integrity: int, availability: int) -> str:
    return CRITICALITY_FROM_RATING[max(confidentiality, integrity, availability)]


class AssetQuerySet(OrganizationQuerySet):
    def of_group(self, group: str):
        kinds = AI_KINDS if group == AssetGroup.AI else INFORMATION_KINDS
        return self.filter(kind__in=sorted(kinds))


class Asset(OrganizationOwned):
    """An information or AI asset of the organization.

    Common fields describe every asset: who owns it (a member), how it is
    classified, how much a loss of confidentiality, integrity and availability
    would hurt (1 to 5 each), how critical it is (derived from the highest rating
    when not given, and editable) and where it is in its life.

    The ``ai_*`` fields document AI assets (ISO/IEC 42001 A.4 resources, A.6
    life cycle; EU AI Act risk class) and must stay empty on information
    assets. Which of them each AI kind must fill in (``AI_REQUIRED_FIELDS``):

    - **AI system**: the organization's AI role, intended purpose, EU AI Act
      risk class, AI lifecycle stage, personal data involved, level of
      automation and human oversight — what an impact assessment (42001
      clause 6.1.4) starts from.
    - **AI model**: AI role, model type, version and lifecycle stage — enough
      to tell which model, in which state, a system runs.
    - **Dataset**: provenance, licence and whether it holds personal data
      (42001 A.7 data for AI systems).
    - **AI service (vendor)**: vendor, AI role (usually user or deployer),
      intended purpose and personal data — what a supplier assessment needs.

    The other AI fields are optional for every AI kind.
    """

    trail_url = "assets:detail"  # where the audit trail links to (core.audit_trail)
    history_page = "assets:history"  # its one history page (organizations.views.RecordTrailView)

    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    identifier = models.CharField(
        max_length=40,
        blank=True,
        help_text=f"Unique in the organization, e.g. {IDENTIFIER_PREFIX}0001; "
        "the next free one is given when left empty.",
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_assets",
        help_text="The member accountable for the asset.",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="custodian_of_assets",
        help_text="The member who looks after it day to day, if not the owner.",
    )
    location = models.CharField(
        max_length=200, blank=True, help_text="Where it is: a site, a cloud region, a system, a team."
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.INTERNAL
    )
    confidentiality = models.PositiveSmallIntegerField(choices=Rating.choices, default=Rating.MODERATE)
    integrity = models.PositiveSmallIntegerField(choices=Rating.choices, default=Rating.MODERATE)
    availability = models.PositiveSmallIntegerField(choices=Rating.choices, default=Rating.MODERATE)
    criticality = models.CharField(
        max_length=10,
        choices=Criticality.choices,
        blank=True,
        help_text="Derived from the highest of the three ratings when left empty.",
    )
    lifecycle_status = models.CharField(
        "lifecycle status", max_length=20, choices=LifecycleStatus.choices, default=LifecycleStatus.IN_USE
    )
    tags = TagsField(help_text="Comma-separated, e.g. pii, claims, production.")

    ai_role = models.CharField("AI role", max_length=20, choices=AIRole.choices, blank=True)
    ai_model_type = models.CharField("model type", max_length=20, choices=AIModelType.choices, blank=True)
    ai_vendor = models.CharField("vendor / provider", max_length=200, blank=True)
    ai_version = models.CharField("version", max_length=60, blank=True)
    ai_intended_purpose = models.TextField(
        "intended purpose",
        blank=True,
        help_text="What it is for, for whom, and what it must not be used for.",
    )
    ai_data_provenance = models.TextField(
        "training-data provenance",
        blank=True,
        help_text="Where the data comes from and how it was collected.",
    )
    ai_data_licence = models.CharField(
        "data licence", max_length=200, blank=True, help_text="e.g. CC BY 4.0, proprietary, contract ref."
    )
    ai_personal_data = models.CharField(
        "personal data involved", max_length=10, choices=PersonalData.choices, blank=True
    )
    ai_automation_level = models.CharField(
        "level of automation", max_length=20, choices=AutomationLevel.choices, blank=True
    )
    ai_human_oversight = models.CharField(
        "human oversight", max_length=20, choices=HumanOversight.choices, blank=True
    )
    ai_risk_class = models.CharField(
        "EU AI Act risk class", max_length=20, choices=AIRiskClass.choices, blank=True
    )
    ai_lifecycle_stage = models.CharField(
        "AI lifecycle stage", max_length=30, choices=AILifecycleStage.choices, blank=True
    )

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Case-insensitive: AST-0001 and ast-0001 would name the same asset to a reader.
            models.UniqueConstraint(
                F("organization"),
                Lower("identifier"),
                name="asset_identifier_unique_in_organization",
                violation_error_message="Another asset of this organization already has this identifier.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "name"], name="asset_org_name"),
            models.Index(fields=["organization", "kind"], name="asset_org_kind"),
            models.Index(fields=["organization", "classification"], name="asset_org_classification"),
            models.Index(fields=["organization", "criticality"], name="asset_org_criticality"),
            models.Index(fields=["organization", "lifecycle_status"], name="asset_org_lifecycle"),
            models.Index(fields=["organization", "ai_risk_class"], name="asset_org_ai_risk"),
            models.Index(fields=["organization", "owner"], name="asset_org_owner"),
            models.Index(fields=["organization", "updated_at"], name="asset_org_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}" if self.identifier else self.name

    @property
    def is_ai(self) -> bool:
        return self.kind in AI_KINDS

    @property
    def group(self) -> str:
        return KIND_GROUP.get(self.kind, AssetGroup.INFORMATION)

    @property
    def kind_icon(self) -> str:
        return KIND_ICONS.get(self.kind, "bi-box")

    @property
    def derived_criticality(self) -> str:
        return criticality_derived(
            confidentiality=self.confidentiality, integrity=self.integrity, availability=self.availability
        )

    def clean(self):
        super().clean()
        if not self.criticality and all(
            isinstance(r, int) and 1 <= r <= 5
            for r in (self.confidentiality, self.integrity, self.availability)
        ):
            self.criticality = self.derived_criticality
        if self.kind not in AssetKind.values:
            return  # clean_fields has already named the unknown kind
        errors: dict[str, str] = {}
        if self.kind in AI_KINDS:
            kind_label = AssetKind(self.kind).label
            for name in AI_REQUIRED_FIELDS[self.kind]:
                if not getattr(self, name):
                    label = self._meta.get_field(name).verbose_name
                    errors[name] = f"An asset of kind “{kind_label}” needs its {label}."
        else:
            for name in AI_FIELDS:
                if getattr(self, name):
                    label = str(self._meta.get_field(name).verbose_name)
                    errors[name] = (
                        f"{label[0].upper()}{label[1:]} is only for AI assets; "
                        "leave it empty for an information asset."
                    )
        if errors:
            raise ValidationError(errors)


class RelationType(models.TextChoices):
    USES = "uses", "Uses"
    TRAINED_ON = "trained_on", "Trained on"
    HOSTED_ON = "hosted_on", "Hosted on"
    SUPPLIED_BY = "supplied_by", "Supplied by"
    PROCESSES = "processes", "Processes"


#: How a relation reads from its target's side ("Used by system Y").
RELATION_INVERSE_LABELS = {
    RelationType.USES: "Used by",
    RelationType.TRAINED_ON: "Training data for",
    RelationType.HOSTED_ON: "Hosts",
    RelationType.SUPPLIED_BY: "Supplies",
    RelationType.PROCESSES: "Processed by",
}

#: Which kinds of asset may stand at each end of a relation type (None: any).
RELATION_RULES: dict[str, tuple[frozenset | None, frozenset | None]] = {
    RelationType.USES: (None, None),
    RelationType.PROCESSES: (None, None),
    RelationType.TRAINED_ON: (
        frozenset({AssetKind.AI_SYSTEM, AssetKind.AI_MODEL}),
        frozenset({AssetKind.DATASET, AssetKind.INFORMATION}),
    ),
    RelationType.HOSTED_ON: (
        None,
        frozenset(
            {AssetKind.HARDWARE, AssetKind.SERVICE, AssetKind.SOFTWARE, AssetKind.SITE, AssetKind.AI_SERVICE}
        ),
    ),
    RelationType.SUPPLIED_BY: (None, frozenset({AssetKind.SUPPLIER})),
}


def relation_kind_errors(relation_type: str, *, source_kind: str, target_kind: str) -> dict[str, str]:
    """What is wrong with linking these kinds of asset this way ({} if nothing)."""
    if relation_type not in RELATION_RULES:
        return {}
    sources, targets = RELATION_RULES[relation_type]
    label = RelationType(relation_type).label.lower()
    errors = {}
    if sources is not None and source_kind not in sources:
        allowed = ", ".join(sorted(AssetKind(k).label for k in sources))
        errors["source"] = f"Only these kinds of asset can be “{label}” something: {allowed}."
    if targets is not None and target_kind not in targets:
        allowed = ", ".join(sorted(AssetKind(k).label for k in targets))
        errors["target"] = f"“{label.capitalize()}” must point to one of: {allowed}."
    return errors


class AssetRelation(OrganizationOwned):
    """A typed link from one asset to another of the same organization,
    read "source <type> target": an AI system *uses* a model, a model is
    *trained on* a dataset, a system is *hosted on* a server."""

    trail_parent = "source"  # where the audit trail links to (core.audit_trail)

    # RESTRICT: PROTECT, except that deleting the organization takes both. An asset is
    # deleted through ``core.deletion``, which removes its links in the open.
    source = models.ForeignKey(Asset, on_delete=models.RESTRICT, related_name="relations_out")
    target = models.ForeignKey(Asset, on_delete=models.RESTRICT, related_name="relations_in")
    type = models.CharField(max_length=20, choices=RelationType.choices)
    note = models.CharField(max_length=300, blank=True, help_text="Why or how, in a line.")

    class Meta:
        ordering = ["type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "type"],
                name="asset_relation_unique",
                violation_error_message="These two assets are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="asset_relation_not_to_itself",
                violation_error_message="An asset cannot be linked to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_type_display().lower()} {self.target}"

    @property
    def inverse_label(self) -> str:
        return RELATION_INVERSE_LABELS[self.type]

    @property
    def owner_id(self):
        """Whoever owns the source asset may change its outgoing links
        (what ``Membership.can_edit`` asks of a record)."""
        return self.source.owner_id

    def clean(self):
        super().clean()
        if self.source_id is None or self.target_id is None:
            return
        errors = {}
        if self.source_id == self.target_id:
            errors["target"] = "An asset cannot be linked to itself."
        elif self.source.organization_id != self.target.organization_id:
            errors["target"] = "Both assets must belong to the same organization."
        elif self.organization_id is not None and self.source.organization_id != self.organization_id:
            errors["source"] = "The asset must belong to this organization."
        if not errors:
            errors = relation_kind_errors(
                self.type, source_kind=self.source.kind, target_kind=self.target.kind
            )
        if errors:
            raise ValidationError(errors)


class InventoryGeneration(models.Model):
    """How many times the organization's inventory has been written: the asset and
    relation services raise it in the writing transaction, and the list page's
    figures over the whole inventory are cached under it (``selectors.inventory_figures``),
    so a write makes every web process read fresh figures. Not a GRC record: no history."""

    # CASCADE: the counter is part of the organization's inventory, nothing points at it.
    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Inventory of organization {self.organization_id}, generation {self.number}"
