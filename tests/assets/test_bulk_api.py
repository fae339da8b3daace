"""POST …/assets/bulk/: a CMDB or model registry pushes many assets, all or nothing."""

from assets.models import Asset, AssetRelation

URL = "/api/v1/organizations/acme/assets/bulk/"

MODEL_REGISTRY_SYNC = [
    {
        "identifier": "DS-CLAIMS-2024",
        "name": "Claims 2024",
        "kind": "dataset",
        "ai_data_provenance": "Claims system export",
        "ai_data_licence": "Internal",
        "ai_personal_data": "yes",
        "tags": ["claims", "pii"],
    },
    {
        "identifier": "MDL-TRIAGE-3",
        "name": "Triage model",
        "kind": "ai_model",
        "ai_role": "producer",
        "ai_model_type": "classification",
        "ai_version": "3.0.1",
        "ai_lifecycle_stage": "deployment",
        "relations": [{"type": "trained_on", "target": "DS-CLAIMS-2024"}],
    },
    {
        "name": "GPU node 7",
        "kind": "hardware",
        "owner": "bob@example.org",
        "availability": 5,
    },
]


def test_bulk_creates_every_item_with_its_relations(api_as, acme, alice, bob):
    response = api_as(alice).post(URL, MODEL_REGISTRY_SYNC, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["identifier"] for a in body] == ["DS-CLAIMS-2024", "MDL-TRIAGE-3", "AST-0001"]
    assert body[1]["relations"][0]["label"] == "Trained on"
    assert body[0]["relations"][0]["label"] == "Training data for"
    assert body[2]["owner"] == "bob"
    assert body[2]["criticality"] == "critical"
    assert body[0]["owner"] == "alice"
    assert AssetRelation.objects.count() == 1
    assert all(a.history.get().history_user == alice for a in Asset.objects.all())


def test_a_bad_item_fails_the_whole_request_with_index_and_field(api_as, acme, alice, bob):
    items = [
        *MODEL_REGISTRY_SYNC,
        {"name": "Broken", "kind": "robot"},
        {"name": "Bad rating", "kind": "hardware", "integrity": 9},
        {"kind": "software", "relations": [{"type": "uses"}]},
    ]
    response = api_as(alice).post(URL, items, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "3 of 6 items are invalid; nothing was created."
    found = {(e["index"], e["field"]) for e in body["errors"]}
    assert found == {(3, "kind"), (4, "integrity"), (5, "name"), (5, "relations[0].target")}
    assert not Asset.objects.exists()


def test_business_rules_are_reported_per_item(api_as, acme, alice, acme_server):
    items = [
        {"identifier": "AST-0001", "name": "Duplicate", "kind": "hardware"},
        {"name": "Half an AI system", "kind": "ai_system", "ai_role": "deployer"},
        {"name": "Server", "kind": "hardware", "ai_risk_class": "high"},
        {"name": "Lost link", "kind": "software", "relations": [{"type": "uses", "target": "NOPE-1"}]},
        {"name": "Stranger's", "kind": "hardware", "owner": "nobody"},
    ]
    response = api_as(alice).post(URL, items, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    by_index = {}
    for e in errors:
        by_index.setdefault(e["index"], set()).add(e["field"])
    assert by_index[0] == {"identifier"}
    assert {"ai_intended_purpose", "ai_risk_class"} <= by_index[1]
    assert by_index[2] == {"ai_risk_class"}
    assert by_index[3] == {"relations"}
    assert by_index[4] == {"owner"}
    assert Asset.objects.count() == 1


def test_bulk_refuses_something_that_is_not_a_list(api_as, acme, alice):
    response = api_as(alice).post(URL, {"name": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Send a JSON list of assets."


def test_a_single_create_answers_with_field_errors(api_as, acme, alice):
    response = api_as(alice).post(
        "/api/v1/organizations/acme/assets/", {"name": "Robot", "kind": "hardware", "ai_role": "user"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "ai_role": ["AI role is only for AI assets; leave it empty for an information asset."]
    }
