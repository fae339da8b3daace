"""The demo register builds on the demo inventory and can be seeded again."""

from assets.demo import demo_assets_create
from risks.demo import demo_risks_create
from risks.models import ImpactAssessment, ImpactItem, Risk, RiskControl


def test_the_demo_register_is_complete_and_idempotent(acme, alice, catalogues):
    demo_assets_create(organization=acme, actor=alice)
    created = demo_risks_create(organization=acme, actor=alice)
    risks = Risk.objects.for_organization(acme)
    assert len(created) == risks.count() == 7
    assert risks.filter(category__in=["ai", "both"]).count() >= 2
    assert (
        risks.filter(
            category__in=["information_security", "both"], asset_links__asset__identifier="AST-0004"
        ).count()
        >= 3
    )
    assert risks.filter(status="accepted").count() == 1
    frameworks = set(
        RiskControl.objects.filter(risk__organization=acme).values_list("control__framework__code", flat=True)
    )
    assert frameworks == {"iso27001-2022", "iso42001-2023"}
    assessment = ImpactAssessment.objects.get(organization=acme)
    assert assessment.ai_system.identifier == "AST-0001" and assessment.is_frozen
    assert ImpactItem.objects.filter(assessment=assessment, risk__isnull=False).count() == 2

    assert demo_risks_create(organization=acme, actor=alice) == []
    assert Risk.objects.for_organization(acme).count() == 7
    assert ImpactAssessment.objects.filter(organization=acme).count() == 1


def test_without_the_demo_inventory_it_does_nothing(acme, alice):
    assert demo_risks_create(organization=acme, actor=alice) == []
