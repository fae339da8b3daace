"""Every change to an asset keeps who made it, whether from the browser, the API or an import."""

import io

from assets.models import Asset


def test_history_names_the_browser_user(client, acme, alice, password, acme_server):
    client.login(username="alice", password=password)
    data = {
        "kind": "hardware",
        "name": "Acme web server (primary)",
        "owner": alice.pk,
        "classification": "confidential",
        "confidentiality": 4,
        "integrity": 3,
        "availability": 3,
        "lifecycle_status": "in_use",
        "identifier": "AST-0001",
        "criticality": "high",
    }
    response = client.post(f"/o/acme/assets/{acme_server.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    latest = acme_server.history.latest()
    assert latest.history_user == alice
    assert latest.history_change_reason == "Asset changed"
    page = client.get(f"/o/acme/assets/{acme_server.pk}/history/").content.decode()
    assert "Alice Archer" in page and "Acme web server (primary)" in page and "Confidential" in page


def test_history_names_the_api_token_user(api_as, acme, alice, acme_server):
    api_as(alice).patch(f"/api/v1/organizations/acme/assets/{acme_server.pk}/", {"criticality": "critical"})
    latest = acme_server.history.latest()
    assert latest.history_user == alice
    entries = (
        api_as(alice).get(f"/api/v1/organizations/acme/assets/{acme_server.pk}/history/").json()["results"]
    )
    assert entries[0]["who"] == "Alice Archer"
    assert {"field": "criticality", "label": "Criticality", "old": "Medium", "new": "Critical"} in entries[0][
        "changes"
    ]


def test_history_names_the_importer(client, acme, alice, password):
    client.login(username="alice", password=password)
    upload = io.BytesIO(b"name,kind,owner,tags\nBackup tapes,hardware,alice,offsite\n")
    upload.name = "tapes.csv"
    token = client.post("/o/acme/assets/import/", {"file": upload}).context["token"]
    client.post("/o/acme/assets/import/confirm/", {"token": token})
    record = Asset.objects.get().history.get()
    assert (record.history_user, record.history_change_reason) == (alice, "Imported from tapes.csv")


def test_a_browser_registration_and_deletion_are_both_in_the_history(client, acme, alice, password):
    client.login(username="alice", password=password)
    client.post(
        "/o/acme/assets/new/",
        {
            "kind": "site",
            "name": "Branch office",
            "owner": alice.pk,
            "classification": "internal",
            "confidentiality": 2,
            "integrity": 2,
            "availability": 3,
            "lifecycle_status": "in_use",
        },
    )
    asset = Asset.objects.get()
    asset_id = asset.pk
    response = client.post(f"/o/acme/assets/{asset_id}/delete/", follow=True)
    assert "Its history keeps every version" in response.content.decode()
    kinds = list(
        Asset.history.filter(id=asset_id).order_by("history_date").values_list("history_type", "history_user")
    )
    assert kinds == [("+", alice.pk), ("-", alice.pk)]
