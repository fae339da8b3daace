"""Labels and formats read one way everywhere (issue 13, defect 7): one date format, date
inputs that keep their value and say how dates are written, impacts as "likelihood times
severity", one success banner after a sign-off, a breadcrumb on risk history."""

import datetime
import re
from pathlib import Path

import pytest
from django.db.models import DateField, DateTimeField
from django.urls import reverse
from django.utils import timezone

from audits.models import ManagementReview
from core.history import _display, history_for
from risks import services
from soa.models import SoAEntry
from soa.services import soa_entry_update
from tests.factories import AISystemFactory, RiskFactory

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_writes_an_iso_date_for_people_to_read():
    # ISO dates stay in machine attributes (datetime="…", value="…"), never in visible text.
    raw = re.compile(r'(?<!datetime=")(?<!value=")\{\{[^}]*\|date:["\'](c|Y-m-d[^"\']*)["\'][^}]*\}\}')
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in raw.finditer(path.read_text())
    ]
    offenders += [
        f"{path.relative_to(ROOT)}: .isoformat"
        for path in (ROOT / "templates").rglob("*.html")
        if ".isoformat" in path.read_text()
    ]
    assert offenders == []


def test_dates_are_written_one_way(settings):
    from django.utils import formats

    day = datetime.date(2027, 5, 30)
    assert formats.date_format(day) == "30 May 2027"
    assert formats.date_format(day, "SHORT_DATE_FORMAT") == "30 May 2027"
    moment = datetime.datetime(2027, 5, 30, 14, 5)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "30 May 2027, 14:05"


@pytest.mark.usefixtures("catalogues")
def test_a_date_input_keeps_its_date_and_says_how_dates_are_written(client, acme, alice):
    entry = SoAEntry.objects.filter(organization=acme).first()
    SoAEntry.objects.filter(pk=entry.pk).update(target_date=datetime.date(2027, 5, 30))
    client.force_login(alice)

    page = client.get(reverse("soa:edit", args=[acme.slug, entry.pk])).content.decode()

    assert re.search(r'type="date"[^>]*value="2027-05-30"|value="2027-05-30"[^>]*type="date"', page)
    assert "the portal writes dates as" in page


def test_an_impact_reads_likelihood_times_severity(client, acme, alice):
    ai = AISystemFactory(organization=acme, owner=alice)
    assessment = services.impact_assessment_create(
        organization=acme, actor=alice, ai_system=ai, values={"owner": alice, "scope": "Claims triage."}
    )
    services.impact_item_create(
        assessment=assessment,
        actor=alice,
        values={
            "area": "privacy",
            "affected_party": "individuals",
            "description": "Health details reach a vendor.",
            "severity": 4,
            "likelihood": 3,
        },
    )
    client.force_login(alice)

    page = client.get(reverse("risks:assessment_detail", args=[acme.slug, assessment.pk])).content.decode()

    rating = re.search(r'data-testid="impact-rating"><span>([^<]*)</span>', page).group(1)
    assert rating == "3 \N{MULTIPLICATION SIGN} 4"


def test_signing_off_shows_one_success_banner(client, acme, alice):
    ai = AISystemFactory(organization=acme, owner=alice)
    assessment = services.impact_assessment_create(
        organization=acme,
        actor=alice,
        ai_system=ai,
        values={"owner": alice, "scope": "Claims triage.", "summary": "Acceptable."},
    )
    client.force_login(alice)

    answer = client.post(
        reverse("risks:assessment_sign_off", args=[acme.slug, assessment.pk]), {"note": "OK"}, follow=True
    )

    page = answer.content.decode()
    assert 'data-testid="frozen"' in page
    assert page.count("alert-success") == 1


def test_risk_history_has_the_breadcrumb_asset_history_has(client, acme, alice):
    risk = RiskFactory(organization=acme, owner=alice, title="Ransomware")
    client.force_login(alice)

    page = client.get(reverse("risks:history", args=[acme.slug, risk.pk])).content.decode()

    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', page, re.S).group(1)
    assert reverse("risks:list", args=[acme.slug]) in crumbs
    assert reverse("risks:detail", args=[acme.slug, risk.pk]) in crumbs
    assert risk.reference in crumbs and "History" in crumbs


@pytest.mark.usefixtures("catalogues")
def test_history_writes_dates_and_moments_as_the_pages_do(acme, alice):
    """A changed date and a changed moment read "30 May 2027" and "30 May 2027, 14:05" in a
    record's history, as everywhere else, not as ISO text built in Python."""

    assert _display(DateField(), datetime.date(2027, 5, 30), {}) == "30 May 2027"
    moment = timezone.make_aware(datetime.datetime(2027, 5, 30, 14, 5))
    assert _display(DateTimeField(), moment, {}) == "30 May 2027, 14:05"

    entry = SoAEntry.objects.filter(organization=acme).first()
    day = datetime.date(2027, 5, 30)
    soa_entry_update(entry=entry, actor=alice, values={"applicable": True, "target_date": day})

    changes = [change for event in history_for(entry) for change in event.changes]
    assert any(change.new == "30 May 2027" for change in changes), changes


def test_a_management_review_is_named_with_its_date_as_people_write_it(acme):
    review = ManagementReview(organization=acme, number=3, date=datetime.date(2027, 5, 30))
    assert str(review) == "Management review 3 of 30 May 2027"
