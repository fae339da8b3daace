"""Every page works under the Content Security Policy (only 'self'): headless
Chromium opens each page of the URL conf that needs no record (and the first
record's page of each register, and the API docs) and no script, style or
other resource is refused by the policy."""

import pytest
from django.urls import URLResolver, get_resolver

from assets.models import Asset
from risks.models import ImpactAssessment, Risk
from tests.api.seed import registers_seed
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.once]

#: Answers that are no page: files, redirects of a form post, the sign-out.
NOT_PAGES = ("export", "template.", "download", "lookup", "logout", ".csv", ".json", "healthz")

RECORD_PAGES = {
    Asset: "/o/acme/assets/{pk}/",
    Risk: "/o/acme/risks/{pk}/",
    ImpactAssessment: "/o/acme/risks/impact-assessments/{pk}/",
}

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _pages() -> list[str]:
    pages = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/")) or any(word in route for word in NOT_PAGES):
            continue
        route = route.replace("<slug:organization_slug>", "acme")
        if "<" not in route:
            pages.append("/" + route)
    return pages


def test_every_page_works_under_the_content_security_policy(page, acme, alice, catalogues):
    registers_seed(acme, alice)
    addresses = _pages()
    addresses += [
        url.format(pk=model.objects.filter(organization=acme).first().pk)
        for model, url in RECORD_PAGES.items()
    ]
    addresses += ["/api/docs/"]
    assert len(addresses) > 30, addresses

    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, "alice")
    refused = {}
    for address in addresses:
        probe = page.request.get(address)
        if probe.status == 405 or "text/html" not in probe.headers.get("content-type", ""):
            continue  # a form's target (POST only) or a file, not a page
        assert probe.status == 200, (address, probe.status)
        console.clear()
        page.goto(address)
        page.wait_for_load_state("networkidle")
        found = page.evaluate("window.__cspViolations") + [
            text for text in console if "Content Security Policy" in text
        ]
        if found:
            refused[address] = found
    assert not refused, refused
