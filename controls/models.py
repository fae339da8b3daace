"""The catalogues: frameworks, their themes/objectives, controls, clauses, and the crosswalk.

Catalogue rows are global (not organization-owned) and shipped as fixtures in
``fixtures/``; ``manage.py load_catalogues`` loads them by natural key
(framework code + reference), so rows keep their primary keys across reloads and
everything that points at a control stays attached. A new edition of a standard
is a new ``Framework`` row, never an edit in place.
"""

from django.core.exceptions import ValidationError
from django.db import models


class Relation(models.TextChoices):
    EQUIVALENT = "equivalent", "Equivalent"
    PARTIAL = "partial", "Partial"
    RELATED = "related", "Related"


#: Strongest first: a control's coverage is its strongest link.
RELATION_STRENGTH = {Relation.EQUIVALENT: 3, Relation.PARTIAL: 2, Relation.RELATED: 1}


class FrameworkManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Framework(models.Model):
    code = models.SlugField(max_length=50, unique=True, help_text="Standard and edition, e.g. iso27001-2022.")
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=60)
    edition = models.CharField(max_length=20)
    publisher = models.CharField(max_length=60)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = FrameworkManager()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.short_name

    def natural_key(self):
        return (self.code,)


class FrameworkItemManager(models.Manager):
    def get_by_natural_key(self, framework_code, reference):
        return self.get(framework__code=framework_code, reference=reference)


class FrameworkItem(models.Model):
    """Something a framework numbers: a theme/objective, a control or a clause."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What it expects, in our own words.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = FrameworkItemManager()

    class Meta:
        abstract = True
        ordering = ["framework__order", "order"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def natural_key(self):
        return (self.framework.code, self.reference)

    natural_key.dependencies = ["controls.framework"]


class ControlGroup(FrameworkItem):
    """A theme of ISO/IEC 27001 Annex A (5-8) or an objective of ISO/IEC 42001 Annex A (A.2-A.10)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="groups")

    class Meta(FrameworkItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["framework", "reference"], name="unique_group_reference"),
        ]


class Control(FrameworkItem):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="controls")
    group = models.ForeignKey(ControlGroup, on_delete=models.PROTECT, related_name="controls")
    no_counterpart_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a control the crosswalk links to nothing: why it has no counterpart.",
    )

    class Meta(FrameworkItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["framework", "reference"], name="unique_control_reference"),
        ]
        indexes = [models.Index(fields=["framework", "order"])]


class Clause(FrameworkItem):
    """A management-system requirement (clauses 4-10 and their subclauses)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="clauses")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta(FrameworkItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["framework", "reference"], name="unique_clause_reference"),
        ]

    @property
    def depth(self) -> int:
        return self.reference.count(".")


class LinkManager(models.Manager):
    def get_by_natural_key(self, source_framework, source_reference, target_framework, target_reference):
        return self.get(
            source__framework__code=source_framework,
            source__reference=source_reference,
            target__framework__code=target_framework,
            target__reference=target_reference,
        )


class Link(models.Model):
    relation = models.CharField(max_length=12, choices=Relation.choices)
    rationale = models.CharField(max_length=300, help_text="Why the target covers or touches the source.")

    objects = LinkManager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.source.reference} → {self.target.reference} ({self.relation})"

    def natural_key(self):
        return self.source.natural_key() + self.target.natural_key()

    def clean(self):
        if self.source.framework_id == self.target.framework_id:
            raise ValidationError("A crosswalk link joins two different frameworks.")

    @property
    def strength(self) -> int:
        return RELATION_STRENGTH[self.relation]


class Mapping(Link):
    """A typed link from an ISO/IEC 42001 control to an ISO/IEC 27001 control that covers or touches it."""

    source = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings_from")
    target = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings_to")

    class Meta:
        ordering = ["source__framework__order", "source__order", "target__order"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="unique_mapping")]


class ClauseMapping(Link):
    """A link between the harmonized management-system clauses of two frameworks."""

    source = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="mappings_from")
    target = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="mappings_to")

    class Meta:
        ordering = ["source__framework__order", "source__order", "target__order"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="unique_clause_mapping")]
