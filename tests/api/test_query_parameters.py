"""Query parameters no filter can read answer 400 naming the parameter, on
every list (``core.registers.filters``, ``core.api.pagination``): never a 500,
never silently ignored."""

import pytest

from tests.factories import AISystemFactory, AssetFactory

API = "/api/v1/organizations/acme"
TOO_LARGE = str(2**63)  # one past the largest id a database integer holds


@pytest.fixture
def api(api_as, alice):
    return api_as(alice)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"{API}/risks/", "asset"),
        (f"{API}/risks/", "owner"),
        (f"{API}/risks/", "control"),
        (f"{API}/assets/", "owner"),
        (f"{API}/asset-relations/", "source"),
        (f"{API}/asset-relations/", "asset"),
        (f"{API}/impact-assessments/", "ai_system"),
        (f"{API}/treatment-actions/", "risk"),
        (f"{API}/corrective-actions/", "finding"),
        (f"{API}/soa/", "owner"),
    ],
)
def test_an_id_past_the_integer_range_is_refused_naming_the_parameter(api, path, parameter):
    response = api.get(path, {parameter: TOO_LARGE})
    assert response.status_code == 400, response.content
    assert list(response.json()) == [parameter]


def test_the_largest_id_is_read_and_finds_nothing(api):
    response = api.get(f"{API}/risks/", {"asset": str(2**63 - 1)})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_owner_named_with_other_digits_is_a_name_not_an_id(api):
    # "²" is a digit to str.isdigit() but no id: it must not reach int().
    response = api.get(f"{API}/assets/", {"owner": "²"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        (f"{API}/risks/", "above_appetite", "perhaps"),
        (f"{API}/risks/", "mine", "maybe"),
        ("/api/v1/controls/", "ai_specific", "yes"),
        (f"{API}/impact-assessments/", "latest", "often"),
        (f"{API}/soa/", "has_problem", "2"),
    ],
)
def test_an_unreadable_boolean_is_refused_naming_the_parameter(api, path, parameter, value):
    response = api.get(path, {parameter: value})
    assert response.status_code == 400, response.content
    assert response.json() == {parameter: ["Give true or false."]}


@pytest.mark.parametrize("value", ["true", "false", "True", "0", "1", ""])
def test_a_readable_boolean_is_taken(api, value):
    assert api.get(f"{API}/risks/", {"above_appetite": value}).status_code == 200


def test_a_boolean_filter_still_filters(api, catalogues):
    specific = api.get("/api/v1/controls/", {"ai_specific": "true", "page_size": 500}).json()
    assert specific["count"] > 0
    assert all(control["ai_specific"] for control in specific["results"])


@pytest.mark.parametrize("value", ["null", "0", "-3", "501", "1.5", "ten"])
def test_an_unreadable_page_size_is_refused_naming_it(api, value):
    response = api.get(f"{API}/assets/", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("value", ["0", "-1", "first", "null"])
def test_an_unreadable_page_is_refused_naming_it(api, value):
    response = api.get(f"{API}/assets/", {"page": value})
    assert response.status_code == 400
    assert list(response.json()) == ["page"]


def test_a_page_past_the_last_is_404(api, acme):
    AssetFactory(organization=acme)
    assert api.get(f"{API}/assets/", {"page": "7"}).status_code == 404
    assert api.get(f"{API}/assets/", {"page": "last"}).status_code == 200


def test_history_pages_like_the_lists(api, acme):
    asset = AssetFactory(organization=acme)
    body = api.get(f"{API}/assets/{asset.pk}/history/", {"page_size": "1"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert api.get(f"{API}/assets/{asset.pk}/history/", {"page_size": "null"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"{API}/assets/", "search"),
        (f"{API}/risks/", "search"),
        (f"{API}/soa/", "search"),
        ("/api/v1/controls/", "search"),
        ("/api/v1/organizations/", "search"),
        (f"{API}/assets/", "tag"),
        (f"{API}/risks/", "asset"),
        (f"{API}/assets/", "updated_after"),
    ],
)
def test_a_nul_in_a_text_parameter_is_refused_with_a_message_for_it(api, path, parameter):
    response = api.get(path, {parameter: "ab\x00c"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert isinstance(body, dict)
    assert any("Null characters are not allowed." in messages for messages in body.values()), body


def test_the_list_pages_refuse_the_same_without_crashing(client, alice, acme):
    AISystemFactory(organization=acme)
    client.force_login(alice)
    for query in (f"asset={TOO_LARGE}", "above_appetite=perhaps", f"owner={TOO_LARGE}", "search=a%00b"):
        assert client.get(f"/o/acme/risks/?{query}").status_code == 200
    assert client.get(f"/o/acme/assets/?owner={TOO_LARGE}").status_code == 200
