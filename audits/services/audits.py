"""Plan, change, start, report and close audits, and build their checklists."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from controls.models import Clause, ClauseMapping, Control, ControlGroup, Framework
from core.deletion import DeletionImpact, record_delete_with_impact
from core.registers.members import member_ids
from core.roles import Capability
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Organization
from soa.models import SoAVersion, SoAVersionRow
from soa.selectors import version_latest

from .. import selectors
from ..models import (
    NONCONFORMITIES,
    Audit,
    AuditStatus,
    AuditTeamMember,
    ChecklistItem,
    Finding,
)
from .access import audit_membership, next_number, refuse_if_closed, require_capability

#: Fields of an audit a service may set (status, dates actually held and the SoA version follow the workflow).
AUDIT_WRITABLE_FIELDS = (
    "soa_version",
    "title",
    "type",
    "frameworks",
    "objectives",
    "criteria",
    "planned_start",
    "planned_end",
    "lead_auditor",
)


class AuditCloseBlocked(ValidationError):
    """The audit cannot be closed yet; ``blockers`` says why, one sentence each."""

    def __init__(self, blockers: list[str]):
        super().__init__("The audit cannot be closed yet.", code="close_blocked")
        self.blockers = blockers


def _audit_errors(
    organization: Organization, values: Mapping[str, Any], members: set[int]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "frameworks" in values:
        codes = list(values["frameworks"] or [])
        known = set(
            Framework.objects.filter(code__in=codes, clauses__isnull=False).values_list("code", flat=True)
        )
        if not codes:
            errors["frameworks"] = ["Give at least one framework code, e.g. iso27001-2022."]
        elif len(set(codes)) != len(codes):
            errors["frameworks"] = ["Name each framework once."]
        elif unknown := [c for c in codes if c not in known]:
            errors["frameworks"] = [f"No management-system standard has the code {', '.join(unknown)}."]
    lead = values.get("lead_auditor")
    if "lead_auditor" in values and (lead is None or lead.pk not in members):
        errors["lead_auditor"] = ["The lead auditor must be a member of the organization."]
    version = values.get("soa_version")
    if version is not None and version.organization_id != organization.pk:
        errors["soa_version"] = ["No such SoA version in this organization."]
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and end < start:
        errors["planned_end"] = ["The planned end cannot be before the planned start."]
    if "title" in values and not str(values["title"] or "").strip():
        errors["title"] = ["Give the audit a title."]
    return errors


def _framework_order(codes: Iterable[str]) -> list[str]:
    order = dict(Framework.objects.filter(code__in=list(codes)).values_list("code", "order"))
    return sorted(codes, key=lambda code: (order.get(code, 0), code))


def _set_team(audit: Audit, team: Iterable, *, actor: Actor, members: set[int]) -> None:
    wanted = {user.pk: user for user in team}
    if outsiders := [u for pk, u in wanted.items() if pk not in members]:
        raise ValidationError({"team": [f"{u} is not a member of the organization." for u in outsiders]})
    current = {m.user_id: m for m in AuditTeamMember.objects.filter(audit=audit)}
    for user_id, membership in current.items():
        if user_id not in wanted:
            record_delete(membership, actor=actor, reason="Removed from the audit team")
    for user_id, user in wanted.items():
        if user_id not in current:
            record_save(
                AuditTeamMember(organization_id=audit.organization_id, audit=audit, user=user),
                actor=actor,
                reason="Added to the audit team",
            )


def _set_scope_lists(audit: Audit, *, themes, assets) -> None:
    if themes is not None:
        themes = list(themes)
        outside = [t for t in themes if t.framework.code not in audit.frameworks]
        if outside:
            raise ValidationError(
                {"themes": [f"{t.reference} is not a theme of a framework in scope." for t in outside]}
            )
        audit.themes.set(themes)
    if assets is not None:
        assets = list(assets)
        if any(a.organization_id != audit.organization_id for a in assets):
            raise ValidationError({"assets": ["Name only the organization's own assets."]})
        audit.assets.set(assets)


@transaction.atomic
def audit_plan(
    *,
    organization: Organization,
    actor: Actor,
    values: Mapping[str, Any],
    team: Iterable = (),
    themes: Iterable[ControlGroup] | None = None,
    assets: Iterable | None = None,
) -> Audit:
    """Plan an audit and build its checklist: the clauses of the standards in scope and the
    applicable controls of the SoA version chosen (else the latest approved, if any)."""
    membership = audit_membership(organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators plan audits."
    )
    values = {k: v for k, v in values.items() if k in AUDIT_WRITABLE_FIELDS}
    members = member_ids(organization)
    required = {"title", "frameworks", "planned_start", "planned_end", "lead_auditor"}
    errors = {name: ["This field is required."] for name in required if values.get(name) in (None, "", [])}
    errors.update({k: v for k, v in _audit_errors(organization, values, members).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    values["frameworks"] = _framework_order(values["frameworks"])
    audit = Audit(organization=organization, number=next_number(Audit, organization), **values)
    audit.full_clean(exclude=["organization", "lead_auditor", "frameworks"])
    record_save(audit, actor=actor, reason="Audit planned")
    _set_team(audit, team, actor=actor, members=members)
    _set_scope_lists(audit, themes=themes, assets=assets)
    audit_checklist_build(audit=audit, actor=actor)
    return audit


@transaction.atomic
def audit_update(
    *,
    audit: Audit,
    actor: Actor,
    values: Mapping[str, Any],
    team: Iterable | None = None,
    themes: Iterable[ControlGroup] | None = None,
    assets: Iterable | None = None,
) -> Audit:
    """Change an audit that is not closed. Its scope (frameworks, themes) and the SoA
    version audited change only while it is planned: the checklist is rebuilt to match.
    Once it has started, a change of either is refused (400 naming the field); the same
    values again (lists compared as sets) are no change."""
    refuse_if_closed(audit)
    membership = audit_membership(audit.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators change audits."
    )
    values = {k: v for k, v in values.items() if k in AUDIT_WRITABLE_FIELDS}
    themes = None if themes is None else list(themes)
    # Compared as sets, so that sending back what a GET answered changes nothing.
    changed = {
        "frameworks": "frameworks" in values and set(values["frameworks"] or []) != set(audit.frameworks),
        "themes": themes is not None
        and {t.pk for t in themes} != set(audit.themes.values_list("pk", flat=True)),
        "soa_version": "soa_version" in values
        and getattr(values["soa_version"], "pk", None) != audit.soa_version_id,
    }
    if audit.status != AuditStatus.PLANNED:
        fixed = {
            "frameworks": "The scope of an audit is fixed once it has started.",
            "themes": "The scope of an audit is fixed once it has started.",
            "soa_version": "The SoA version audited is fixed once the audit has started.",
        }
        if errors := {name: [fixed[name]] for name, change in changed.items() if change}:
            raise ValidationError(errors)
        values.pop("frameworks", None)
        values.pop("soa_version", None)
        themes = None
    scope_changes = any(changed.values())
    members = member_ids(audit.organization)
    merged = {"planned_start": audit.planned_start, "planned_end": audit.planned_end, **values}
    errors = _audit_errors(audit.organization, merged, members)
    if errors:
        raise ValidationError(errors)
    if "frameworks" in values:
        values["frameworks"] = _framework_order(values["frameworks"])
    for name, value in values.items():
        setattr(audit, name, value)
    record_save(audit, actor=actor)
    if team is not None:
        _set_team(audit, team, actor=actor, members=members)
    _set_scope_lists(audit, themes=themes, assets=assets)
    if scope_changes:
        audit_checklist_build(audit=audit, actor=actor)
    return audit


@transaction.atomic
def audit_delete(*, audit: Audit, actor: Actor) -> DeletionImpact:
    """Delete an audit after saying what it affects (``core.deletion``, ``audits.deletion``):
    its team, checklist and evidence go with it, and its findings that nothing follows
    up yet. Raises ``DeletionRefused`` (nothing written) when it is closed, or when a
    finding of it has corrective actions."""
    membership = audit_membership(audit.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators delete audits."
    )
    return record_delete_with_impact(audit, actor=actor, reason="Audit deleted")


def _reference_key(reference: str) -> tuple:
    return tuple(
        int(part) if part.isdigit() else part for part in re.split(r"[.]", reference.removeprefix("A."))
    )


def _checklist_version_id(audit: Audit) -> int | None:
    """The SoA version whose controls the checklist holds: the audited one, or while the
    audit is planned without one chosen, the latest approved (none: no controls yet)."""
    if audit.soa_version_id is not None or audit.status != AuditStatus.PLANNED:
        return audit.soa_version_id
    latest = version_latest(audit.organization)
    return latest.pk if latest else None


def _wanted_items(audit: Audit) -> list[dict]:
    """The checklist the audit's scope asks for, in order, as field values."""
    codes = _framework_order(audit.frameworks)
    clauses = list(Clause.objects.filter(framework__code__in=codes).select_related("framework"))
    by_framework: dict[str, list[Clause]] = {code: [] for code in codes}
    for clause in clauses:
        by_framework[clause.framework.code].append(clause)
    # Clauses of the later standards that the crosswalk pairs with a clause of the first one
    # are checked by that one item (4.1 of both: one item concerning both).
    primary = codes[0]
    links = ClauseMapping.objects.filter(
        source__framework__code__in=codes, target__framework__code__in=codes
    ).values_list("source_id", "target_id")
    counterpart: dict[int, Clause] = {}
    clause_by_id = {c.pk: c for c in clauses}
    for source_id, target_id in links:
        source, target = clause_by_id[source_id], clause_by_id[target_id]
        if target.framework.code == primary and source.framework.code != primary:
            counterpart.setdefault(target.pk, source)
        elif source.framework.code == primary and target.framework.code != primary:
            counterpart.setdefault(source.pk, target)
    paired = {c.pk for c in counterpart.values()}
    clause_items = []
    for code in codes:
        for clause in by_framework[code]:
            if clause.pk in paired:
                continue
            other = counterpart.get(clause.pk) if code == primary else None
            clause_items.append(
                {
                    "clause": clause,
                    "counterpart_clause": other,
                    "frameworks": [code, other.framework.code] if other else [code],
                    "key": (_reference_key(clause.reference), codes.index(code)),
                }
            )
    clause_items.sort(key=lambda item: item["key"])

    control_items = []
    version_id = _checklist_version_id(audit)
    if version_id is not None:
        rows = list(
            SoAVersionRow.objects.filter(
                version_id=version_id, applicable=True, framework__in=codes
            ).order_by("position")
        )
        controls = {
            (c.framework.code, c.reference): c
            for c in Control.objects.filter(framework__code__in=codes).select_related("framework")
        }
        theme_ids = set(audit.themes.values_list("pk", flat=True))
        for row in rows:
            control = controls.get((row.framework, row.reference))
            if control is None or (theme_ids and control.group_id not in theme_ids):
                continue
            control_items.append({"control": control, "soa_row": row, "frameworks": [row.framework]})
    return clause_items + control_items


