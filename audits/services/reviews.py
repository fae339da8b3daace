"""Management reviews of both systems, with their inputs stored as a snapshot."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.deletion import DeletionImpact, record_delete_with_impact
from core.roles import Capability
from core.services import record_save
from core.types import Actor
from organizations.models import Organization

from .. import selectors
from ..models import (
    ManagementReview,
)
from .access import audit_membership, next_number, require_capability

REVIEW_WRITABLE_FIELDS = (
    "date",
    "attendees",
    "inputs_comments",
    "changes_in_context",
    "opportunities",
    "decisions",
)


def _review_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors = {}
    attendees = values.get("attendees")
    if "attendees" in values and (
        not isinstance(attendees, list) or not all(isinstance(a, str) and a.strip() for a in attendees)
    ):
        errors["attendees"] = ["Give the attendees as a list of names."]
    if "date" in values and not isinstance(values["date"], datetime.date):
        errors["date"] = ["Give the date of the review."]
    return errors


@transaction.atomic
def management_review_create(
    *, organization: Organization, actor: Actor, values: Mapping[str, Any]
) -> ManagementReview:
    """Record a management review of both systems, its inputs taken from the
    organization's data as of its date and stored as they were."""
    membership = audit_membership(organization, actor)
    require_capability(
        membership,
        Capability.EDIT_ANY,
        "Only compliance officers and administrators record management reviews.",
    )
    values = {k: v for k, v in values.items() if k in REVIEW_WRITABLE_FIELDS}
    errors = {"date": ["This field is required."]} if not values.get("date") else {}
    errors.update({k: v for k, v in _review_errors(values).items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    if "attendees" in values:
        values["attendees"] = [a.strip() for a in values["attendees"]]
    review = ManagementReview(
        organization=organization, number=next_number(ManagementReview, organization), **values
    )
    review.inputs = selectors.management_review_inputs(organization, as_of=review.date)
    review.inputs_taken_at = timezone.now()
    return record_save(review, actor=actor, reason="Management review recorded")


@transaction.atomic
def management_review_update(
    *, review: ManagementReview, actor: Actor, values: Mapping[str, Any]
) -> ManagementReview:
    """Change a review; a new date takes its inputs again as of that date."""
    membership = audit_membership(review.organization, actor)
    require_capability(
        membership,
        Capability.EDIT_ANY,
        "Only compliance officers and administrators change management reviews.",
    )
    values = {k: v for k, v in values.items() if k in REVIEW_WRITABLE_FIELDS}
    errors = _review_errors(values)
    if errors:
        raise ValidationError(errors)
    redate = "date" in values and values["date"] != review.date
    for name, value in values.items():
        setattr(review, name, value)
    if redate:
        review.inputs = selectors.management_review_inputs(
            review.organization, as_of=review.date, review_id=review.pk
        )
        review.inputs_taken_at = timezone.now()
    return record_save(review, actor=actor)


@transaction.atomic
def management_review_delete(*, review: ManagementReview, actor: Actor) -> DeletionImpact:
    """Delete a review recorded by mistake, with its actions unless one is verified
    effective (``audits.deletion``)."""
    membership = audit_membership(review.organization, actor)
    require_capability(
        membership,
        Capability.EDIT_ANY,
        "Only compliance officers and administrators delete management reviews.",
    )
    return record_delete_with_impact(review, actor=actor, reason="Management review deleted")
