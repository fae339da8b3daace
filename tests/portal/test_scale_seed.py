"""The scale seed (``seed_demo --orgs … --assets … --risks … --seed …``): the same seed
gives the same organization, through the history-keeping services."""

import pytest
from django.core.management import call_command

from assets.models import AI_KINDS, Asset, AssetRelation
from audits.models import Audit, CorrectiveAction, Finding
from organizations.models import Organization
from portal.scale_seed import scale_seed
from risks.models import ImpactAssessment, Risk, RiskAsset, RiskControl, TreatmentAction
from soa.models import SoAEntry, SoAVersion

pytestmark = pytest.mark.usefixtures("catalogues")


def _shape(organization):
    """What must be the same for the same seed, without ids or dates."""
    assets = Asset.objects.for_organization(organization)
    risks = Risk.objects.for_organization(organization)
    return {
        "assets": list(
            assets.order_by("identifier").values_list("identifier", "name", "kind", "owner__last_name")
        ),
        "relations": sorted(
            AssetRelation.objects.for_organization(organization).values_list(
                "source__identifier", "type", "target__identifier"
            )
        ),
        "risks": list(risks.order_by("number").values_list("number", "title", "category", "status", "score")),
        "risk assets": sorted(
            RiskAsset.objects.for_organization(organization).values_list("risk__number", "asset__identifier")
        ),
        "risk controls": sorted(
            RiskControl.objects.for_organization(organization).values_list(
                "risk__number", "control__reference"
            )
        ),
        "actions": sorted(
            TreatmentAction.objects.for_organization(organization).values_list(
                "risk__number", "description", "status"
            )
        ),
    }


def test_the_same_seed_gives_the_same_organization_with_its_history(db):
    first = scale_seed(orgs=1, assets=60, risks=30, seed=5, slug_prefix="one")[0].organization
    second = scale_seed(orgs=1, assets=60, risks=30, seed=5, slug_prefix="two")[0].organization

    shape = _shape(first)
    assert shape == _shape(second)

    assets = Asset.objects.for_organization(first)
    assert assets.count() == 60
    assert 4 <= assets.filter(kind__in=AI_KINDS).count() <= 24  # about one in five
    assert len(shape["relations"]) >= 20
    risks = Risk.objects.for_organization(first)
    assert risks.count() == 30
    assert set(risks.values_list("category", flat=True)) >= {"information_security", "ai"}
    assert shape["risk assets"] and shape["risk controls"] and shape["actions"]
    assert risks.filter(status="in_treatment").exists()

    # Every record was written through the services: each has its "created" history row.
    assert Asset.history.filter(organization_id=first.pk, history_type="+").count() == 60
    assert AssetRelation.history.filter(organization_id=first.pk, history_type="+").count() == len(
        shape["relations"]
    )
    assert Risk.history.filter(organization_id=first.pk, history_type="+").count() == 30
    assert TreatmentAction.history.filter(organization_id=first.pk, history_type="+").count() == len(
        shape["actions"]
    )
    # Risks that got a pending action moved to "in treatment", in their history too.
    assert Risk.history.filter(
        organization_id=first.pk, history_type="~", history_change_reason="Treatment planned"
    ).exists()

    assert ImpactAssessment.objects.for_organization(first).filter(status="signed_off").exists()
    assert not SoAEntry.objects.for_organization(first).filter(applicable__isnull=True).exists()
    assert SoAVersion.objects.for_organization(first).get().number == 1
    audit = Audit.objects.for_organization(first).get()
    assert audit.status == "in_progress" and audit.items.exclude(result="").exists()
    assert Finding.objects.for_organization(first).count() == 1
    assert CorrectiveAction.objects.for_organization(first).count() == 1


def test_the_command_seeds_and_skips_what_exists(db):
    call_command("seed_demo", orgs=1, assets=20, risks=10, seed=9)
    organization = Organization.objects.get(slug="scale-9-1")
    names = list(
        Asset.objects.for_organization(organization).order_by("identifier").values_list("name", flat=True)
    )
    call_command("seed_demo", orgs=1, assets=20, risks=10, seed=9)
    assert list(Organization.objects.filter(slug__startswith="scale-9-").values_list("slug", flat=True)) == [
        "scale-9-1"
    ]
    assert len(names) == 20
    # Another seed, other names.
    scale_seed(orgs=1, assets=20, risks=0, seed=10, slug_prefix="other")
    other = Asset.objects.filter(organization__slug="other-10-1").order_by("identifier")
    assert list(other.values_list("name", flat=True)) != names


def test_the_command_mails_no_one_and_keeps_the_notifications(db, django_capture_on_commit_callbacks):
    """The seeded accounts are made up: what the services notify stays in the app, and no
    e-mail leaves (with DEBUG off the SMTP backend would have tried each one)."""
    from django.core import mail

    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", orgs=1, assets=20, risks=10, seed=12)
    organization = Organization.objects.get(slug="scale-12-1")
    assert Notification.objects.filter(organization=organization).exists()
    assert mail.outbox == []
