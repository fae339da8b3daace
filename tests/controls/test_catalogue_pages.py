import pytest

pytestmark = pytest.mark.usefixtures("catalogues")


@pytest.fixture
def signed_in(client, alice, password):
    client.login(username="alice", password=password)
    return client


def test_the_catalogue_shows_all_93_controls_of_27001(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso27001-2022/")
    assert response.context["result_count"] == 93
    assert [g.reference for g, _ in response.context["sections"]] == ["5", "6", "7", "8"]


def test_the_catalogue_shows_all_38_controls_of_42001(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso42001-2023/")
    assert response.context["result_count"] == 38
    assert len(response.context["sections"]) == 9


def test_search_matches_reference_title_and_description(signed_in):
    by_title = signed_in.get("/o/acme/catalogue/iso27001-2022/", {"q": "secure coding"})
    assert [c.reference for _, rows in by_title.context["sections"] for c in rows] == ["8.28"]
    by_reference = signed_in.get("/o/acme/catalogue/iso42001-2023/", {"q": "A.6.2.8"})
    assert [c.reference for _, rows in by_reference.context["sections"] for c in rows] == ["A.6.2.8"]
    by_description = signed_in.get("/o/acme/catalogue/iso27001-2022/", {"q": "badges"})
    assert by_description.context["result_count"] >= 1


def test_the_theme_filter_keeps_one_theme(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso27001-2022/", {"group": "7"})
    assert response.context["result_count"] == 14


def test_a_search_with_no_result_says_so(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso27001-2022/", {"q": "zzzz-nothing"})
    assert b"No control matches" in response.content


def test_a_control_page_shows_its_counterparts_in_both_directions(signed_in):
    ai_side = signed_in.get("/o/acme/catalogue/iso42001-2023/controls/A.2.2/")
    counterparts = ai_side.context["counterparts"]
    assert any(r["control"].reference == "5.1" and r["relation"] for r in counterparts)
    isms_side = signed_in.get("/o/acme/catalogue/iso27001-2022/controls/5.1/")
    assert any(r["control"].reference == "A.2.2" for r in isms_side.context["counterparts"])
    assert all(r["rationale"] for r in isms_side.context["counterparts"])


def test_an_ai_specific_control_shows_its_reason(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso42001-2023/controls/A.5.5/")
    assert b"AI-specific" in response.content
    assert response.context["control"].no_counterpart_reason.encode() in response.content


def test_an_unknown_control_or_framework_is_404(signed_in):
    assert signed_in.get("/o/acme/catalogue/iso42001-2023/controls/A.7.9/").status_code == 404
    assert signed_in.get("/o/acme/catalogue/iso9001-2015/").status_code == 404


def test_the_clause_pages_list_both_clause_sets(signed_in):
    response = signed_in.get("/o/acme/catalogue/iso42001-2023/clauses/")
    refs = [c.reference for c in response.context["clauses"]]
    assert "6.1.4" in refs and "8.4" in refs and len(refs) == 43
    assert len(signed_in.get("/o/acme/catalogue/iso27001-2022/clauses/").context["clauses"]) == 41


def test_catalogue_pages_need_membership(client, alice, charlie, password):
    client.login(username="charlie", password=password)
    assert client.get("/o/acme/catalogue/iso27001-2022/").status_code == 404
    assert client.get("/o/acme/crosswalk/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/o/acme/catalogue/iso27001-2022/",
        "/o/acme/catalogue/iso27001-2022/?q=access",
        "/o/acme/catalogue/iso42001-2023/",
        "/o/acme/catalogue/iso42001-2023/clauses/",
        "/o/acme/catalogue/iso27001-2022/controls/5.1/",
    ],
)
def test_catalogue_pages_need_a_constant_number_of_queries(signed_in, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(14):
        assert signed_in.get(path).status_code == 200
