"""AI fields: required per AI kind, forbidden on information assets, with a message per field."""

import pytest
from django.core.exceptions import ValidationError

from assets import services
from assets.models import AI_FIELDS, AI_REQUIRED_FIELDS, AssetKind

AI_SYSTEM = {
    "kind": "ai_system",
    "name": "Claims triage assistant",
    "ai_role": "deployer",
    "ai_intended_purpose": "Route claims to handler teams.",
    "ai_risk_class": "limited",
    "ai_lifecycle_stage": "operation_monitoring",
    "ai_personal_data": "yes",
    "ai_automation_level": "partial",
    "ai_human_oversight": "in_the_loop",
}


def _create(organization, actor, **values):
    return services.asset_create(organization=organization, actor=actor, values={"owner": actor, **values})


def test_an_ai_system_with_its_required_fields_is_registered(acme, alice):
    asset = _create(acme, alice, **AI_SYSTEM)
    assert asset.is_ai
    assert asset.identifier == "AST-0001"


@pytest.mark.parametrize("kind", sorted(AI_REQUIRED_FIELDS))
def test_each_ai_kind_names_every_missing_required_field(acme, alice, kind):
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, kind=kind, name="Incomplete")
    errors = caught.value.message_dict
    assert set(AI_REQUIRED_FIELDS[kind]) <= set(errors)
    label = AssetKind(kind).label
    assert all(label in errors[name][0] for name in AI_REQUIRED_FIELDS[kind])


def test_an_ai_system_needs_its_intended_purpose_and_risk_class(acme, alice):
    values = {k: v for k, v in AI_SYSTEM.items() if k not in {"ai_intended_purpose", "ai_risk_class"}}
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, **values)
    assert caught.value.message_dict == {
        "ai_intended_purpose": ["An asset of kind “AI system” needs its intended purpose."],
        "ai_risk_class": ["An asset of kind “AI system” needs its EU AI Act risk class."],
    }


def test_a_dataset_needs_provenance_and_licence(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, kind="dataset", name="Claims 2024", ai_personal_data="yes")
    assert set(caught.value.message_dict) == {"ai_data_provenance", "ai_data_licence"}


@pytest.mark.parametrize("field", AI_FIELDS)
def test_an_information_asset_refuses_every_ai_field(acme, alice, field):
    value = {
        "ai_role": "deployer",
        "ai_model_type": "classification",
        "ai_personal_data": "yes",
        "ai_automation_level": "full",
        "ai_human_oversight": "none",
        "ai_risk_class": "high",
        "ai_lifecycle_stage": "design",
    }.get(field, "something")
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, kind="hardware", name="Server", **{field: value})
    errors = caught.value.message_dict
    assert list(errors) == [field]
    assert "only for AI assets" in errors[field][0]


def test_an_unknown_choice_is_refused_with_the_field(acme, alice):
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, **{**AI_SYSTEM, "ai_risk_class": "catastrophic"})
    assert list(caught.value.message_dict) == ["ai_risk_class"]


def test_criticality_follows_the_highest_rating_unless_set(acme, alice):
    derived = _create(
        acme, alice, kind="software", name="CRM", confidentiality=2, integrity=5, availability=1
    )
    assert derived.criticality == "critical"
    chosen = _create(acme, alice, kind="software", name="Wiki", availability=4, criticality="low")
    assert chosen.criticality == "low"


def test_tags_are_normalized_and_bad_tags_refused(acme, alice):
    asset = _create(
        acme, alice, kind="information", name="HR files", tags=["PII", " Human Resources ", "pii"]
    )
    asset.refresh_from_db()
    assert asset.tags == ["human-resources", "pii"]
    with pytest.raises(ValidationError) as caught:
        _create(acme, alice, kind="information", name="Bad", tags=["a|b"])
    assert list(caught.value.message_dict) == ["tags"]


def test_changing_an_ai_system_into_hardware_asks_to_clear_its_ai_fields(acme, alice, acme_ai):
    with pytest.raises(ValidationError) as caught:
        services.asset_update(asset=acme_ai, actor=alice, values={"kind": "hardware"})
    assert "ai_intended_purpose" in caught.value.message_dict
    cleared = dict.fromkeys(AI_FIELDS, "")
    asset = services.asset_update(asset=acme_ai, actor=alice, values={"kind": "hardware", **cleared})
    assert not asset.is_ai
