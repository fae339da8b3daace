import pytest

pytestmark = pytest.mark.usefixtures("catalogues")


@pytest.fixture
def api(api_as, charlie):
    return api_as(charlie)


def test_frameworks_are_listed(api):
    body = api.get("/api/v1/frameworks/").json()
    assert [f["code"] for f in body["results"]] == ["iso27001-2022", "iso42001-2023"]


def test_controls_filter_by_framework_and_theme(api):
    assert api.get("/api/v1/controls/", {"framework": "iso27001-2022"}).json()["count"] == 93
    assert api.get("/api/v1/controls/", {"framework": "iso42001-2023"}).json()["count"] == 38
    themed = api.get("/api/v1/controls/", {"framework": "iso27001-2022", "theme": "6"}).json()
    assert themed["count"] == 8
    assert {c["theme_title"] for c in themed["results"]} == {"People controls"}


def test_controls_filter_by_reference_and_search(api):
    one = api.get("/api/v1/controls/", {"reference": "A.7.4"}).json()["results"]
    assert [(c["framework"], c["title"]) for c in one] == [
        ("iso42001-2023", "Quality of data for AI systems")
    ]
    found = api.get("/api/v1/controls/", {"search": "threat intelligence"}).json()["results"]
    assert [c["reference"] for c in found] == ["5.7"]


def test_ai_specific_controls_can_be_listed(api):
    body = api.get("/api/v1/controls/", {"ai_specific": "true"}).json()
    assert body["count"] >= 1
    assert all(c["framework"] == "iso42001-2023" and c["no_counterpart_reason"] for c in body["results"])


def test_clauses_filter_by_framework(api):
    assert api.get("/api/v1/clauses/", {"framework": "iso42001-2023"}).json()["count"] == 43
    children = api.get("/api/v1/clauses/", {"framework": "iso42001-2023", "parent": "6.1"}).json()["results"]
    assert [c["reference"] for c in children] == ["6.1.1", "6.1.2", "6.1.3", "6.1.4"]


def test_mappings_filter_by_either_side_and_relation(api):
    all_links = api.get("/api/v1/mappings/", {"page_size": 500}).json()
    assert all_links["count"] == 50
    by_control = api.get("/api/v1/mappings/", {"control": "5.1"}).json()["results"]
    assert by_control and all(
        "5.1" in (m["source"]["reference"], m["target"]["reference"]) for m in by_control
    )
    partial = api.get("/api/v1/mappings/", {"relation": "partial", "page_size": 500}).json()["results"]
    assert partial and all(m["relation"] == "partial" and m["rationale"] for m in partial)
    assert len(partial) < all_links["count"]
    by_source = api.get("/api/v1/mappings/", {"source_framework": "iso42001-2023", "source": "A.2.2"}).json()
    assert by_source["count"] >= 1


def test_the_catalogue_is_read_only(api):
    assert api.post("/api/v1/controls/", {"reference": "9.9", "title": "Made up"}).status_code == 405
    control_id = api.get("/api/v1/controls/", {"reference": "5.1"}).json()["results"][0]["id"]
    assert api.delete(f"/api/v1/controls/{control_id}/").status_code == 405


def test_the_catalogue_needs_authentication(api_client):
    assert api_client.get("/api/v1/controls/").status_code == 401


def test_the_controls_list_needs_a_constant_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/controls/", {"page_size": 200})
    assert response.json()["count"] == 131
