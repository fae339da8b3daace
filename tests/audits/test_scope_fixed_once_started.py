"""Once an audit has started its scope (frameworks, themes) and the SoA version audited
are fixed: a change is refused naming the field, the same values sent back are no change."""

import pytest
from django.core.exceptions import ValidationError

from audits import services
from controls.models import ControlGroup

from .conftest import ISO27001, ISO42001, approve_second, plan

BASE = "/api/v1/organizations/acme"


def test_the_soa_version_cannot_change_once_the_audit_has_started(acme, alice, audit):
    second = approve_second(acme, alice)
    with pytest.raises(ValidationError) as refused:
        services.audit_update(audit=audit, actor=alice, values={"soa_version": second})
    assert "soa_version" in refused.value.message_dict
    audit.refresh_from_db()
    assert audit.soa_version.number == 1


def test_the_api_refuses_a_new_soa_version_on_an_audit_in_progress(api_as, acme, alice, audit):
    approve_second(acme, alice)
    client = api_as(alice)
    response = client.patch(f"{BASE}/audits/{audit.pk}/", {"soa_version": 2}, format="json")
    assert response.status_code == 400
    assert "soa_version" in response.json()
    assert client.patch(f"{BASE}/audits/{audit.pk}/", {"soa_version": 1}, format="json").status_code == 200


def test_the_page_refuses_a_new_soa_version_on_an_audit_in_progress(client, acme, alice, audit):
    """The form shows the version disabled once started, so a posted one is ignored, never applied."""
    second = approve_second(acme, alice)
    client.force_login(alice)
    url = f"/o/acme/audits/{audit.pk}/edit/"
    data = {
        "title": audit.title,
        "type": audit.type,
        "planned_start": audit.planned_start.isoformat(),
        "planned_end": audit.planned_end.isoformat(),
        "lead_auditor": audit.lead_auditor_id,
        "team": [m.user_id for m in audit.team_members.all()],
        "soa_version": second.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.soa_version.number == 1


def test_sending_back_the_get_body_after_start_changes_nothing(api_as, acme, alice, version):
    audit = plan(acme, alice, frameworks=[ISO27001, ISO42001])
    themes = [
        ControlGroup.objects.get(framework__code=ISO27001, reference="6"),
        ControlGroup.objects.get(framework__code=ISO42001, reference="A.2"),
    ]
    services.audit_update(audit=audit, actor=alice, values={}, themes=themes)
    services.audit_start(audit=audit, actor=alice)
    client = api_as(alice)
    url = f"{BASE}/audits/{audit.pk}/"
    body = client.get(url).json()
    assert len(body["themes"]) == 2
    put = client.put(url, body, format="json")
    assert put.status_code == 200, put.content
    reordered = {"themes": body["themes"][::-1], "frameworks": body["frameworks"][::-1]}
    patch = client.patch(url, reordered, format="json")
    assert patch.status_code == 200, patch.content
    assert patch.json()["frameworks"] == [ISO27001, ISO42001]


def test_a_changed_scope_after_start_is_refused_naming_the_field(api_as, acme, alice, audit):
    client = api_as(alice)
    url = f"{BASE}/audits/{audit.pk}/"
    frameworks = client.patch(url, {"frameworks": [ISO27001]}, format="json")
    assert frameworks.status_code == 400 and "frameworks" in frameworks.json()
    themes = client.patch(url, {"themes": [f"{ISO27001}:6"]}, format="json")
    assert themes.status_code == 400 and "themes" in themes.json()
