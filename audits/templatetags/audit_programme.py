"""Chips of the audit programme's pages: standards, audit status, results, severity."""

from django import template
from django.utils.html import format_html, format_html_join

from ..models import AuditStatus, FindingStatus, Result, Verification

register = template.Library()

_SHORT = {"iso27001-2022": "ISO/IEC 27001", "iso42001-2023": "ISO/IEC 42001"}


@register.simple_tag
def standards_chips(codes, names=None):
    """One chip per standard code (its short name when ``names`` has it)."""
    names = names or {}
    return format_html_join(
        " ",
        '<span class="fw-chip fw-{}">{}</span>',
        ((code, names.get(code) or _SHORT.get(code, code)) for code in codes or ()),
    )


@register.simple_tag
def scope_chip(codes, names=None):
    """ "Combined" for an audit of several standards, else the standard's chip."""
    if codes and len(codes) > 1:
        return format_html('<span class="fw-chip fw-combined" title="{}">Combined</span>', " + ".join(codes))
    return standards_chips(codes, names)


@register.filter
def audit_status_chip(status: str):
    label = AuditStatus(status).label if status in AuditStatus.values else status
    return format_html('<span class="chip audit-status-{}">{}</span>', status, label)


@register.filter
def result_chip(result: str):
    if not result:
        return format_html('<span class="chip res-none">{}</span>', "Not recorded")
    return format_html('<span class="chip res-{}">{}</span>', result, Result(result).label)


@register.filter
def finding_status_chip(status: str):
    return format_html('<span class="chip finding-{}">{}</span>', status, FindingStatus(status).label)


@register.filter
def verification_chip(result: str):
    if not result:
        return format_html('<span class="chip res-none">{}</span>', "Not verified")
    return format_html('<span class="chip verified-{}">{}</span>', result, Verification(result).label)


@register.filter
def item_subject(item):
    """The clause or control an item checks (its counterpart clause beside it)."""
    return item.clause or item.control
