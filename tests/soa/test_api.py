from soa.models import SoAEntry, SoAReason
from tests.factories import AISystemFactory

from .conftest import decide_all, entry, risk_treated_by

BASE = "/api/v1/organizations/acme"


def test_the_list_holds_both_standards_in_catalogue_order_paginated(api_as, alice):
    api = api_as(alice)
    first = api.get(f"{BASE}/soa/").json()
    assert first["count"] == 131 and len(first["results"]) == 50
    row = first["results"][0]
    assert row["control"]["framework"] == "iso27001-2022" and row["control"]["reference"] == "5.1"
    assert set(row) >= {
        "id",
        "control",
        "applicable",
        "reasons",
        "exclusion_justification",
        "status",
        "target_date",
        "owner",
        "implementation_notes",
        "problems",
    }
    assert row["applicable"] is None and row["reasons"] == [] and row["problems"] == []
    last = api.get(f"{BASE}/soa/", {"page": 3}).json()["results"]
    assert last[-1]["control"]["reference"] == "A.10.4"


def test_the_list_filters_searches_and_orders(api_as, acme, alice, olivia):
    api = api_as(alice)
    risk_treated_by(acme, alice, "8.13")
    SoAEntry.objects.filter(pk=entry(acme, "8.13").pk).update(
        applicable=True, status="implemented", owner=olivia
    )
    SoAEntry.objects.filter(pk=entry(acme, "A.5.2").pk).update(
        applicable=False, exclusion_justification="No AI."
    )
    SoAReason.objects.create(
        organization=acme, entry=entry(acme, "5.31"), kind="legal_regulatory", note="GDPR applies."
    )
    AISystemFactory(organization=acme, owner=alice)

    def refs(**params):
        body = api.get(f"{BASE}/soa/", {"page_size": 500, **params}).json()
        return [r["control"]["reference"] for r in body["results"]]

    assert len(refs(framework="iso42001-2023")) == 38
    assert len(refs(theme="7")) == 14
    assert refs(applicable="true") == ["8.13"]
    assert refs(applicable="false") == ["A.5.2"]
    assert len(refs(applicable="undecided")) == 129
    assert refs(status="implemented") == ["8.13"]
    assert refs(owner=olivia.pk) == ["8.13"]
    assert refs(reason="risk_treatment") == ["8.13"]
    assert refs(reason="legal_regulatory") == ["5.31"]
    assert refs(has_problem="true") == ["A.5.2"]
    assert len(refs(has_problem="false")) == 130
    assert refs(search="backup") == ["8.13"]
    assert refs(ordering="-status")[0] == "8.13"
    assert refs(ordering="-reference")[0] == "A.10.4"
    assert api.get(f"{BASE}/soa/", {"applicable": "maybe"}).status_code == 400


def test_a_row_reads_its_derived_reason_and_its_problems(api_as, acme, alice):
    risk = risk_treated_by(acme, alice, "8.13")
    row = entry(acme, "8.13")
    SoAEntry.objects.filter(pk=row.pk).update(applicable=False, exclusion_justification="No backups here.")
    body = api_as(alice).get(f"{BASE}/soa/{row.pk}/").json()
    assert body["reasons"] == [
        {
            "kind": "risk_treatment",
            "note": "Treats 1 risk of the register",
            "risk_count": 1,
            "risks_url": f"http://testserver{BASE}/risks/?control=ISO27001%3A8.13&status=open",
        }
    ]
    treating = api_as(alice).get(body["reasons"][0]["risks_url"]).json()
    assert [r["reference"] for r in treating["results"]] == [risk.reference]
    assert [p["code"] for p in body["problems"]] == ["treats_risk_but_excluded"]


