"""The schema declares what the API answers, each fixed case on its own (the fuzz
run, ``test_schema_fuzz``, finds them all at once but names none)."""

import pytest
from django.core.management import call_command

from tests.factories import AssetFactory, RiskFactory

API = "/api/v1/organizations/acme"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    import io
    import json

    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", stdout=out)
    return json.loads(out.getvalue())


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _json_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_its_error_answers(schema):
    missing = []
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        # An operation open to anyone (no security: the token endpoint) never answers 401.
        expected = {"401"} if operation.get("security") else set()
        if "{" in path:
            expected.add("404")
        if method != "get":
            expected |= {"400", "403"}
        if any(p["in"] == "query" and p["name"] != "format" for p in operation.get("parameters", [])):
            expected.add("400")
        if not expected <= codes:
            missing.append((method.upper(), path, sorted(expected - codes)))
    assert not missing, missing


def test_error_answers_have_a_body_in_the_shared_shapes(schema):
    for path, method, operation in _operations(schema):
        for code in ("401", "403", "404", "429"):
            if code in operation["responses"]:
                body = _json_schema(operation["responses"][code])
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)
        if "400" in operation["responses"]:
            assert "content" in operation["responses"]["400"], (method, path)
    field_errors = schema["components"]["schemas"]["FieldErrors"]
    assert field_errors["type"] == "object" and "additionalProperties" in field_errors


def test_the_token_endpoint_documents_its_throttle(schema):
    answers = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in answers
    assert "Retry-After" in answers["429"]["headers"]


def test_lists_document_the_404_of_a_page_past_the_last(schema):
    answers = schema["paths"]["/api/v1/frameworks/"]["get"]["responses"]
    assert "404" in answers


def test_page_size_is_documented_with_its_bounds(schema):
    parameters = schema["paths"]["/api/v1/controls/"]["get"]["parameters"]
    page_size = next(p for p in parameters if p["name"] == "page_size")
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}


def test_every_history_endpoint_declares_a_page_of_entries(schema):
    histories = [(p, i["get"]) for p, i in schema["paths"].items() if p.endswith("/history/")]
    assert len(histories) >= 10
    for path, operation in histories:
        body = _component(schema, _json_schema(operation["responses"]["200"])["$ref"])
        assert set(body["properties"]) == {"count", "next", "previous", "results"}, path
        assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size"}, path


def test_a_clause_parent_is_nullable_as_a_top_clause_has_none(schema, api_as, alice, catalogues):
    assert schema["components"]["schemas"]["Clause"]["properties"]["parent"]["nullable"] is True
    first = api_as(alice).get("/api/v1/clauses/").json()["results"][0]
    assert first["parent"] is None


def test_methodology_band_bounds_are_integers(schema, api_as, alice, acme):
    bands = schema["components"]["schemas"]["RiskMethodology"]["properties"]["bands"]
    band = _component(schema, bands["items"]["$ref"])
    assert band["properties"]["from"]["type"] == band["properties"]["to"]["type"] == "integer"
    answer = api_as(alice).get(f"{API}/risk-methodology/").json()["bands"]
    assert all(isinstance(b["from"], int) and isinstance(b["to"], int) for b in answer)


def test_an_unassessed_residual_level_is_null_never_blank(schema, api_as, alice, acme):
    declared = schema["components"]["schemas"]["Risk"]["properties"]["residual_level"]
    assert declared.get("nullable") is True
    risk = RiskFactory(organization=acme, owner=alice)
    assert risk.residual_level == ""
    assert api_as(alice).get(f"{API}/risks/{risk.pk}/").json()["residual_level"] is None


def test_an_unverified_corrective_action_has_a_null_result(schema):
    declared = schema["components"]["schemas"]["CorrectiveAction"]["properties"]["verification_result"]
    assert declared.get("nullable") is True


@pytest.mark.parametrize(
    ("body", "content_type"),
    [('{"not": "a list"}', "application/json"), ("[{", "application/json")],
)
def test_every_assets_bulk_400_carries_its_errors(api_as, alice, acme, body, content_type):
    answer = api_as(alice).post(f"{API}/assets/bulk/", body, content_type=content_type)
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert errors and all({"index", "field", "message"} == set(e) for e in errors)


def test_an_invalid_item_of_assets_bulk_names_its_integer_index(api_as, alice, acme):
    answer = api_as(alice).post(f"{API}/assets/bulk/", [{"name": "Ok", "kind": "service"}, {"kind": "x"}])
    assert answer.status_code == 400
    assert {e["index"] for e in answer.json()["errors"]} == {1}


def test_assets_bulk_takes_json_only(schema):
    body = schema["paths"]["/api/v1/organizations/{organization_slug}/assets/bulk/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]


@pytest.mark.parametrize("body", [{"rows": []}, {"rows": "nope"}, {}])
def test_an_soa_bulk_update_refused_as_a_whole_keeps_the_bulk_shape(api_as, alice, acme, catalogues, body):
    answer = api_as(alice).post(f"{API}/soa/bulk-update/", body, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"detail", "errors"}
    assert "request" in answer.json()["errors"]


def test_a_member_patch_without_a_role_changes_nothing(api_as, alice, bob, acme):
    membership = acme.memberships.get(user=bob)
    answer = api_as(alice).patch(f"{API}/members/{membership.pk}/", {}, format="json")
    assert answer.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_deleting_the_last_administrator_is_a_documented_400(schema, api_as, alice, acme):
    operation = schema["paths"]["/api/v1/organizations/{organization_slug}/members/{id}/"]["delete"]
    assert "400" in operation["responses"]
    membership = acme.memberships.get(user=alice)
    answer = api_as(alice).delete(f"{API}/members/{membership.pk}/")
    assert answer.status_code == 400
    assert "administrator" in str(answer.json())


def test_the_asset_history_answers_the_declared_page(api_as, alice, acme):
    asset = AssetFactory(organization=acme)
    body = api_as(alice).get(f"{API}/assets/{asset.pk}/history/").json()
    assert body["count"] == len(body["results"]) >= 1
