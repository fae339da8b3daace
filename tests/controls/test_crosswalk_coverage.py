import pytest

from controls import selectors
from controls.models import Control, Mapping, Relation

pytestmark = pytest.mark.usefixtures("catalogues")


def _expected_buckets():
    buckets = {"equivalent": 0, "partial": 0, "related": 0, "none": 0}
    for control in Control.objects.filter(framework__code="iso42001-2023"):
        relations = set(Mapping.objects.filter(source=control).values_list("relation", flat=True))
        if Relation.EQUIVALENT in relations:
            buckets["equivalent"] += 1
        elif Relation.PARTIAL in relations:
            buckets["partial"] += 1
        elif relations:
            buckets["related"] += 1
        else:
            buckets["none"] += 1
    return buckets


def test_coverage_is_computed_from_the_mapping_rows():
    walk = selectors.crosswalk()
    assert walk.coverage.total == 38
    assert walk.coverage.counts == _expected_buckets()
    assert sum(walk.coverage.counts.values()) == 38


def test_coverage_follows_a_change_in_the_mapping():
    before = selectors.crosswalk().coverage.counts["equivalent"]
    mapping = Mapping.objects.filter(relation=Relation.PARTIAL).first()
    mapping.relation = Relation.EQUIVALENT
    mapping.save()
    assert selectors.crosswalk().coverage.counts["equivalent"] == before + 1


def test_a_control_counts_once_by_its_strongest_link():
    walk = selectors.crosswalk()
    for row in walk.rows:
        if any(m.relation == Relation.EQUIVALENT for m in row.links):
            assert row.bucket == "equivalent"


def test_the_crosswalk_page_shows_the_computed_figures(client, alice, password, catalogues):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/crosswalk/")
    assert response.status_code == 200
    coverage = response.context["walk"].coverage
    html = response.content.decode()
    for key, count in _expected_buckets().items():
        assert f'data-bucket="{key}">{count}<' in html
    assert f"{round(coverage.share('equivalent'))}%" in html


def test_the_crosswalk_page_filters_by_bucket(client, alice, password):
    client.login(username="alice", password=password)
    response = client.get("/o/acme/crosswalk/", {"bucket": "none"})
    rows = response.context["rows"]
    assert rows and all(not r.links for r in rows)
    assert len(rows) == _expected_buckets()["none"]


def test_the_crosswalk_page_needs_a_constant_number_of_queries(
    client, alice, password, django_assert_max_num_queries
):
    client.login(username="alice", password=password)
    with django_assert_max_num_queries(14):
        client.get("/o/acme/crosswalk/")
