"""The audit pack built in-process (one worker, parts rendered in turn) and read back with pypdf:
every section present with the organization's own controls, risks and assets and nothing of
another organization; the sections chosen in the order chosen; the table of contents' page numbers
are the sections' real first pages; the builder's queries do not grow with the rows."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from assets.models import Asset
from audits.pack import build
from audits.pack.requests import audit_pack_request
from documents import registry
from documents.models import GeneratedDocument
from risks.models import Risk
from tests.factories import AssetFactory, RiskFactory

from .pack_world import acme_world, globex_world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(acme, alice, audrey, carol, globex, charlie):
    data = acme_world(acme, alice, audrey, carol)
    data["globex_audit"] = globex_world(globex, charlie)
    return data


def _request(acme, alice, audit, sections=None) -> GeneratedDocument:
    return audit_pack_request(organization=acme, actor=alice, audit=audit, sections=sections)


def built(document: GeneratedDocument) -> bytes:
    """The pack as one worker builds it: the plan's parts rendered in turn, then assembled."""
    return registry.kind_get(build.KIND).parts.build_here(document)


def pages_text(content: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages]


def test_every_section_with_acme_data_and_nothing_of_globex(world, acme, alice):
    document = _request(acme, alice, world["audit"])
    content = built(document)
    text = " ".join(pages_text(content))
    for section in build.SECTIONS:
        assert section.title in text, section.code
    # The audit, its checklist and the audited SoA version's own control references.
    assert world["audit"].reference in text and "Combined ISMS and AIMS audit" in text
    assert "The ISMS scope is not documented." in text and "Write and approve the scope statement." in text
    assert "Scope approved." in text and "Effective" in text
    for reference in ("5.15", "8.7", "A.6.2.4", "A.2.2"):
        assert reference in text
    assert world["version"].rows_sha256 in text
    # The registers: risks with their treating controls, assets, the AI system and its assessment.
    for risk in world["risks"]:
        assert risk.title in text
    assert all(risk.reference in text for risk in world["risks"])
    for asset in world["assets"]:
        assert asset.name in text and asset.identifier in text
    assert "Ranks incoming claims for handlers." in text and "Acme Labs" in text
    assert "Claimants writing in a second language ranked lower." in text
    assert "Inherent risk" in text and "Residual risk" in text
    # Not a word of Globex.
    for other in ("Globex", "GLX-SRV-9", "orbital mainframe", "reactor meltdown", "secret audit"):
        assert other not in text
    # One contents line per section and per run of rows (SoA, risks, assets, AI systems).
    assert_contents_match_pages(document, content, 8 + 4)


def test_the_heat_maps_are_the_svg_of_the_risk_pages(world, acme, alice):
    from audits.pack import content

    scope = content.scope_of(world["audit"])
    context = content.risks_overview(scope)
    page_svg = render_to_string("partials/_heat_map.html", {"heat": context["inherent"]})
    assert 'data-testid="heat-map-inherent"' in page_svg
    html = render_to_string(
        "audits/pack/risks.html",
        {**context, "organization": acme, "audit": world["audit"], "section": build.SECTIONS[3]},
    )
    assert page_svg.strip() in html
    # Two open risks, counted in their cells.
    assert context["inherent"].total == 2 and context["residual"].total == 2


def test_sections_chosen_in_the_order_chosen(world, acme, alice):
    document = _request(acme, alice, world["audit"], sections=["findings", "scope"])
    assert document.parameters["sections"] == ["findings", "scope"]
    text = " ".join(pages_text(built(document)))
    findings = text.index("1. Findings and corrective actions")
    scope = text.index("2. Audit scope, objectives and team")
    assert findings < scope
    assert "Risk register" not in text and "Asset inventory" not in text and "Checklist results" not in text


