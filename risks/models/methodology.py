"""The organization's risk methodology: scales, level bands, appetite, review interval."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from core.models import OrganizationOwned

from .vocabulary import LEVEL_COLOURS, LEVEL_RANK, Level

DEFAULT_LIKELIHOOD_LABELS = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT_LABELS = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
SCALE_MIN, SCALE_MAX = 3, 7
LABEL_MAX_LENGTH = 40


def default_likelihood_labels() -> list[str]:
    return list(DEFAULT_LIKELIHOOD_LABELS)


def default_impact_labels() -> list[str]:
    return list(DEFAULT_IMPACT_LABELS)


@dataclass(frozen=True)
class Band:
    level: str
    label: str
    low: int  # lowest score of the band
    high: int  # highest score of the band
    fill: str
    text: str


def is_above_appetite(level: str, appetite: str) -> bool:
    """Whether a risk at ``level`` lies above a risk appetite of ``appetite`` (a level too)."""
    return bool(level) and LEVEL_RANK[level] > LEVEL_RANK[appetite]


class RiskMethodology(OrganizationOwned):
    """How the organization rates risk (ISO/IEC 27001 6.1.2 a and b, 42001 6.1.2):
    the likelihood and impact scales, the score bands that make a level, the
    risk appetite and how often risks are reviewed. One per organization,
    created with the defaults on first use; only administrators change it."""

    trail_url = "risks:methodology"  # where the audit trail links to (core.audit_trail)

    likelihood_labels = models.JSONField(
        "likelihood scale", default=default_likelihood_labels, help_text="One label per level, lowest first."
    )
    impact_labels = models.JSONField(
        "impact scale", default=default_impact_labels, help_text="One label per level, lowest first."
    )
    medium_from = models.PositiveSmallIntegerField(
        "medium from score", default=4, help_text="Lowest likelihood \u00d7 impact score that is medium."
    )
    high_from = models.PositiveSmallIntegerField(
        "high from score", default=10, help_text="Lowest score that is high."
    )
    critical_from = models.PositiveSmallIntegerField(
        "critical from score", default=16, help_text="Lowest score that is critical."
    )
    risk_appetite = models.CharField(
        "risk appetite",
        max_length=10,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text="The highest level a risk may be retained at without escalation; accepting a risk "
        "above it needs an explicit justification.",
    )
    review_interval_days = models.PositiveSmallIntegerField(
        "review interval (days)",
        default=180,
        help_text="A risk's next review falls this many days after it is recorded or reviewed.",
    )

    class Meta:
        verbose_name = "risk methodology"
        verbose_name_plural = "risk methodologies"
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="risk_methodology_one_per_organization")
        ]

    def __str__(self) -> str:
        return f"Risk methodology ({self.likelihood_size} \u00d7 {self.impact_size})"

    @property
    def likelihood_size(self) -> int:
        return len(self.likelihood_labels or [])

    @property
    def impact_size(self) -> int:
        return len(self.impact_labels or [])

    @property
    def max_score(self) -> int:
        return self.likelihood_size * self.impact_size

    def level_for(self, score: int | None) -> str:
        if score is None:
            return ""
        if score >= self.critical_from:
            return Level.CRITICAL
        if score >= self.high_from:
            return Level.HIGH
        if score >= self.medium_from:
            return Level.MEDIUM
        return Level.LOW

    def is_above_appetite(self, level: str) -> bool:
        return is_above_appetite(level, self.risk_appetite)

    def likelihood_label(self, value: int | None) -> str:
        return self._label(self.likelihood_labels, value)

    def impact_label(self, value: int | None) -> str:
        return self._label(self.impact_labels, value)

    @staticmethod
    def _label(labels, value) -> str:
        if value is None or not 1 <= value <= len(labels):
            return ""
        return labels[value - 1]

    @property
    def bands(self) -> list[Band]:
        edges = [
            (Level.LOW, 1, self.medium_from - 1),
            (Level.MEDIUM, self.medium_from, self.high_from - 1),
            (Level.HIGH, self.high_from, self.critical_from - 1),
            (Level.CRITICAL, self.critical_from, self.max_score),
        ]
        return [
            Band(level, Level(level).label, low, high, *LEVEL_COLOURS[level]) for level, low, high in edges
        ]

    def as_json(self) -> dict:
        """What the risk form's script needs to show a live score (the server stays the truth)."""
        return {
            "likelihood": list(self.likelihood_labels),
            "impact": list(self.impact_labels),
            "bands": [
                {"level": b.level, "label": b.label, "from": b.low, "to": b.high, "fill": b.fill}
                for b in self.bands
            ],
            "appetite": self.risk_appetite,
            "appetite_rank": LEVEL_RANK[self.risk_appetite],
            "ranks": {str(k): v for k, v in LEVEL_RANK.items()},
        }

    def clean(self):
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in ("likelihood_labels", "impact_labels"):
            labels = getattr(self, name)
            noun = "likelihood" if name.startswith("likelihood") else "impact"
            if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
                errors[name] = [f"The {noun} scale is a list of labels."]
                continue
            labels = [label.strip() for label in labels]
            setattr(self, name, labels)
            if not SCALE_MIN <= len(labels) <= SCALE_MAX:
                errors[name] = [
                    f"The {noun} scale has {SCALE_MIN} to {SCALE_MAX} levels; this one has {len(labels)}."
                ]
            elif any(not label for label in labels):
                errors[name] = [f"Every {noun} level needs a label."]
            elif any(len(label) > LABEL_MAX_LENGTH for label in labels):
                errors[name] = [f"Keep each label to {LABEL_MAX_LENGTH} characters."]
            elif len({label.lower() for label in labels}) != len(labels):
                errors[name] = [f"Two {noun} levels have the same label."]
        if not errors:
            errors.update(self._band_errors())
        if errors:
            raise ValidationError(errors)

    def _band_errors(self) -> dict[str, list[str]]:
        """The bands must rise (low < medium < high < critical) and each must hold
        at least one cell of the matrix, so that every level can occur."""
        medium, high, critical = self.medium_from, self.high_from, self.critical_from
        if None in (medium, high, critical):
            return {}
        if not 1 < medium < high < critical <= self.max_score:
            return {
                "critical_from": [
                    f"The thresholds must rise: 1 < medium ({medium}) < high ({high}) < critical "
                    f"({critical}) ≤ {self.max_score}, the highest score of a "
                    f"{self.likelihood_size} \u00d7 {self.impact_size} matrix."
                ]
            }
        scores = {
            lk * im for lk in range(1, self.likelihood_size + 1) for im in range(1, self.impact_size + 1)
        }
        errors = {}
        for band, field in zip(
            self.bands, ("medium_from", "medium_from", "high_from", "critical_from"), strict=True
        ):
            if not any(band.low <= s <= band.high for s in scores):
                errors.setdefault(field, []).append(
                    f"No cell of the matrix scores {band.low} to {band.high}, so nothing would ever be "
                    f"{band.label.lower()}; move the thresholds."
                )
        return errors
