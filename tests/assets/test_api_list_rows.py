"""The asset API list is read with ``.values()`` (``core.api.lists``, issue 14); for every
filter, ordering and page size its answer must be, item by item, what DRF's generic list
answers through ``ModelSerializer`` for the same request — so that a field added to the
serializer but not to the list rows fails here."""

import pytest
from rest_framework import mixins, serializers

from assets.api import AssetViewSet
from assets.models import AssetKind
from assets.serializers import AssetSerializer
from tests.factories import (
    AIModelFactory,
    AISystemFactory,
    AssetFactory,
    AssetRelationFactory,
    DatasetFactory,
    MembershipFactory,
    UserFactory,
)

URL = "/api/v1/organizations/acme/assets/"

QUERIES = [
    {},
    {"page": "2"},
    {"page_size": "500"},
    {"page_size": "7", "page": "3"},
    {"group": "ai"},
    {"group": "information", "page_size": "500"},
    {"kind": ["ai_model", "dataset"]},
    {"tag": "pii"},
    {"criticality": ["high", "critical"], "ordering": "-classification"},
    {"ordering": "-criticality"},
    {"ordering": "owner", "page_size": "500"},
    {"ordering": "-updated_at"},
    {"search": "claims"},
    {"mine": "true"},
    {"ai_risk_class": "high"},
    {"lifecycle_status": "retired"},
]


@pytest.fixture
def inventory(acme, globex, alice, bob):
    """Information and AI assets of every kind, with every AI field, tags, owners with and
    without a name, custodians or none, and relations both ways (ties on type and name)."""
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    MembershipFactory(organization=acme, user=nameless)
    owners = [alice, bob, nameless]
    ratings = ["low", "medium", "high", "critical"]
    classes = ["public", "internal", "confidential", "restricted"]
    stages = ["planned", "in_use", "being_retired", "retired"]
    info_kinds = [AssetKind.INFORMATION, AssetKind.SOFTWARE, AssetKind.HARDWARE, AssetKind.SERVICE]
    infos, systems, models, datasets = [], [], [], []
    for i in range(40):
        infos.append(
            AssetFactory(
                organization=acme,
                kind=info_kinds[i % 4],
                name=f"Claims server {i % 13}",  # repeated names: the ordering's tiebreak matters
                owner=owners[i % 3],
                custodian=owners[(i + 1) % 3] if i % 2 else None,
                description=f"Runs the claims workflow, part {i}." if i % 3 else "",
                location="Lyon" if i % 4 else "",
                classification=classes[i % 4],
                confidentiality=i % 5 + 1,
                integrity=(i + 2) % 5 + 1,
                availability=(i + 4) % 5 + 1,
                criticality=ratings[i % 4],
                lifecycle_status=stages[i % 4],
                tags=["pii", f"team-{i % 3}"] if i % 2 else [],
            )
        )
    for i in range(8):
        systems.append(
            AISystemFactory(
                organization=acme,
                owner=owners[i % 3],
                custodian=alice,
                name=f"Claims assistant {i}",
                ai_vendor="Acme Labs",
                ai_version=f"2.{i}",
                ai_model_type="generative",
                ai_data_provenance="Claims of 2019-2024",
                ai_data_licence="Internal",
                ai_risk_class=["minimal", "limited", "high", ""][i % 4],
                ai_automation_level="partial",
                ai_human_oversight="on_the_loop",
                tags=["ai", "pii"],
            )
        )
        models.append(AIModelFactory(organization=acme, owner=alice, name=f"Scoring model {i % 3}"))
        datasets.append(DatasetFactory(organization=acme, owner=bob, name=f"Claims history {i}"))
    for i, system in enumerate(systems):
        AssetRelationFactory(source=system, target=models[i], type="uses", note=f"Scores claims {i}")
        AssetRelationFactory(source=system, target=models[(i + 1) % 8], type="uses")
        AssetRelationFactory(source=system, target=infos[i], type="hosted_on")
        AssetRelationFactory(source=models[i], target=datasets[i], type="trained_on", note="2024 snapshot")
        AssetRelationFactory(source=infos[i + 8], target=system, type="uses")
    # Another organization's inventory, with relations of its own, must not leak in.
    outsider = UserFactory(username="outsider")
    MembershipFactory(organization=globex, user=outsider)
    other = AISystemFactory(organization=globex, owner=outsider, name="Claims assistant 0")
    AssetRelationFactory(source=other, target=AIModelFactory(organization=globex, owner=outsider))


def _answer(client, params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _name(params) -> str:
    return "&".join(f"{key}={value}" for key, value in params.items()) or "default"


@pytest.mark.parametrize("params", QUERIES, ids=_name)
def test_the_list_answers_what_the_serializer_answers(api_as, alice, inventory, monkeypatch, params):
    client = api_as(alice)
    fast = _answer(client, params)
    monkeypatch.setattr(AssetViewSet, "list", mixins.ListModelMixin.list)
    monkeypatch.setattr(AssetSerializer, "to_representation", serializers.ModelSerializer.to_representation)
    generic = _answer(client, params)

    assert fast["count"] == generic["count"]
    assert (fast["next"], fast["previous"]) == (generic["next"], generic["previous"])
    assert [row["id"] for row in fast["results"]] == [row["id"] for row in generic["results"]]
    for mine, theirs in zip(fast["results"], generic["results"], strict=True):
        assert list(mine) == list(theirs), f"asset {mine['id']}: the fields or their order differ"
        assert mine == theirs, f"asset {mine['id']}"


def test_the_inventory_exercises_what_the_rows_carry(api_as, alice, inventory):
    rows = _answer(api_as(alice), {"page_size": "500"})["results"]
    assert len(rows) == 64
    directions = {link["direction"] for row in rows for link in row["relations"]}
    assert directions == {"outgoing", "incoming"}
    assert any(len(row["relations"]) >= 4 for row in rows)
    assert any(row["custodian"] is None for row in rows) and any(row["custodian"] for row in rows)
    assert any(row["owner_name"] == "nameless" for row in rows)
    assert {row["group"] for row in rows} == {"ai", "information"}
    assert any(row["ai_vendor"] and row["ai_data_provenance"] for row in rows)
    assert any(row["tags"] == ["ai", "pii"] for row in rows)