@transaction.atomic
def audit_checklist_build(*, audit: Audit, actor: Actor) -> list[ChecklistItem]:
    """Create the checklist items the audit's scope asks for and it does not have yet;
    idempotent. While the audit is planned, items outside its scope are removed and the
    control items follow the SoA version (an item whose control stays is kept, pointing
    at the new version's row).

    Clauses 4-10 of each standard in scope, one item for a clause the standards
    share (``controls.ClauseMapping``), the clauses only one of them has as items
    of their own; then the applicable controls of the audited SoA version (while
    planned without one chosen, the latest approved), limited to the audit's themes
    if it names any.
    """
    refuse_if_closed(audit)
    wanted = _wanted_items(audit)
    existing = list(ChecklistItem.objects.filter(audit=audit))
    have_clauses = {item.clause_id: item for item in existing if item.clause_id}
    have_controls = {item.control_id: item for item in existing if item.control_id}
    if audit.status == AuditStatus.PLANNED:
        keep_clauses = {w["clause"].pk for w in wanted if "clause" in w}
        keep_controls = {w["control"].pk: w["soa_row"] for w in wanted if "control" in w}
        for item in existing:
            if (item.clause_id and item.clause_id not in keep_clauses) or (
                item.control_id and item.control_id not in keep_controls
            ):
                record_delete(item, actor=actor, reason="Out of the audit's scope")
            elif item.control_id and item.soa_row_id != keep_controls[item.control_id].pk:
                item.soa_row = keep_controls[item.control_id]
                record_save(
                    item,
                    actor=actor,
                    reason="Brought to the SoA version audited",
                    update_fields=["soa_row", "updated_at"],
                )
    new = []
    for position, values in enumerate(wanted, start=1):
        values = {k: v for k, v in values.items() if k != "key"}
        current = (
            have_clauses.get(values["clause"].pk)
            if "clause" in values
            else have_controls.get(values["control"].pk)
        )
        if current is not None:
            if current.position != position:
                current.position = position
                record_save(current, actor=actor, update_fields=["position", "updated_at"])
            continue
        new.append(
            ChecklistItem(organization_id=audit.organization_id, audit=audit, position=position, **values)
        )
    if new:
        bulk_create_with_history(
            new, ChecklistItem, default_user=actor, default_change_reason="Checklist built"
        )
    return list(selectors.checklist_of(audit))