def test_patch_decides_a_row_with_its_reasons_and_keeps_history(api_as, acme, alice, olivia):
    row = entry(acme, "5.31")
    response = api_as(alice).patch(
        f"{BASE}/soa/{row.pk}/",
        {
            "applicable": True,
            "status": "planned",
            "target_date": "2027-03-31",
            "owner": "olivia",
            "implementation_notes": "Register of obligations kept by legal.",
            "evidence_location": "DMS://legal/obligations",
            "reasons": [
                {"kind": "legal_regulatory", "note": "GDPR, NIS2."},
                {"kind": "contractual", "note": "Customer DPAs."},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["applicable"] is True and body["status"] == "planned" and body["target_date"] == "2027-03-31"
    assert body["owner"] == "olivia" and body["owner_name"] == "Olivia Ortiz"
    assert [r["kind"] for r in body["reasons"]] == ["contractual", "legal_regulatory"]
    history = api_as(alice).get(f"{BASE}/soa/{row.pk}/history/").json()["results"]  # paginated
    assert history[0]["who"] == "Alice Archer"
    assert {c["field"] for c in history[0]["changes"]} >= {"applicable", "status", "owner"}


def test_patch_refuses_a_typed_risk_treatment_and_an_unjustified_exclusion(api_as, acme, alice):
    api = api_as(alice)
    row = entry(acme, "8.13")
    typed = api.patch(f"{BASE}/soa/{row.pk}/", {"reasons": [{"kind": "risk_treatment", "note": "R-001"}]})
    assert typed.status_code == 400 and "risk register" in str(typed.json()["reasons"])
    excluded = api.patch(f"{BASE}/soa/{row.pk}/", {"applicable": False})
    assert excluded.status_code == 400 and "exclusion_justification" in excluded.json()
    assert SoAEntry.objects.get(pk=row.pk).applicable is None
    stranger = api.patch(f"{BASE}/soa/{row.pk}/", {"owner": "charlie"})
    assert stranger.status_code == 400 and "owner" in stranger.json()


def test_rows_are_neither_created_nor_deleted_nor_replaced(api_as, acme, alice):
    api = api_as(alice)
    row = entry(acme, "5.1")
    assert api.post(f"{BASE}/soa/", {"control": row.control_id}).status_code == 405
    assert api.delete(f"{BASE}/soa/{row.pk}/").status_code == 405
    assert api.put(f"{BASE}/soa/{row.pk}/", {"applicable": True}).status_code == 405
    assert SoAEntry.objects.filter(organization=acme).count() == 131


def test_bulk_update_changes_every_row_or_none_with_errors_per_row(api_as, acme, alice):
    api = api_as(alice)
    a, b, c = entry(acme, "7.1"), entry(acme, "7.2"), entry(acme, "7.3")
    bad = api.post(
        f"{BASE}/soa/bulk-update/",
        {
            "rows": [
                {"id": a.pk, "applicable": True, "status": "implemented"},
                {"id": b.pk, "applicable": False},
                {"id": c.pk, "status": "finished"},
                {"id": 999999, "status": "planned"},
            ]
        },
    )
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert set(errors) == {str(c.pk)}  # field-level errors are found first
    assert "status" in errors[str(c.pk)]
    bad = api.post(
        f"{BASE}/soa/bulk-update/",
        {"rows": [{"id": a.pk, "applicable": True}, {"id": b.pk, "applicable": False}, {"id": 999999}]},
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {str(b.pk), "999999"}
    assert "exclusion_justification" in bad.json()["errors"][str(b.pk)]
    assert SoAEntry.objects.get(pk=a.pk).applicable is None  # nothing was written

    good = api.post(
        f"{BASE}/soa/bulk-update/",
        {
            "rows": [
                {"id": a.pk, "applicable": True, "owner": "alice"},
                {"id": b.pk, "applicable": False, "exclusion_justification": "No premises of our own."},
            ],
            "reason": "Physical controls decided in the March review",
        },
    )
    assert good.status_code == 200, good.json()
    assert [r["control"]["reference"] for r in good.json()] == ["7.1", "7.2"]
    assert SoAEntry.objects.get(pk=b.pk).applicable is False
    assert SoAEntry.objects.get(pk=a.pk).history.first().history_change_reason == (
        "Physical controls decided in the March review"
    )


def test_apply_to_mapped_lists_exactly_what_changes_and_writes_only_when_asked(api_as, acme, alice):
    api = api_as(alice)
    source = entry(acme, "A.10.3")
    api.patch(
        f"{BASE}/soa/{source.pk}/",
        {
            "applicable": True,
            "status": "partial",
            "reasons": [{"kind": "contractual", "note": "Vendor terms."}],
        },
    )
    SoAEntry.objects.filter(pk=entry(acme, "5.22").pk).update(applicable=True, status="partial")
    SoAReason.objects.create(
        organization=acme, entry=entry(acme, "5.22"), kind="contractual", note="Vendor terms."
    )

    preview = api.post(f"{BASE}/soa/{source.pk}/apply-to-mapped/", {"dry_run": True})
    assert preview.status_code == 200, preview.json()
    changed = {c["control"]["reference"]: c for c in preview.json()["changed"]}
    assert set(changed) == {"5.19", "5.20", "5.21", "5.23"}  # 5.22 is already in step
    assert {c["field"]: (c["old"], c["new"]) for c in changed["5.19"]["changes"]} == {
        "applicable": ("Undecided", "Applicable"),
        "reasons": ("—", "Contractual obligation: Vendor terms."),
        "status": ("Not started", "Partially implemented"),
    }
    assert SoAEntry.objects.get(pk=entry(acme, "5.19").pk).applicable is None

    applied = api.post(f"{BASE}/soa/{source.pk}/apply-to-mapped/", {})
    assert applied.json() == {"dry_run": False, "changed": preview.json()["changed"]}
    for reference in ("5.19", "5.20", "5.21", "5.23"):
        row = entry(acme, reference)
        assert (row.applicable, row.status) == (True, "partial")
        assert list(row.reasons.values_list("kind", "note")) == [("contractual", "Vendor terms.")]
    assert api.post(f"{BASE}/soa/{source.pk}/apply-to-mapped/", {}).json()["changed"] == []


def test_apply_to_mapped_carries_an_exclusions_justification(api_as, acme, alice):
    api = api_as(alice)
    source = entry(acme, "5.9")
    api.patch(f"{BASE}/soa/{source.pk}/", {"applicable": False, "exclusion_justification": "Test only."})
    api.post(f"{BASE}/soa/{source.pk}/apply-to-mapped/", {})
    counterpart = entry(acme, "A.4.2")
    assert (counterpart.applicable, counterpart.exclusion_justification) == (False, "Test only.")


def test_problems_list_every_check_with_its_rows(api_as, acme, alice):
    SoAEntry.objects.filter(pk=entry(acme, "5.1").pk).update(applicable=True)
    body = api_as(alice).get(f"{BASE}/soa/problems/").json()
    assert body["count"] == 1
    checks = {c["code"]: c for c in body["checks"]}
    assert len(checks) == 5
    assert checks["applicable_without_reason"]["count"] == 1
    assert checks["applicable_without_reason"]["rows"][0]["control"]["reference"] == "5.1"
    assert checks["treats_risk_but_excluded"]["rows"] == []


def test_versions_approve_list_read_and_compare(api_as, acme, alice):
    api = api_as(alice)
    blocked = api.post(f"{BASE}/soa-versions/", {"change_summary": "First"})
    assert blocked.status_code == 400
    assert len(blocked.json()["blocking_rows"]) == 131
    assert blocked.json()["blocking_rows"][0]["reasons"] == [
        "Not decided: say whether the control is applicable."
    ]

    decide_all(acme, alice)
    first = api.post(f"{BASE}/soa-versions/", {"change_summary": "First"})
    assert first.status_code == 201, first.json()
    assert first.json()["number"] == 1 and len(first.json()["rows"]) == 131
    assert first.json()["approved_by"] == "Alice Archer"
    row = entry(acme, "5.1")
    api.patch(f"{BASE}/soa/{row.pk}/", {"status": "implemented"})
    second = api.post(f"{BASE}/soa-versions/", {"change_summary": "Policies done"}).json()
    assert second["number"] == 2 and second["supersedes"] == 1

    listed = api.get(f"{BASE}/soa-versions/").json()
    assert [v["number"] for v in listed["results"]] == [2, 1]
    assert listed["results"][1]["superseded_by"] == 2
    detail = api.get(f"{BASE}/soa-versions/1/").json()
    assert detail["rows"][0]["reference"] == "5.1" and detail["rows"][0]["status"] == "not_started"
    assert detail["rows_sha256"] == first.json()["rows_sha256"]

    diff = api.get(f"{BASE}/soa-versions/2/diff/", {"against": 1}).json()
    assert diff["older"] == 1 and diff["newer"] == 2 and diff["changed_count"] == 1
    assert diff["rows"][0]["changes"] == [
        {"field": "status", "label": "Implementation status", "old": "Not started", "new": "Implemented"}
    ]
    assert api.get(f"{BASE}/soa-versions/2/diff/").status_code == 400
    assert api.get(f"{BASE}/soa-versions/2/diff/", {"against": 9}).status_code == 404
    assert api.get(f"{BASE}/soa-versions/9/").status_code == 404
    assert api.post(f"{BASE}/soa-versions/", {}).status_code == 400


def test_the_gap_analysis_endpoint(api_as, acme, alice):
    body = api_as(alice).get(f"{BASE}/gap-analysis/").json()
    assert body["total"] == 38 and len(body["rows"]) == 38
    assert [t["verdict"] for t in body["totals"]] == ["covered", "partly_covered", "new_work"]
    assert body["totals"][2] == {"verdict": "new_work", "label": "New work", "count": 38, "percent": 100.0}
    assert "Covered" in body["method"]
    policy = next(r for r in body["rows"] if r["reference"] == "A.2.2")
    assert policy["basis"][0]["reference"] == "5.1" and policy["basis"][0]["relation"] == "partial"


def test_an_undecided_row_has_no_decision_to_apply(api_as, acme, alice):
    SoAEntry.objects.filter(pk=entry(acme, "5.19").pk).update(applicable=True, status="implemented")
    response = api_as(alice).post(
        f"{BASE}/soa/{entry(acme, 'A.10.3').pk}/apply-to-mapped/", {"dry_run": True}
    )
    assert response.status_code == 400 and "applicable" in response.json()
    assert entry(acme, "5.19").applicable is True
