"""Writes to AI system impact assessments (ISO/IEC 42001 6.1.4, A.5): drafting,
reviewing, signing off (which freezes a version), reassessing (a new version
from a copy), and raising a register risk from one of its impacts."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assets.models import Asset, AssetKind
from core.deletion import record_delete_with_impact
from core.freezing import RecordFrozen
from core.registers.members import member_ids
from core.registers.values import merge_errors, validation_errors, values_apply
from core.roles import Capability
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Membership, Organization

from .. import selectors
from ..models import (
    HARM_AREA_FOR_IMPACT,
    AssessmentStatus,
    Category,
    ImpactAssessment,
    ImpactItem,
    ImpactReviewer,
    Risk,
    RiskStatus,
    scale_map,
)
from ._access import acting_membership, ensure_can, ensure_can_create
from .register import risk_create

ASSESSMENT_WRITABLE_FIELDS = frozenset({"owner", "scope", "summary"})
ITEM_WRITABLE_FIELDS = frozenset(
    {"area", "affected_party", "affected_detail", "description", "severity", "likelihood", "mitigation"}
)


def _ensure_can_edit(membership: Membership, assessment: ImpactAssessment) -> None:
    if not membership.can_edit(assessment):
        raise PermissionDenied("Only the assessment's lead (or an officer) changes it.")


def _ensure_draft(assessment: ImpactAssessment) -> None:
    if assessment.is_frozen:
        raise RecordFrozen(assessment.frozen_message)


def _set(obj, values: Mapping[str, Any], allowed: frozenset) -> None:
    values_apply(obj, values, writable=allowed, noun=obj._meta.verbose_name)


def _assessment_errors(assessment: ImpactAssessment, membership: Membership) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        assessment.full_clean(
            exclude={"organization", "ai_system", "owner", "previous"}, validate_constraints=False
        )
    except ValidationError as exc:
        errors = validation_errors(exc)
    owner_id = assessment.owner_id
    if owner_id is None:
        errors = merge_errors(errors, {"owner": "Name who leads the assessment."})
    elif owner_id not in member_ids(assessment.organization):
        errors = merge_errors(errors, {"owner": "The lead must be a member of this organization."})
    elif not membership.can_assign_owner(assessment.owner):
        errors = merge_errors(errors, {"owner": "As a contributor you lead the assessments you start."})
    return errors


def impact_assessment_create(
    *, organization: Organization, actor: Actor, ai_system: Asset, values: Mapping[str, Any]
) -> ImpactAssessment:
    """Start the impact assessment of an AI system (version 1, a draft).

    Each AI system has one series of versions: when it has been assessed
    before, reassess it instead (``impact_assessment_reassess``).
    """
    membership = acting_membership(organization, actor)
    ensure_can_create(membership, "impact assessments")
    errors: dict[str, list[str]] = {}
    if ai_system.organization_id != organization.pk:
        errors["ai_system"] = ["Choose an AI system of this organization."]
    elif ai_system.kind != AssetKind.AI_SYSTEM:
        errors["ai_system"] = [f"{ai_system} is not an AI system; impact assessments are of AI systems."]
    elif ImpactAssessment.objects.for_organization(organization).filter(ai_system=ai_system).exists():
        errors["ai_system"] = [f"{ai_system} has been assessed already; reassess it to start a new version."]
    assessment = ImpactAssessment(organization=organization, ai_system=ai_system, version=1)
    _set(assessment, values, ASSESSMENT_WRITABLE_FIELDS)
    errors = merge_errors(errors, _assessment_errors(assessment, membership))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return record_save(assessment, actor=actor, reason="Impact assessment started")
    except IntegrityError:
        raise ValidationError(
            {"ai_system": ["This AI system was assessed meanwhile; reassess it instead."]}
        ) from None


def impact_assessment_update(
    *, assessment: ImpactAssessment, actor: Actor, values: Mapping[str, Any]
) -> ImpactAssessment:
    membership = acting_membership(assessment.organization, actor)
    _ensure_can_edit(membership, assessment)
    _ensure_draft(assessment)
    _set(assessment, values, ASSESSMENT_WRITABLE_FIELDS)
    errors = _assessment_errors(assessment, membership)
    if errors:
        raise ValidationError(errors)
    return record_save(assessment, actor=actor, reason="Impact assessment changed")


def impact_assessment_delete(*, assessment: ImpactAssessment, actor: Actor) -> None:
    """Delete a draft version with its impacts and reviewers (a signed-off one is a record and stays)."""
    membership = acting_membership(assessment.organization, actor)
    _ensure_can_edit(membership, assessment)
    _ensure_draft(assessment)
    record_delete_with_impact(assessment, actor=actor, reason="Draft impact assessment deleted")


# --- Items ---------------------------------------------------------------------------


def _item_errors(item: ImpactItem) -> dict[str, list[str]]:
    try:
        item.full_clean(exclude={"organization", "assessment", "risk"}, validate_constraints=False)
    except ValidationError as exc:
        return validation_errors(exc)
    return {}


def impact_item_create(
    *, assessment: ImpactAssessment, actor: Actor, values: Mapping[str, Any]
) -> ImpactItem:
    membership = acting_membership(assessment.organization, actor)
    _ensure_can_edit(membership, assessment)
    _ensure_draft(assessment)
    item = ImpactItem(organization_id=assessment.organization_id, assessment=assessment)
    _set(item, values, ITEM_WRITABLE_FIELDS)
    errors = _item_errors(item)
    if errors:
        raise ValidationError(errors)
    return record_save(item, actor=actor, reason="Impact identified")


def impact_item_update(*, item: ImpactItem, actor: Actor, values: Mapping[str, Any]) -> ImpactItem:
    membership = acting_membership(item.organization, actor)
    _ensure_can_edit(membership, item.assessment)
    _ensure_draft(item.assessment)
    _set(item, values, ITEM_WRITABLE_FIELDS)
    errors = _item_errors(item)
    if errors:
        raise ValidationError(errors)
    return record_save(item, actor=actor, reason="Impact changed")


def impact_item_delete(*, item: ImpactItem, actor: Actor) -> None:
    membership = acting_membership(item.organization, actor)
    _ensure_can_edit(membership, item.assessment)
    _ensure_draft(item.assessment)
    record_delete(item, actor=actor, reason="Impact removed")


# --- Review and sign-off ---------------------------------------------------------------------


def _can_review(membership: Membership) -> bool:
    # The same rule as the picker's (``selectors.impact_reviewer_roles``).
    return membership.role in selectors.impact_reviewer_roles()


def impact_reviewers_set(*, assessment: ImpactAssessment, actor: Actor, users: Iterable) -> None:
    """Name the members who review this version; reviews already given are kept."""
    membership = acting_membership(assessment.organization, actor)
    _ensure_can_edit(membership, assessment)
    _ensure_draft(assessment)
    wanted = {user.pk: user for user in users}
    members = {
        m.user_id: m
        for m in Membership.objects.for_organization(assessment.organization).filter(user_id__in=list(wanted))
    }
    for user_id, user in wanted.items():
        member = members.get(user_id)
        if member is None:
            raise ValidationError({"reviewers": [f"{user} is not a member of this organization."]})
        if not _can_review(member):
            raise ValidationError(
                {
                    "reviewers": [
                        f"{user.display_name} is a {member.get_role_display().lower()} and cannot review."
                    ]
                }
            )
    existing = {link.user_id: link for link in assessment.reviewer_links.all()}
    with transaction.atomic():
        for user_id, link in existing.items():
            if user_id not in wanted:
                record_delete(link, actor=actor, reason="Reviewer removed")
        for user_id, user in wanted.items():
            if user_id not in existing:
                link = ImpactReviewer(
                    organization_id=assessment.organization_id, assessment=assessment, user=user
                )
                record_save(link, actor=actor, reason="Reviewer named")


def impact_review_allowed(*, assessment: ImpactAssessment, membership: Membership) -> bool:
    """Whether the member is one of the assessment's named reviewers and may review."""
    return _can_review(membership) and assessment.reviewer_links.filter(user_id=membership.user_id).exists()


