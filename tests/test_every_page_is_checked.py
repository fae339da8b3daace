"""Every page of the portal is in the whole-portal browser checks (axe in test_browser_a11y.py, the
Tab walk in test_browser_keyboard.py): each named URL pattern that answers GET with a page is in the
lists of tests/browser_pages.py, is reached there by a POST, or is set aside below with its reason.
A new page fails this test until it is checked or set aside."""

from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.views.generic import RedirectView

from tests.browser_pages import OWN_TEST_PAGES, POSTED_PAGES, navigation_pages, portal_world, record_pages

pytestmark = pytest.mark.usefixtures("catalogues")

#: Endpoints a form on a checked page posts to. Each answers with a redirect (back to that page,
#: with a message) or, when the form has errors, with that page again showing them (its template,
#: e.g. ActionAddView is the risk page): no page of its own. The test below holds that they take no GET.
POST_ONLY = {
    "accounts:logout",
    "organizations:member_add",
    "organizations:member_role",
    "organizations:member_remove",
    "organizations:saved_view_create",
    "organizations:saved_view_delete",
    "documents:request",
    "documents:retry",
    "notifications:open",
    "notifications:read_all",
    "assets:import_confirm",
    "assets:relation_remove",
    "risks:import_confirm",
    "risks:accept",
    "risks:withdraw",
    "risks:review",
    "risks:action_add",
    "risks:action_complete",
    "risks:action_delete",
    "risks:item_delete",
    "risks:item_raise_risk",
    "risks:assessment_reviewers",
    "risks:assessment_review",
    "risks:assessment_sign_off",
    "risks:assessment_reassess",
    "soa-version-pdf-request",
    "soa-draft-pdf-request",
    "audits:start",
    "audits:report",
    "audits:close",
    "audits:evidence_upload",
    "audits:finding_close",
    "audits:action_verify",
}
#: Files, not pages: what each one serves.
DOWNLOADS = {
    "organizations:activity_export": "the audit trail as CSV",
    "documents:download": "a generated document's file",
    "assets:export": "the asset register as CSV or XLSX",
    "assets:import_template": "the asset import's empty template",
    "risks:export": "the risk register as CSV or XLSX",
    "risks:import_template": "the risk import's empty template",
    "soa:export": "the SoA as CSV or XLSX",
    "soa:version_export": "an approved SoA version as CSV or XLSX",
    "soa:gap_export": "the gap analysis as CSV or XLSX",
    "audits:export": "the audit programme as CSV or XLSX",
    "audits:finding_export": "the findings as CSV or XLSX",
    "audits:action_export": "the corrective actions as CSV or XLSX",
    "audits:evidence": "an uploaded evidence file",
}
#: Parts of a page that htmx or a script fetches into a checked page, or an alias of a checked page.
FRAGMENTS = {
    "assets:lookup": "the relation picker's options (htmx), inside the asset page",
    "assets:picker_lookup": "the pickers' search answers (JSON for static/js/picker.js)",
    "soa:row": "one SoA row (htmx swaps it back after Cancel), inside the SoA list",
    "audits:checklist_record": "an item's inline form (htmx); without htmx audits:checklist_item's page",
    "risks:bulk": "the same page as assets:bulk (core/bulk_confirm_delete.html from RegisterBulkView)",
}
#: Neither pages nor files for a person.
NOT_PAGES = {
    "healthz": "the load balancer's health probe (plain text)",
    "schema": "the OpenAPI document the API docs page reads (YAML)",
    "organizations:home": "sends the user on to their organization's overview or the list",
    "controls:catalogue_home": "sends the user on to the first catalogue",
}
SET_ASIDE = POST_ONLY | DOWNLOADS.keys() | FRAGMENTS.keys() | NOT_PAGES.keys()


def _patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("api", "admin"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), pattern


def portal_patterns() -> list[tuple[str | None, URLPattern]]:
    """The URL patterns of the portal's pages: the REST API and Django's admin (the operators',
    not the portal's own markup) aside."""
    return list(_patterns(get_resolver().url_patterns))


def _takes_get(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is None or ("get" in view_class.http_method_names and hasattr(view_class, "get"))


def _checked_names(acme, alice) -> set[str]:
    world = portal_world(acme, alice)
    urls = [*navigation_pages(acme.slug, admin=True), *record_pages(acme.slug, world)]
    names = set()
    for url in urls:
        try:
            names.add(resolve(urlsplit(url).path).view_name)
        except Resolver404:
            continue  # the 404 page, on purpose
    return names | POSTED_PAGES.keys() | set(OWN_TEST_PAGES)


def test_every_page_of_the_portal_is_in_the_browser_checks_or_set_aside_with_a_reason(acme, alice):
    named = {name for name, _ in portal_patterns() if name}
    checked = _checked_names(acme, alice)
    missing = sorted(named - checked - SET_ASIDE)
    assert not missing, (
        "pages neither in tests/browser_pages.py (record_pages, navigation_pages, POSTED_PAGES) nor "
        f"set aside in {__name__}: {missing}"
    )


def test_nothing_is_both_checked_and_set_aside_and_nothing_set_aside_is_gone(acme, alice):
    named = {name for name, _ in portal_patterns() if name}
    assert not SET_ASIDE & _checked_names(acme, alice)
    assert not SET_ASIDE - named, f"set aside but no longer in the URL conf: {sorted(SET_ASIDE - named)}"


def test_what_is_set_aside_as_post_only_takes_no_get():
    by_name = {name: pattern for name, pattern in portal_patterns() if name}
    taking_get = sorted(name for name in POST_ONLY if _takes_get(by_name[name]))
    assert not taking_get, f"answer GET, so they may show a page: {taking_get}"


def test_a_page_without_a_name_is_only_a_redirect():
    unnamed = [
        str(pattern.pattern)
        for name, pattern in portal_patterns()
        if name is None and not issubclass(getattr(pattern.callback, "view_class", object), RedirectView)
    ]
    assert not unnamed, f"name these so that the checks can list them: {unnamed}"
