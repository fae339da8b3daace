"""Journey 2 in a real browser: register an AI system with its model, dataset and
hosting server, link them, and find the AI system again by filter."""

import pytest

from assets.models import Asset, AssetRelation
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def _register(page, *, kind: str, name: str, fields: dict | None = None, selects: dict | None = None) -> str:
    page.goto("/o/acme/assets/new/")
    page.select_option("#id_kind", kind)
    page.fill("#id_name", name)
    for selector, value in (selects or {}).items():
        page.select_option(selector, value)
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("[data-testid=save-asset]")
    page.wait_for_url("**/o/acme/assets/*/")
    return page.locator("h1 .asset-id").inner_text()


def _link(page, relation: str, identifier: str) -> None:
    page.select_option("#id_relation", relation)
    page.fill("#id_asset", identifier)
    page.click("[data-testid=relation-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_register_and_link_an_ai_system_then_find_it_by_filter(page, acme, alice):
    sign_in(page, "alice")

    # The AI profile appears only for AI kinds.
    page.goto("/o/acme/assets/new/")
    assert not page.locator("[data-testid=ai-fieldset]").is_visible()
    page.select_option("#id_kind", "ai_system")
    assert page.locator("[data-testid=ai-fieldset]").is_visible()
    assert page.locator("[data-required-for~=ai_system]").first.is_visible()
    page.select_option("#id_kind", "hardware")
    assert not page.locator("[data-testid=ai-fieldset]").is_visible()

    server = _register(
        page,
        kind="hardware",
        name="GPU server 1",
        fields={"#id_location": "DC Frankfurt"},
        selects={"#id_availability": "5"},
    )
    dataset = _register(
        page,
        kind="dataset",
        name="Claims 2019 to 2024",
        fields={"#id_ai_data_provenance": "Claims system export", "#id_ai_data_licence": "Internal"},
        selects={"#id_ai_personal_data": "yes"},
    )
    model = _register(
        page,
        kind="ai_model",
        name="Triage model v3",
        fields={"#id_ai_version": "3.0.0"},
        selects={
            "#id_ai_role": "producer",
            "#id_ai_model_type": "classification",
            "#id_ai_lifecycle_stage": "deployment",
        },
    )
    _link(page, "out:trained_on", dataset)
    _link(page, "out:hosted_on", server)
    assert "Trained on" in page.locator("[data-testid=relations]").inner_text()

    # A server-side rule shows on the form when a required AI field is missing.
    page.goto("/o/acme/assets/new/")
    page.select_option("#id_kind", "ai_system")
    page.fill("#id_name", "Claims triage assistant")
    page.click("[data-testid=save-asset]")
    assert "needs its intended purpose" in page.locator("[data-testid=asset-form]").inner_text()
    page.fill("#id_ai_intended_purpose", "Prioritise new claims for handlers.")
    page.select_option("#id_ai_role", "deployer")
    page.select_option("#id_ai_risk_class", "high")
    page.select_option("#id_ai_lifecycle_stage", "operation_monitoring")
    page.select_option("#id_ai_personal_data", "yes")
    page.select_option("#id_ai_automation_level", "partial")
    page.select_option("#id_ai_human_oversight", "in_the_loop")
    page.fill("#id_tags", "claims, pii")
    page.click("[data-testid=save-asset]")
    page.wait_for_url("**/o/acme/assets/*/")
    system = page.locator("h1 .asset-id").inner_text()
    _link(page, "out:uses", model)
    _link(page, "out:hosted_on", server)

    relations = page.locator("[data-testid=relations]").inner_text()
    assert "Uses" in relations and "Triage model v3" in relations
    assert "Hosted on" in relations and "GPU server 1" in relations
    assert AssetRelation.objects.count() == 4

    # The model's page shows the other direction.
    page.click("text=Triage model v3")
    assert "Used by" in page.locator("[data-testid=relations]").inner_text()

    # Find the AI system by filter.
    page.goto("/o/acme/assets/")
    page.select_option("#f-group", "ai")
    page.wait_for_url("**group=ai**")
    page.select_option("#f-risk", "high")
    page.wait_for_url("**ai_risk_class=high**")
    table = page.locator("[data-testid=asset-table]").inner_text()
    assert "Claims triage assistant" in table
    assert "Triage model v3" not in table and "GPU server 1" not in table
    assert page.locator("[data-testid=result-count]").inner_text().startswith("1 asset")
    page.click("text=Claims triage assistant")
    assert page.locator("h1 .asset-id").inner_text() == system
    assert Asset.objects.get(identifier=system).history.latest().history_user == alice
