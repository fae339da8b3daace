"""The gap analysis page: figures from the organization's own data, the method, exports."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from soa.gap_analysis import METHOD
from soa.models import SoAEntry

from .conftest import ISO27001, entry

pytestmark = pytest.mark.django_db


def _url(suffix=""):
    return reverse("soa:gap_analysis", args=["acme"]) + suffix


def test_nothing_decided_means_every_42001_control_is_new_work(client, acme, alice):
    client.force_login(alice)
    response = client.get(_url())
    totals = {t.verdict: (t.count, t.percent) for t in response.context["analysis"].totals}
    assert totals == {"covered": (0, 0.0), "partly_covered": (0, 0.0), "new_work": (38, 100.0)}
    html = response.content.decode()
    assert html.count('data-testid="gap-row"') == 38
    assert escape(METHOD).splitlines()[0] in html


def test_implemented_27001_controls_cover_what_the_crosswalk_links(client, acme, alice):
    SoAEntry.objects.filter(organization=acme, control__framework__code=ISO27001).update(
        applicable=True, status="implemented"
    )
    client.force_login(alice)
    response = client.get(_url())
    analysis = response.context["analysis"]
    counts = {t.verdict: t.count for t in analysis.totals}
    assert sum(counts.values()) == 38
    assert counts["covered"] + counts["partly_covered"] > 0
    ai_specific = [r for r in analysis.rows if r.ai_specific]
    assert ai_specific and all(r.verdict == "new_work" for r in ai_specific)
    html = response.content.decode()
    for total in analysis.totals:
        assert f"{total.percent:.1f}%" in html
    only_new = client.get(_url("?verdict=new_work"))
    assert len(only_new.context["rows"]) == counts["new_work"]


def test_the_gap_analysis_exports_as_xlsx_and_csv(client, acme, alice):
    row = entry(acme, "5.1")
    SoAEntry.objects.filter(pk=row.pk).update(applicable=True, status="implemented")
    client.force_login(alice)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("soa:gap_export", args=["acme"]) + "?format=xlsx").content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    header = rows[0]
    data = [r for r in rows[1:] if r[0]]
    assert len(data) == 38
    by_ref = {r[0]: r for r in data}
    assert "5.1" in by_ref["A.2.2"][header.index("ISO/IEC 27001 controls behind it")]
    analysis = client.get(_url()).context["analysis"]
    expected = {r.control.reference: r.verdict for r in analysis.rows}
    assert {ref: r[header.index("Verdict")] for ref, r in by_ref.items()} == expected
    csv = client.get(reverse("soa:gap_export", args=["acme"]) + "?format=csv")
    assert csv["Content-Disposition"].startswith('attachment; filename="acme-gap-analysis-')


def test_the_dashboard_shows_soa_progress_and_42001_coverage(client, acme, alice):
    SoAEntry.objects.filter(organization=acme, control__framework__code=ISO27001).update(
        applicable=True, status="implemented"
    )
    client.force_login(alice)
    response = client.get(reverse("portal:overview", args=["acme"]))
    html = response.content.decode()
    assert 'data-testid="soa-overview"' in html
    progress = {p.code: p for p in response.context["soa_progress"]}
    assert (progress[ISO27001].decided, progress[ISO27001].implemented) == (93, 93)
    covered = next(t for t in response.context["soa_gap"].totals if t.verdict == "covered")
    assert f'data-testid="overview-covered-percent">{covered.percent:.0f}%' in html
    assert reverse("soa:gap_analysis", args=["acme"]) in html and reverse("soa:list", args=["acme"]) in html
