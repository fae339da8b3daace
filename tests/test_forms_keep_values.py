"""A failed submit keeps every value typed or chosen, pickers included, and says what is wrong
at the top of the form, each problem a link to its field (issue 13, defect 6)."""

import re

import pytest
from django.urls import reverse

from controls.models import Control
from tests.factories import AISystemFactory, AssetFactory

pytestmark = pytest.mark.usefixtures("catalogues")


def _summary_links(page: str) -> list[str]:
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    assert summary, "no error summary at the top of the form"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def _chosen(page: str, name: str) -> set[str]:
    chips = re.search(rf'data-testid="chosen-{name}">(.*?)</div>', page, re.S).group(1)
    return set(re.findall(rf'name="{name}" value="(\d+)"', chips))


def test_a_bad_asset_submit_keeps_what_was_typed(client, acme, alice):
    client.force_login(alice)
    answer = client.post(
        reverse("assets:create", args=[acme.slug]),
        {
            "name": "Payroll database",
            "description": "Salaries of every employee.",
            "kind": "information",
            "owner": alice.pk,
            "classification": "confidential",
            "confidentiality": "9",  # out of range
            "integrity": "4",
            "availability": "2",
            "location": "Frankfurt DC",
            "tags": "hr, payroll",
            "lifecycle_status": "in_use",
        },
    )
    page = answer.content.decode()

    assert answer.status_code in (200, 400)
    assert "id_confidentiality" in _summary_links(page)
    assert 'value="Payroll database"' in page
    assert "Salaries of every employee.</textarea>" in page
    assert 'value="Frankfurt DC"' in page
    assert re.search(r'<option value="confidential"[^>]*selected', page)
    assert re.search(r'<option value="4"[^>]*selected', page)
    assert "hr, payroll" in page


def test_a_bad_risk_submit_keeps_what_was_typed_and_the_picker_choices(client, acme, alice):
    server = AssetFactory(organization=acme, owner=alice, identifier="AST-0001")
    ai = AISystemFactory(organization=acme, owner=alice, identifier="AST-0002")
    controls = [Control.objects.get(framework__code="iso27001-2022", reference=r) for r in ("5.9", "8.28")]
    client.force_login(alice)

    answer = client.post(
        reverse("risks:create", args=[acme.slug]),
        {
            "title": "Ransomware on the claims servers",
            "description": "Encrypts the servers the claims assistant runs on.",
            "category": "information_security",
            "owner": alice.pk,
            "threat": "",  # required for an information security risk
            "vulnerability": "Unpatched hypervisor",
            "affects_availability": "on",
            "inherent_likelihood": "3",
            "inherent_impact": "4",
            "treatment": "modify",
            "treatment_plan": "Patch monthly.",
            "status": "assessed",
            "assets": [server.pk, ai.pk],
            "controls": [c.pk for c in controls],
        },
    )
    page = answer.content.decode()

    assert answer.status_code in (200, 400)
    assert "id_threat" in _summary_links(page)
    assert 'value="Ransomware on the claims servers"' in page
    assert 'value="Unpatched hypervisor"' in page
    assert "Patch monthly.</textarea>" in page
    assert _chosen(page, "assets") == {str(server.pk), str(ai.pk)}
    assert _chosen(page, "controls") == {str(c.pk) for c in controls}
    assert re.search(r'name="affects_availability"[^>]*checked', page)


def test_a_bad_impact_assessment_submit_keeps_what_was_typed(client, acme, alice):
    ai = AISystemFactory(organization=acme, owner=alice, identifier="AST-0002")
    client.force_login(alice)

    answer = client.post(
        reverse("risks:assessment_create", args=[acme.slug]),
        {"ai_system": ai.pk, "owner": "", "scope": "Triage of incoming claims.", "summary": "Draft."},
    )
    page = answer.content.decode()

    assert answer.status_code in (200, 400)
    assert "id_owner" in _summary_links(page)
    assert re.search(rf'<option value="{ai.pk}"[^>]*selected', page)
    assert "Triage of incoming claims.</textarea>" in page
    assert "Draft.</textarea>" in page
