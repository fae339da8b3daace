"""The heat maps count open risks per cell, inherent and residual, and are
drawn as plain SVG (colours as attributes) so the PDFs can reuse them."""

import re

from django.template.loader import render_to_string

from risks import selectors
from tests.factories import AIRiskFactory, RiskFactory


def _counts(heat):
    return {(c.likelihood, c.impact): c.count for c in heat.cells if c.count}


def test_cells_count_open_risks_before_and_after_treatment(acme, alice):
    RiskFactory(
        organization=acme,
        owner=alice,
        inherent_likelihood=4,
        inherent_impact=4,
        residual_likelihood=2,
        residual_impact=2,
    )
    RiskFactory(organization=acme, owner=alice, inherent_likelihood=4, inherent_impact=4)
    AIRiskFactory(organization=acme, owner=alice, inherent_likelihood=1, inherent_impact=5)
    RiskFactory(organization=acme, owner=alice, inherent_likelihood=5, inherent_impact=5, status="closed")
    inherent, residual = selectors.heat_maps(acme)
    assert _counts(inherent) == {(4, 4): 2, (1, 5): 1}
    # Without a residual rating a risk stays at its inherent cell.
    assert _counts(residual) == {(2, 2): 1, (4, 4): 1, (1, 5): 1}
    assert inherent.total == residual.total == 3


def test_each_cell_takes_the_level_of_its_score(acme):
    heat = selectors.heat_map(acme)
    cells = {(c.likelihood, c.impact): c for c in heat.cells}
    assert len(cells) == 25
    assert (cells[(1, 1)].level, cells[(3, 3)].level, cells[(2, 5)].level, cells[(4, 4)].level) == (
        "low",
        "medium",
        "high",
        "critical",
    )
    # Highest impact is drawn on top.
    assert heat.rows[0][0].impact == 5 and heat.rows[-1][0].impact == 1


def test_the_svg_uses_attributes_only(acme, alice):
    RiskFactory(organization=acme, owner=alice, inherent_likelihood=3, inherent_impact=4)
    svg = render_to_string(
        "partials/_heat_map.html", {"heat": selectors.heat_map(acme), "link_base": "/o/acme/risks/"}
    )
    body = svg[svg.index("<svg") :]
    assert "style=" not in body and "<script" not in body and "<style" not in body
    assert re.findall(r'class="[^"]*"', body) == ['class="heat-map"']
    assert 'fill="#f8a65c"' in body  # the high cell, coloured by attribute
    assert 'href="/o/acme/risks/?inherent_cell=3-4&amp;status=open"' in body
    assert 'data-cell="3-4" data-count="1"' in body


def test_the_heat_map_page_can_show_one_category(client, acme, alice, password):
    RiskFactory(organization=acme, owner=alice, inherent_likelihood=4, inherent_impact=4)
    AIRiskFactory(organization=acme, owner=alice, inherent_likelihood=1, inherent_impact=5)
    client.login(username="alice", password=password)
    response = client.get("/o/acme/risks/heat-maps/", {"category": "ai"})
    assert _counts(response.context["inherent"]) == {(1, 5): 1}
    assert (
        'href="/o/acme/risks/?category=ai&amp;inherent_cell=1-5&amp;status=open"' in response.content.decode()
    )
