"""Template helpers of the register pages: level, status and category chips,
control labels and scale labels."""

from django import template
from django.utils.html import format_html

from ..models import Category, HarmArea, Level, RiskStatus, Treatment
from ..selectors import control_label as _control_label

register = template.Library()

_CATEGORY_SHORT = {
    Category.INFORMATION_SECURITY: ("Information security", "bi-shield-lock"),
    Category.AI: ("AI", "bi-stars"),
    Category.BOTH: ("Security + AI", "bi-intersect"),
}


@register.simple_tag
def level_chip(level: str, score=None, prefix: str = ""):
    """``<span class="level-chip level-high">High · 12</span>``; a dash when not rated."""
    if not level:
        return format_html('<span class="text-muted">{}</span>', "Not rated")
    label = Level(level).label
    if score is not None and score != "":
        return format_html(
            '<span class="level-chip level-{}">{}{} <span class="level-score">{}</span></span>',
            level,
            prefix,
            label,
            score,
        )
    return format_html('<span class="level-chip level-{}">{}{}</span>', level, prefix, label)


@register.filter
def status_chip(status: str):
    if not status:
        return ""
    return format_html('<span class="risk-status status-{}">{}</span>', status, RiskStatus(status).label)


@register.filter
def category_chip(category: str):
    if category not in _CATEGORY_SHORT:
        return ""
    label, icon = _CATEGORY_SHORT[category]
    return format_html(
        '<span class="category-chip cat-{}"><i class="bi {}"></i> {}</span>', category, icon, label
    )


@register.filter
def harm_area_label(value: str) -> str:
    return HarmArea(value).label if value in HarmArea.values else ""


@register.filter
def control_label(control) -> str:
    return _control_label(control)


@register.filter
def likelihood_label(methodology, value) -> str:
    return methodology.likelihood_label(value)


@register.filter
def impact_label(methodology, value) -> str:
    return methodology.impact_label(value)


@register.filter
def level_label(level: str) -> str:
    return Level(level).label if level in Level.values else ""


@register.filter
def treatment_short(value: str) -> str:
    """ "Modify" for "Modify — reduce with controls"."""
    return Treatment(value).label.split(" — ")[0] if value in Treatment.values else ""