def assert_contents_match_pages(document, content: bytes, expected_entries: int) -> None:
    """Each line of the contents names the page its section starts on; the footers number
    every page of the merged file."""
    pages = pages_text(content)
    toc_page = next(n for n, page in enumerate(pages) if "Contents" in page)
    toc = pages[toc_page].split("Contents", 1)[1]
    titles = [build._toc_title(document, part.key)[0] for part in build.plan(document)]
    assert len(titles) == expected_entries
    previous = toc_page + 1
    for title in titles:
        match = re.search(re.escape(title) + r" (\d+)", toc)
        assert match, (title, toc)
        page = int(match.group(1))
        assert page >= previous, (title, page)
        assert title.split(". ", 1)[-1] in pages[page - 1], (title, page)
        previous = page
    total = len(pages)
    assert all(f"Page {n} of {total}" in page for n, page in enumerate(pages, start=1))


def test_the_contents_page_numbers_are_the_sections_first_pages(world, acme, alice, settings):
    settings.AUDIT_PACK_ROWS_PER_PART = 1  # every risk and asset in a part of its own
    document = _request(acme, alice, world["audit"], sections=["risks", "assets", "findings"])
    content = built(document)
    # risks + 2 rows, assets + 2 rows + 1 AI system, findings
    assert_contents_match_pages(document, content, 3 + 2 + 2 + 1)
    outline = PdfReader(io.BytesIO(content)).outline
    assert [item.title for item in outline if not isinstance(item, list)] == [
        "1. Risk register",
        "2. Asset inventory and AI systems",
        "3. Findings and corrective actions",
    ]


def test_long_registers_split_into_parts_of_equal_cost(world, acme, alice, settings):
    settings.AUDIT_PACK_ROWS_PER_PART = 4  # asset rows; a risk row costs 1.3, an AI row 2, a SoA row 6
    for n in range(3):
        AssetFactory(organization=acme, owner=alice, name=f"Laptop {n}", identifier=f"ACME-LT-{n}")
        RiskFactory(organization=acme, owner=alice, title=f"Lost laptop {n}")
    keys = [part.key for part in build.plan(_request(acme, alice, world["audit"]))]
    assert keys == [
        "scope",
        "checklist",
        "soa",
        *[f"soa:{start}-{start + 1}" for start in range(131)],
        "risks",
        "risks:0-3",
        "risks:3-5",
        "assets",
        "assets:0-4",
        "assets:4-5",
        "ai:0-1",
        "impact",
        "gap",
        "findings",
    ]


def test_the_builder_reads_in_a_bounded_number_of_queries(world, acme, alice, monkeypatch):
    # The queries are the parts' reads and their templates' (WeasyPrint itself reads nothing).
    monkeypatch.setattr(
        build, "pdf_render", lambda template, context, **kw: render_to_string(template, context)
    )
    document = _request(acme, alice, world["audit"])

    def queries_per_part():
        counts = {}
        for part in build.plan(document):
            with CaptureQueriesContext(connection) as queries:
                build.render(document, part.key, part.rows)
            counts[part.key.split(":")[0]] = len(queries)
        return counts

    before = queries_per_part()
    for n in range(25):
        AssetFactory(organization=acme, owner=alice, name=f"Desktop {n}", identifier=f"ACME-DT-{n:02d}")
        RiskFactory(organization=acme, owner=alice, title=f"Stolen desktop {n}")
    after = queries_per_part()
    assert after == before
    assert max(after.values()) <= 12, after


def test_parameters_name_the_field_they_refuse(world, acme, alice):
    with pytest.raises(Http404):  # another organization's audit is no such audit: 404
        _request(acme, alice, world["globex_audit"].pk)
    with pytest.raises(ValidationError) as error:
        _request(acme, alice, world["audit"], sections=["scope", "appendix"])
    assert "appendix" in error.value.message_dict["sections"][0]
    assert (
        "scope, checklist, soa, risks, assets, impact, gap, findings"
        in error.value.message_dict["sections"][0]
    )
    with pytest.raises(ValidationError) as error:
        _request(acme, alice, "AUD-1")
    assert "audit" in error.value.message_dict
    document = _request(acme, alice, world["audit"])
    assert document.parameters == {"audit": world["audit"].pk, "sections": list(build.SECTION_CODES)}
    assert document.title == f"Audit pack, {world['audit'].reference}"