def impact_review_record(*, assessment: ImpactAssessment, actor: Actor, comment: str) -> ImpactReviewer:
    """A named reviewer records their review of this version."""
    _ensure_draft(assessment)
    membership = acting_membership(assessment.organization, actor)
    link = assessment.reviewer_links.filter(user=actor).first()
    if link is None or not _can_review(membership):
        raise PermissionDenied("Only the reviewers named on this assessment record a review.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ["Say what you reviewed and what you found."]})
    link.comment = comment
    link.reviewed_at = timezone.now()
    return record_save(link, actor=actor, reason="Review recorded")


def impact_assessment_sign_off(
    *, assessment: ImpactAssessment, actor: Actor, note: str = ""
) -> ImpactAssessment:
    """Sign off this version (members who may approve): it is frozen from now on.

    It needs a conclusion, and every named reviewer's review.
    """
    membership = acting_membership(assessment.organization, actor)
    ensure_can(membership, Capability.APPROVE, "Only members who may approve sign off impact assessments.")
    _ensure_draft(assessment)
    errors: dict[str, list[str]] = {}
    if not assessment.summary.strip():
        errors["summary"] = ["Write the assessment's conclusion before signing it off."]
    waiting = [
        link.user.display_name
        for link in assessment.reviewer_links.select_related("user")
        if not link.reviewed_at
    ]
    if waiting:
        errors["reviewers"] = [f"Waiting for the review of {', '.join(waiting)}."]
    if errors:
        raise ValidationError(errors)
    assessment.status = AssessmentStatus.SIGNED_OFF
    assessment.signed_off_by = actor
    assessment.signed_off_at = timezone.now()
    assessment.sign_off_note = (note or "").strip()
    return record_save(
        assessment,
        actor=actor,
        reason=f"Version {assessment.version} signed off",
        update_fields=["status", "signed_off_by", "signed_off_at", "sign_off_note", "updated_at"],
    )


@transaction.atomic
def impact_assessment_reassess(*, assessment: ImpactAssessment, actor: Actor) -> ImpactAssessment:
    """Start the next version of a signed-off assessment, copying its scope,
    conclusion, items (with their links to risks) and reviewers (without their
    reviews). The signed-off version stays as it was, readable."""
    membership = acting_membership(assessment.organization, actor)
    ensure_can_create(membership, "impact assessments")
    series = ImpactAssessment.objects.for_organization(assessment.organization).filter(
        ai_system_id=assessment.ai_system_id
    )
    latest = series.aggregate(v=Max("version"))["v"]
    if assessment.version != latest:
        raise ValidationError(f"Version {latest} is the latest; reassess from it.")
    if not assessment.is_frozen:
        raise ValidationError("This version is still a draft: finish and sign it off before reassessing.")
    owner = assessment.owner if membership.can_assign_owner(assessment.owner) else actor
    new = ImpactAssessment(
        organization_id=assessment.organization_id,
        ai_system_id=assessment.ai_system_id,
        version=assessment.version + 1,
        previous=assessment,
        owner=owner,
        scope=assessment.scope,
        summary=assessment.summary,
    )
    reason = f"Reassessment: version {new.version} from version {assessment.version}"
    record_save(new, actor=actor, reason=reason)
    for item in assessment.items.all():
        copy = ImpactItem(
            organization_id=item.organization_id,
            assessment=new,
            area=item.area,
            affected_party=item.affected_party,
            affected_detail=item.affected_detail,
            description=item.description,
            severity=item.severity,
            likelihood=item.likelihood,
            mitigation=item.mitigation,
            risk_id=item.risk_id,
        )
        record_save(copy, actor=actor, reason=reason)
    for link in assessment.reviewer_links.all():
        record_save(
            ImpactReviewer(organization_id=link.organization_id, assessment=new, user_id=link.user_id),
            actor=actor,
            reason=reason,
        )
    return new


# --- From an impact to the register -------------------------------------------------------------


@transaction.atomic
def impact_item_raise_risk(*, item: ImpactItem, actor: Actor) -> Risk:
    """Record the AI risk an impact raises, in one step, and link the impact to it.

    The risk is pre-filled: category AI, the harm area that matches the
    impact's area, the AI system as affected asset, the impact's severity and
    likelihood mapped onto the methodology's scales, the mitigation as the
    treatment plan; ``actor`` owns it. Works on signed-off versions too: the
    link is traceability, not assessment content, and is never removed.
    """
    if item.risk_id is not None:
        raise ValidationError(f"This impact has raised {item.risk.reference} already.")
    organization = item.assessment.organization
    methodology = selectors.methodology_for(organization)
    assessment = item.assessment
    system = assessment.ai_system
    title = _title_from(item.description)
    label = system.identifier or system.name
    who = item.get_affected_party_display().lower()
    if item.affected_detail:
        who += f" ({item.affected_detail})"
    description = (
        f"{item.description}\n\nAffects {who}. Raised from the impact assessment of {system}, "
        f"version {assessment.version}."
    )
    risk = risk_create(
        organization=organization,
        actor=actor,
        values={
            "title": title,
            "description": description,
            "category": Category.AI,
            "ai_harm_area": HARM_AREA_FOR_IMPACT[item.area],
            "owner": actor,
            "inherent_likelihood": scale_map(item.likelihood, to_size=methodology.likelihood_size),
            "inherent_impact": scale_map(item.severity, to_size=methodology.impact_size),
            "treatment_plan": item.mitigation,
            "status": RiskStatus.IDENTIFIED,
        },
        assets=[system],
        reason=f"Raised from the impact assessment of {label}, v{assessment.version}",
    )
    item.risk = risk
    record_save(item, actor=actor, reason=f"Raised {risk.reference}", update_fields=["risk", "updated_at"])
    return risk


TITLE_LENGTH = 100


def _title_from(description: str) -> str:
    """The first sentence of an impact's description, short enough for a register
    title: cut at its last comma that fits, else at a word, with an ellipsis."""
    text = " ".join(description.split())
    sentence = text.split(". ", 1)[0].rstrip(".")
    if len(sentence) <= TITLE_LENGTH:
        return sentence
    head = sentence[:TITLE_LENGTH]
    if "," in head and head.rindex(",") > TITLE_LENGTH // 2:
        return head[: head.rindex(",")]
    return head[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
