"""The risk API builds its rows directly (``RiskSerializer.to_representation``);
they must be exactly what the generic ``ModelSerializer`` path answers."""

import datetime

from django.utils import timezone
from rest_framework import serializers

from controls.models import Control
from risks import selectors
from risks.models import Risk, RiskAsset, RiskControl
from risks.serializers import RiskSerializer
from tests.factories import AssetFactory, RiskFactory, TreatmentActionFactory


def test_fast_rows_equal_the_generic_serializer(acme, alice, bob, catalogues):
    server = AssetFactory(organization=acme, owner=alice, name="Inference server")
    laptop = AssetFactory(organization=acme, owner=alice, name="Laptop")
    treated = RiskFactory(organization=acme, owner=alice, title="Ransomware", status="in_treatment")
    accepted = RiskFactory(organization=acme, owner=bob, title="Fire")
    Risk.objects.filter(pk=accepted.pk).update(
        status="accepted", accepted_by=alice, accepted_at=timezone.now(), acceptance_justification="Fine."
    )
    RiskFactory(organization=acme, owner=alice, title="Nothing linked")
    for asset in (server, laptop):
        RiskAsset.objects.create(organization=acme, risk=treated, asset=asset)
    for control in Control.objects.filter(framework__code="iso27001-2022").order_by("order")[:2]:
        RiskControl.objects.create(organization=acme, risk=treated, control=control)
    TreatmentActionFactory(risk=treated, owner=bob, due_date=datetime.date(2021, 1, 1))
    TreatmentActionFactory(risk=treated, owner=alice, status="done", completed_on=datetime.date(2024, 5, 1))

    risks = selectors.risks_with_links(
        Risk.objects.for_organization(acme)
        .select_related("owner", "accepted_by")
        .prefetch_related("assets", "actions__owner")
    ).order_by("number")
    serializer = RiskSerializer(
        context={"organization": acme, "methodology": selectors.methodology_for(acme)}
    )
    rows = [serializer.to_representation(risk) for risk in risks]
    generic = [serializers.ModelSerializer.to_representation(serializer, risk) for risk in risks]
    assert rows == [dict(row) for row in generic]
    assert [len(row["actions"]) for row in rows] == [2, 0, 0]
    assert rows[0]["controls"] and rows[0]["affected_assets"] and rows[1]["acceptance"]
