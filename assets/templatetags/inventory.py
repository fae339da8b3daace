"""Template helpers of the inventory pages (the shared list helpers: ``core`` ``portal`` tags)."""

from django import template

from ..models import AI_REQUIRED_FIELDS, Asset, Rating

register = template.Library()


@register.filter
def cia_rows(asset) -> list[tuple[str, dict]]:
    """Confidentiality, integrity and availability with their labels, for rating bars."""
    return [
        (label, {"value": value, "label": Rating(value).label.split(" — ")[1]})
        for label, value in (
            ("Confidentiality", asset.confidentiality),
            ("Integrity", asset.integrity),
            ("Availability", asset.availability),
        )
    ]


_AI_PROFILE_ORDER = (
    "ai_risk_class",
    "ai_role",
    "ai_lifecycle_stage",
    "ai_model_type",
    "ai_vendor",
    "ai_version",
    "ai_personal_data",
    "ai_data_licence",
    "ai_automation_level",
    "ai_human_oversight",
    "ai_intended_purpose",
    "ai_data_provenance",
)
_AI_WIDE = {"ai_automation_level", "ai_human_oversight", "ai_intended_purpose", "ai_data_provenance"}


@register.filter
def ai_profile(asset) -> dict:
    """The AI fields worth showing for ``asset``: those filled in or required for
    its kind (a missing required one is flagged), and the labels of the rest."""
    required = AI_REQUIRED_FIELDS.get(asset.kind, ())
    rows, unrecorded = [], []
    for name in _AI_PROFILE_ORDER:
        field = Asset._meta.get_field(name)
        value = getattr(asset, name)
        label = str(field.verbose_name)
        label = label[0].upper() + label[1:]
        if not value and name not in required:
            unrecorded.append(label.lower() if not label.startswith(("AI", "EU")) else label)
            continue
        display = getattr(asset, f"get_{name}_display")() if field.choices else value
        rows.append(
            {
                "name": name,
                "label": label,
                "value": display,
                "raw": value,
                "wide": name in _AI_WIDE,
                "missing": not value,
            }
        )
    return {"rows": rows, "unrecorded": unrecorded}
