"""Editing the SoA in the browser: a row in place (htmx), many rows at once, and a
decision applied across the crosswalk after a confirmation."""

import pytest
from django.urls import reverse

from core.history import history_for
from soa.models import SoAEntry

from .conftest import entry

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _edit(pk):
    return reverse("soa:edit", args=["acme", pk])


def _form(**values):
    data = {
        "applicable": "",
        "exclusion_justification": "",
        "status": "not_started",
        "target_date": "",
        "owner": "",
        "implementation_notes": "",
        "evidence_location": "",
        "reason_legal_regulatory": "",
        "reason_contractual": "",
        "reason_business_good_practice": "",
    }
    data.update(values)
    return data


def test_the_row_swaps_to_its_form_and_back_without_a_page(client, acme, alice):
    row = entry(acme, "8.24")
    client.force_login(alice)
    form = client.get(_edit(row.pk), **HTMX)
    html = form.content.decode()
    assert form.status_code == 200
    assert "<html" not in html
    assert 'data-testid="soa-row-form"' in html and f'id="soa-row-{row.pk}"' in html
    SoAEntry.objects.filter(pk=row.pk).update(applicable=True)
    html = client.get(_edit(row.pk), **HTMX).content.decode()
    assert '<option value="true" selected>Applicable</option>' in html
    back = client.get(reverse("soa:row", args=["acme", row.pk]), **HTMX).content.decode()
    assert 'data-testid="soa-row"' in back and "<html" not in back


def test_an_inline_save_answers_the_row_and_keeps_history(client, acme, alice):
    row = entry(acme, "8.24")
    client.force_login(alice)
    response = client.post(
        _edit(row.pk),
        _form(
            applicable="true",
            status="partial",
            owner=str(alice.pk),
            reason_legal_regulatory="GDPR art. 32 asks for encryption.",
        ),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="soa-row"' in html and "Partially implemented" in html
    row.refresh_from_db()
    assert (row.applicable, row.status, row.owner) == (True, "partial", alice)
    assert [r.kind for r in row.reasons.all()] == ["legal_regulatory"]
    entries = history_for(row)
    assert entries and "Alice" in entries[0].who


def test_an_inline_error_stays_in_the_row(client, acme, alice):
    row = entry(acme, "7.4")
    client.force_login(alice)
    response = client.post(_edit(row.pk), _form(applicable="false"), **HTMX)
    html = response.content.decode()
    assert 'data-testid="soa-row-form"' in html
    assert "Say why the control is excluded." in html
    row.refresh_from_db()
    assert row.applicable is None


def test_without_htmx_the_form_is_a_page_and_saving_goes_back_to_the_table(client, acme, alice):
    row = entry(acme, "5.1")
    client.force_login(alice)
    page = client.get(_edit(row.pk))
    assert "<html" in page.content.decode()
    response = client.post(
        _edit(row.pk), _form(applicable="true", reason_contractual="Customers require a policy.")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#soa-row-{row.pk}")


def test_viewers_cannot_open_or_post_the_form(client, acme, bob):
    row = entry(acme, "5.1")
    client.force_login(bob)
    assert client.get(_edit(row.pk), **HTMX).status_code == 403
    assert client.post(_edit(row.pk), _form(applicable="true"), **HTMX).status_code == 403


def test_a_contributor_edits_own_rows_only(client, acme, carol):
    mine, other = entry(acme, "5.9"), entry(acme, "5.10")
    SoAEntry.objects.filter(pk=mine.pk).update(owner=carol)
    client.force_login(carol)
    assert client.get(_edit(other.pk), **HTMX).status_code == 403
    response = client.post(
        _edit(mine.pk),
        _form(
            applicable="true",
            status="planned",
            owner=str(carol.pk),
            reason_contractual="Asset inventory required by clients.",
        ),
        **HTMX,
    )
    assert 'data-testid="soa-row"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "planned"
    refused = client.post(_edit(other.pk), _form(applicable="true"), **HTMX)
    assert refused.status_code == 403


def test_bulk_edit_changes_every_selected_row(client, acme, alice):
    rows = [entry(acme, r) for r in ("6.1", "6.2", "6.3")]
    client.force_login(alice)
    response = client.post(
        reverse("soa:bulk_edit", args=["acme"]),
        {
            "rows": [r.pk for r in rows],
            "status": "planned",
            "owner": str(alice.pk),
            "next": "/o/acme/soa/?theme=6",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/o/acme/soa/?theme=6"
    for row in rows:
        row.refresh_from_db()
        assert (row.status, row.owner) == ("planned", alice)


def test_bulk_exclusion_without_justification_changes_nothing_and_names_each_row(client, acme, alice):
    rows = [entry(acme, r) for r in ("7.1", "7.2")]
    client.force_login(alice)
    response = client.post(
        reverse("soa:bulk_edit", args=["acme"]),
        {"rows": [r.pk for r in rows], "applicable": "false", "status": "planned"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="bulk-row-error"') == 2
    assert "Say why the control is excluded." in html
    assert 'data-testid="bulk-failing"' in html
    assert not SoAEntry.objects.filter(pk__in=[r.pk for r in rows], status="planned").exists()


def test_bulk_edit_by_a_contributor_fails_whole_on_a_row_they_do_not_own(client, acme, carol):
    mine, other = entry(acme, "8.1"), entry(acme, "8.2")
    SoAEntry.objects.filter(pk=mine.pk).update(owner=carol)
    client.force_login(carol)
    response = client.post(
        reverse("soa:bulk_edit", args=["acme"]), {"rows": [mine.pk, other.pk], "status": "implemented"}
    )
    html = response.content.decode()
    assert "You can change only the SoA rows you own." in html
    assert not SoAEntry.objects.filter(pk__in=[mine.pk, other.pk], status="implemented").exists()


def test_apply_to_mapped_lists_exactly_what_changes_then_applies(client, acme, alice):
    source = entry(acme, "A.2.2")
    client.force_login(alice)
    client.post(
        _edit(source.pk),
        _form(applicable="true", status="implemented", reason_business_good_practice="One policy set."),
        **HTMX,
    )
    url = reverse("soa:apply_to_mapped", args=["acme", source.pk])
    preview = client.get(url)
    changes = preview.context["changes"]
    references = sorted(c.entry.control.reference for c in changes)
    assert references and "5.1" in references
    html = preview.content.decode()
    assert 'data-testid="confirm-apply"' in html
    assert "Implemented" in html and "Not started" in html
    assert entry(acme, "5.1").applicable is None  # the preview writes nothing
    response = client.post(url)
    assert response.status_code == 302
    for reference in references:
        row = entry(acme, reference)
        assert (row.applicable, row.status) == (True, "implemented")
    assert client.get(url).context["changes"] == []


def test_apply_to_mapped_of_an_undecided_row_says_why_not(client, acme, alice):
    source = entry(acme, "A.2.2")
    client.force_login(alice)
    html = client.get(reverse("soa:apply_to_mapped", args=["acme", source.pk])).content.decode()
    assert 'data-testid="apply-error"' in html and "Decide this row" in html
    assert 'data-testid="confirm-apply"' not in html


def test_the_row_history_page_lists_the_change(client, acme, alice):
    row = entry(acme, "5.1")
    client.force_login(alice)
    client.post(
        _edit(row.pk), _form(applicable="false", exclusion_justification="Group policy covers it."), **HTMX
    )
    html = client.get(reverse("soa:history", args=["acme", row.pk])).content.decode()
    assert "Group policy covers it." in html