def test_rows_added_deleted_or_renamed_while_the_parts_render_are_neither_skipped_nor_repeated(
    world, acme, alice, settings, monkeypatch
):
    monkeypatch.setattr(
        build, "pdf_render", lambda template, context, **kw: render_to_string(template, context)
    )
    settings.AUDIT_PACK_ROWS_PER_PART = 2  # two asset rows a part, one risk row
    for n in range(5):
        AssetFactory(organization=acme, owner=alice, name=f"Laptop {n}", identifier=f"ACME-LT-{n}")
        RiskFactory(organization=acme, owner=alice, title=f"Lost laptop {n}")
    document = _request(acme, alice, world["audit"], sections=["risks", "assets"])
    planned = [part for part in build.plan(document) if part.rows]
    assets = [p for p in planned if p.key.startswith("assets:")]
    risks = [p for p in planned if p.key.startswith("risks:")]
    assert len(assets) == 4 and len(risks) == 7
    before = dict(Asset.objects.values_list("pk", "identifier"))
    printed = [build.render(document, assets[0].key, assets[0].rows)]
    printed_first = build.render(document, risks[0].key, risks[0].rows)

    # After the first parts: the first asset renamed to sort last, a planned asset and risk deleted,
    # an asset sorting first and a risk added, a risk retitled.
    Asset.objects.filter(pk=assets[0].rows[0]).update(identifier="ACME-ZZZ")
    gone_asset = assets[2].rows[0]
    Asset.objects.get(pk=gone_asset).delete()
    AssetFactory(organization=acme, owner=alice, name="Late printer", identifier="ACME-AAA")
    gone_risk = risks[3].rows[0]
    Risk.objects.get(pk=gone_risk).delete()
    RiskFactory(organization=acme, owner=alice, title="Late risk")
    Risk.objects.filter(pk=risks[-1].rows[0]).update(title="Retitled risk")

    asset_html = printed + [build.render(document, p.key, p.rows) for p in assets[1:]]
    risk_html = [printed_first] + [build.render(document, p.key, p.rows) for p in risks[1:]]
    identifiers = [i for html in asset_html for i in re.findall(r'class="ref">(ACME-[\w-]+)<', html)]
    references = [r for html in risk_html for r in re.findall(r'class="ref">(R-\d+)<', html)]

    # The renamed asset was printed, under its old identifier, before the rename: not again.
    planned_assets = [pk for p in assets for pk in p.rows if pk != gone_asset]
    assert identifiers == [before[pk] for pk in planned_assets]
    assert "ACME-ZZZ" not in identifiers and "ACME-AAA" not in identifiers
    assert len(set(identifiers)) == len(identifiers) == 6
    planned_risks = [pk for p in risks for pk in p.rows if pk != gone_risk]
    by_pk = {r.pk: r.reference for r in Risk.objects.filter(pk__in=planned_risks)}
    assert references == [by_pk[pk] for pk in planned_risks]
    assert len(set(references)) == len(references) == 6
    assert "Retitled risk" in risk_html[-1] and "Late risk" not in " ".join(risk_html)


def test_the_pack_goes_to_its_own_queue_and_every_other_kind_to_pdf(
    world, acme, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from documents import services

    sent = []

    class Broker:
        def send_task(self, name, args, queue):
            sent.append((name, queue))

    monkeypatch.setattr(services, "current_app", Broker())
    with django_capture_on_commit_callbacks(execute=True):
        _request(acme, alice, world["audit"])
    assert sent == [("documents.tasks.document_build", "packs")]
    assert registry.queue_for(build.KIND) == "packs"
    others = {kind.queue for kind in registry.kinds() if kind.kind != build.KIND}
    assert others == {"pdf"}