@transaction.atomic
def audit_start(*, audit: Audit, actor: Actor, soa_version: SoAVersion | None = None) -> Audit:
    """Start a planned audit: fix the SoA version audited (the one given, else the one
    chosen when planning, else the latest approved) and bring the checklist's controls
    to that version (items whose control stays are kept)."""
    refuse_if_closed(audit)
    membership = audit_membership(audit.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators start audits."
    )
    if audit.status != AuditStatus.PLANNED:
        raise ValidationError(
            {"status": [f"Only a planned audit can start; this one is {audit.get_status_display().lower()}."]}
        )
    soa_version = soa_version or audit.soa_version or version_latest(audit.organization)
    if soa_version is None:
        raise ValidationError(
            {"soa_version": ["No SoA version is approved yet: approve the Statement of Applicability first."]}
        )
    if soa_version.organization_id != audit.organization_id:
        raise ValidationError({"soa_version": ["No such SoA version in this organization."]})
    audit.soa_version = soa_version
    # Built while still planned, so that controls the version no longer applies go.
    audit_checklist_build(audit=audit, actor=actor)
    audit.status = AuditStatus.IN_PROGRESS
    audit.actual_start = timezone.localdate()
    record_save(audit, actor=actor, reason=f"Audit started on SoA version {soa_version.number}")
    return audit


