"""Recording, changing and deleting a risk through the pages."""

from controls.models import Control
from risks.models import Risk
from tests.factories import RiskFactory


def _form(**overrides):
    data = {
        "title": "Ransomware encrypts the inference cluster",
        "category": "information_security",
        "owner": "",
        "threat": "Ransomware",
        "vulnerability": "Unpatched nodes",
        "affects_availability": "on",
        "inherent_likelihood": "4",
        "inherent_impact": "5",
        "treatment": "modify",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "status": "identified",
    }
    data.update(overrides)
    return data


def test_the_form_records_a_risk_with_assets_and_controls(
    client, acme, alice, acme_server, catalogues, password
):
    controls = list(Control.objects.filter(reference__in=["8.7", "A.6.2.8"]))
    client.login(username="alice", password=password)
    page = client.get("/o/acme/risks/new/").content.decode()
    assert 'id="risk-methodology"' in page and "Almost certain" in page
    response = client.post(
        "/o/acme/risks/new/",
        _form(owner=alice.pk, assets=[acme_server.pk], controls=[c.pk for c in controls]),
    )
    risk = Risk.objects.get()
    assert response["Location"] == f"/o/acme/risks/{risk.pk}/"
    assert (risk.reference, risk.inherent_level, risk.residual_level) == ("R-001", "critical", "medium")
    assert risk.asset_links.get().asset == acme_server and risk.control_links.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "ISO27001:8.7" in detail and "ISO42001:A.6.2.8" in detail and "AST-0001" in detail


def test_the_form_shows_the_services_errors_on_their_fields(client, acme, alice, password):
    client.login(username="alice", password=password)
    response = client.post(
        "/o/acme/risks/new/",
        _form(owner=alice.pk, category="both", threat="", residual_likelihood="5", residual_impact="5"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"threat", "ai_harm_area", "residual_rationale"}
    assert not Risk.objects.exists()


def test_editing_above_an_acceptance_warns_that_it_was_cleared(client, acme, alice, password):
    from risks import services

    risk = RiskFactory(organization=acme, owner=alice, inherent_likelihood=2, inherent_impact=2)
    services.risk_accept(risk=risk, actor=alice, justification="Small.")
    client.login(username="alice", password=password)
    edit = client.get(f"/o/acme/risks/{risk.pk}/edit/").content.decode()
    assert "withdraw the acceptance" in edit
    response = client.post(
        f"/o/acme/risks/{risk.pk}/edit/",
        _form(
            owner=alice.pk,
            inherent_likelihood="3",
            inherent_impact="3",
            residual_likelihood="",
            residual_impact="",
            status="accepted",
        ),
        follow=True,
    )
    assert "the acceptance was cleared" in response.content.decode()
    assert not Risk.objects.get().is_accepted


def test_deleting_asks_first(client, acme, alice, password):
    risk = RiskFactory(organization=acme, owner=alice)
    client.login(username="alice", password=password)
    assert "usually <em>closed</em>" in client.get(f"/o/acme/risks/{risk.pk}/delete/").content.decode()
    assert client.post(f"/o/acme/risks/{risk.pk}/delete/")["Location"] == "/o/acme/risks/"
    assert not Risk.objects.exists()


def test_reviewing_moves_the_next_review(client, acme, alice, password):
    import datetime

    from django.utils import timezone

    risk = RiskFactory(organization=acme, owner=alice, next_review_date=datetime.date(2020, 1, 1))
    client.login(username="alice", password=password)
    client.post(f"/o/acme/risks/{risk.pk}/review/", {"note": "All fine"})
    risk.refresh_from_db()
    assert risk.last_reviewed_on == timezone.localdate()
    assert risk.next_review_date == timezone.localdate() + datetime.timedelta(days=180)
