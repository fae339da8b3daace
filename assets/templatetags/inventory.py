"""Template helpers of the inventory pages: sortable column headers and filter links."""

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from ..models import AI_REQUIRED_FIELDS, Asset, Rating

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A column header that sorts by ``field``; a second click reverses the order."""
    params = context["request"].GET.copy()
    current = params.get("ordering", "")
    if current == field:
        next_ordering, icon, state = f"-{field}", "bi-sort-up", "ascending"
    elif current == f"-{field}":
        next_ordering, icon, state = field, "bi-sort-down", "descending"
    else:
        next_ordering, icon, state = field, "", "none"
    params["ordering"] = next_ordering
    params.pop("page", None)
    href = "?" + urlencode(sorted(params.lists()), doseq=True)
    if icon:
        return format_html(
            '<a class="sort-link is-sorted" href="{}" aria-sort="{}">{} <i class="bi {}"></i></a>',
            href,
            state,
            label,
            icon,
        )
    return format_html('<a class="sort-link" href="{}">{}</a>', href, label)


@register.simple_tag(takes_context=True)
def filter_link(context, **filters):
    """The list address filtered by ``filters`` alone (for chips and stat cards);
    ``a|b`` selects several values of one filter."""
    pairs = [(k, part) for k, v in filters.items() if v not in (None, "") for part in str(v).split("|")]
    return "?" + urlencode(sorted(pairs))


@register.filter
def page_window(paginator, current: int) -> list[int | None]:
    """Page numbers around ``current`` plus the first and last; ``None`` marks a gap."""
    last = paginator.num_pages
    wanted = {1, last, *range(max(1, current - 2), min(last, current + 2) + 1)}
    pages: list[int | None] = []
    for number in sorted(wanted):
        if pages and pages[-1] is not None and number - pages[-1] > 1:
            pages.append(None)
        pages.append(number)
    return pages


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