@transaction.atomic
def audit_report(*, audit: Audit, actor: Actor) -> Audit:
    """The fieldwork is done: the audit moves to reporting."""
    refuse_if_closed(audit)
    membership = audit_membership(audit.organization, actor)
    if not (membership.can(Capability.EDIT_ANY) or audit.lead_auditor_id == membership.user_id):
        raise PermissionDenied("Only the lead auditor and compliance officers move an audit to reporting.")
    if audit.status != AuditStatus.IN_PROGRESS:
        raise ValidationError({"status": ["Only an audit in progress moves to reporting."]})
    audit.status = AuditStatus.REPORTING
    record_save(audit, actor=actor, reason="Audit in reporting")
    return audit


def audit_close_blockers(audit: Audit) -> list[str]:
    """What stops the audit from closing: it has not started, items without a
    result, items recorded as nonconformities without a finding that is one."""
    if audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING):
        return [
            "Only an audit in progress or in reporting can be closed; "
            f"this one is {audit.get_status_display().lower()}."
        ]
    blockers = []
    items = list(
        ChecklistItem.objects.filter(audit=audit).select_related("clause", "control").order_by("position")
    )
    severities: dict[int, set[str]] = {}
    for item_id, severity in Finding.objects.filter(audit=audit).values_list("checklist_item_id", "severity"):
        severities.setdefault(item_id, set()).add(severity)
    unrecorded = [item.subject.reference for item in items if not item.result]
    if unrecorded:
        shown = ", ".join(unrecorded[:10]) + (
            f" and {len(unrecorded) - 10} more" if len(unrecorded) > 10 else ""
        )
        blockers.append(f"{len(unrecorded)} checklist items have no result: {shown}.")
    for item in items:
        if item.result not in NONCONFORMITIES:
            continue
        if item.pk not in severities:
            blockers.append(f"{item.subject.reference} is a nonconformity without a finding.")
        elif not severities[item.pk] & NONCONFORMITIES:
            blockers.append(
                f"{item.subject.reference} is a nonconformity whose findings are not: "
                "raise its finding as major_nc or minor_nc."
            )
    return blockers


@transaction.atomic
def audit_close(*, audit: Audit, actor: Actor) -> Audit:
    """Close the audit: from then on it, its team, checklist and evidence are frozen,
    and so is each finding's link to it (the follow-up of findings goes on)."""
    refuse_if_closed(audit)
    membership = audit_membership(audit.organization, actor)
    require_capability(
        membership, Capability.EDIT_ANY, "Only compliance officers and administrators close audits."
    )
    blockers = audit_close_blockers(audit)
    if blockers:
        raise AuditCloseBlocked(blockers)
    audit.status = AuditStatus.CLOSED
    audit.actual_end = timezone.localdate()
    record_save(audit, actor=actor, reason="Audit closed")
    return audit
