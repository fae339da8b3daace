"""The isolation matrix: every page of the URL conf and every operation of the
OpenAPI schema, as every role of an organization and as a member of another one.

Acme and Globex each hold one record of every kind (``world.py``); every text of
an organization's records carries its marker word. For each page and operation:

- another organization's member gets 404 for Acme's URLs, and for Globex's URLs
  carrying Acme's ids; Acme's marker is in no body they are sent, whatever the
  answer (lists, search, filters by Acme's ids, exports, history, the audit trail,
  files and error messages included);
- in its own organization the administrator gets the declared answer, and every
  other role that answer or 403; a viewer's write (POST, PUT, PATCH, DELETE) is
  403 (or 405 where the URL takes no such method) and writes no history;
- someone signed out is sent to sign in (pages) or gets 401 (API).

A page or operation the matrix has no declaration for fails the test until one is
added below: a new URL cannot skip isolation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api_tokens.services import api_token_create
from core.roles import Role
from tests.isolation.world import ISO27001, World, world_build

pytestmark = [pytest.mark.django_db, pytest.mark.once]

MARKERS = {"acme": "Zephyrquill", "globex": "Marbleroot"}
ALL_ROLES = (Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.CONTRIBUTOR, Role.AUDITOR, Role.VIEWER)
WRITES = ("post", "put", "patch", "delete")


# --- What a URL argument names -----------------------------------------------


@dataclass(frozen=True)
class Arg:
    """How to fill one URL argument from a world; ``owned`` says it is an id of an
    organization's record (so the other organization's value must be refused)."""

    value: Callable[[World], object]
    owned: bool = True


def record(kind: str) -> Arg:
    return Arg(lambda world: world.records[kind].pk)


def literal(value) -> Arg:
    return Arg(lambda world: value, owned=False)


ARGS: dict[str, Arg] = {
    kind: record(kind)
    for kind in (
        "asset",
        "ai_system",
        "relation",
        "risk",
        "treatment_action",
        "impact_assessment",
        "impact_item",
        "soa_entry",
        "audit",
        "checklist_item",
        "evidence",
        "finding",
        "corrective_action",
        "management_review",
        "document",
        "membership",
        "notification",
        "saved_view",
        "audit_pack",
    )
}
ARGS["soa_version_number"] = Arg(lambda world: world.records["soa_version"].number, owned=False)
ARGS["framework"] = literal(ISO27001)
ARGS["control_reference"] = literal("5.7")
ARGS["control"] = Arg(lambda world: world.records["soa_entry"].control_id, owned=False)  # the catalogue's
ARGS["fmt"] = literal("csv")
ARGS["history_kind"] = literal("assets.asset")


# --- Pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    args: dict[str, str] = field(default_factory=dict)  # URL kwarg -> ARGS key
    get: frozenset = frozenset({200})  # the administrator's answer to GET in its own organization
    personal: bool = False  # a record of the administrator's own (a notification): 404 for the others
    # The member's own use of the portal (reading notifications, saving a view), not a GRC
    # record: a viewer may do it too; it still writes no history.
    own_use: bool = False


def page(get=(200,), personal=False, own_use=False, **args) -> Page:
    return Page(args=args, get=frozenset(get), personal=personal, own_use=own_use or personal)


#: Every page under ``/o/<slug>/``, by URL name.
PAGES: dict[str, Page] = {
    "organizations:members": page(),
    "organizations:member_add": page(get=(405,)),
    "organizations:member_detail": page(membership_id="membership"),
    "organizations:member_role": page(get=(405,), membership_id="membership"),
    "organizations:member_remove": page(get=(405,), membership_id="membership"),
    "organizations:settings": page(),
    "organizations:activity": page(),
    "organizations:activity_export": page(),
    "organizations:record_history": page(get=(302,), kind="history_kind", pk="asset"),  # to its page
    "documents:list": page(),
    "documents:request": page(get=(405,)),
    "documents:status": page(pk="document"),
    "documents:retry": page(get=(405,), pk="document"),
    "documents:download": page(get=(404,), pk="document"),  # not built yet: no file to serve
    "documents:delete": page(pk="document"),
    "portal:overview": page(),
    "controls:catalogue_home": page(get=(302,)),  # to the first catalogue
    "controls:catalogue": page(framework_code="framework"),
    "controls:clauses": page(framework_code="framework"),
    "controls:control": page(framework_code="framework", reference="control_reference"),
    "controls:crosswalk": page(),
    "assets:list": page(),
    "assets:create": page(),
    "assets:export": page(),
    "assets:import": page(),
    "assets:import_confirm": page(get=(302, 405)),
    "assets:import_template": page(fmt="fmt"),
    "assets:lookup": page(),
    "assets:picker_lookup": page(),
    "assets:detail": page(pk="asset"),
    "assets:update": page(pk="asset"),
    "assets:delete": page(pk="asset"),
    "assets:history": page(pk="asset"),
    "assets:relation_remove": page(get=(405,), pk="ai_system", relation_id="relation"),
    "risks:list": page(),
    "risks:create": page(),
    "risks:heat_maps": page(),
    "risks:overdue_actions": page(),
    "risks:methodology": page(),
    "risks:export": page(),
    "risks:import": page(),
    "risks:import_confirm": page(get=(302, 405)),
    "risks:import_template": page(fmt="fmt"),
    "risks:detail": page(pk="risk"),
    "risks:update": page(pk="risk"),
    "risks:delete": page(pk="risk"),
    "risks:history": page(pk="risk"),
    "risks:accept": page(get=(405,), pk="risk"),
    "risks:withdraw": page(get=(405,), pk="risk"),
    "risks:review": page(get=(405,), pk="risk"),
    "risks:action_add": page(get=(405,), pk="risk"),
    "risks:action_update": page(pk="risk", action_id="treatment_action"),
    "risks:action_complete": page(get=(405,), pk="risk", action_id="treatment_action"),
    "risks:action_delete": page(get=(405,), pk="risk", action_id="treatment_action"),
    "risks:assessment_list": page(),
    "risks:assessment_create": page(),
    "risks:assessment_detail": page(pk="impact_assessment"),
    "risks:assessment_update": page(pk="impact_assessment"),
    "risks:assessment_delete": page(pk="impact_assessment"),
    "risks:assessment_history": page(pk="impact_assessment"),
    "risks:item_create": page(pk="impact_assessment"),
    "risks:item_update": page(pk="impact_assessment", item_id="impact_item"),
    "risks:item_delete": page(get=(405,), pk="impact_assessment", item_id="impact_item"),
    "risks:item_raise_risk": page(get=(405,), pk="impact_assessment", item_id="impact_item"),
    "risks:assessment_reviewers": page(get=(405,), pk="impact_assessment"),
    "risks:assessment_review": page(get=(405,), pk="impact_assessment"),
    "risks:assessment_sign_off": page(get=(405,), pk="impact_assessment"),
    "risks:assessment_reassess": page(get=(405,), pk="impact_assessment"),
    "soa:list": page(),
    "soa:export": page(),
    "soa:bulk_edit": page(get=(302,)),  # back to the SoA list
    "soa:detail": page(pk="soa_entry"),
    "soa:row": page(pk="soa_entry"),
    "soa:edit": page(pk="soa_entry"),
    "soa:apply_to_mapped": page(pk="soa_entry"),
    "soa:history": page(pk="soa_entry"),
    "soa:versions": page(),
    "soa:approve": page(),
    "soa:version_detail": page(number="soa_version_number"),
    "soa:version_diff": page(number="soa_version_number"),
    "soa:version_export": page(number="soa_version_number"),
    "soa:gap_analysis": page(),
    "soa:gap_export": page(),
    "soa-version-pdf-request": page(get=(405,), number="soa_version_number"),
    "soa-draft-pdf-request": page(get=(405,)),
    "assets:bulk": page(get=(405,)),
    "risks:bulk": page(get=(405,)),
    "portal:my_work": page(),
    "notifications:list": page(),
    "notifications:open": page(get=(405,), personal=True, pk="notification"),
    "notifications:read_all": page(get=(405,), own_use=True),
    "organizations:saved_view_create": page(get=(405,), own_use=True),
    "organizations:saved_view_delete": page(get=(405,), personal=True, pk="saved_view"),
    "audit-pack": page(pk="audit"),
    "audits:list": page(),
    "audits:create": page(),
    "audits:export": page(),
    "audits:detail": page(pk="audit"),
    "audits:update": page(pk="audit"),
    "audits:delete": page(pk="audit"),
    "audits:history": page(pk="audit"),
    "audits:start": page(get=(405,), pk="audit"),
    "audits:report": page(get=(405,), pk="audit"),
    "audits:close": page(get=(405,), pk="audit"),
    "audits:checklist": page(pk="audit"),
    "audits:checklist_item": page(pk="audit", item_id="checklist_item"),
    "audits:checklist_record": page(pk="audit", item_id="checklist_item"),  # the inline form
    "audits:evidence_upload": page(get=(405,), pk="audit", item_id="checklist_item"),
    "audits:finding_raise": page(pk="audit", item_id="checklist_item"),
    "audits:evidence": page(evidence_id="evidence"),
    "audits:findings": page(),
    "audits:finding_export": page(),
    "audits:finding_detail": page(pk="finding"),
    "audits:finding_close": page(get=(405,), pk="finding"),
    "audits:finding_delete": page(pk="finding"),
    "audits:finding_history": page(pk="finding"),
    "audits:finding_action_create": page(finding_pk="finding"),
    "audits:actions": page(),
    "audits:action_export": page(),
    "audits:action_detail": page(pk="corrective_action"),
    "audits:action_update": page(pk="corrective_action"),
    "audits:action_verify": page(get=(405,), pk="corrective_action"),
    "audits:action_delete": page(pk="corrective_action"),
    "audits:action_history": page(pk="corrective_action"),
    "audits:reviews": page(),
    "audits:review_create": page(),
    "audits:review_detail": page(pk="management_review"),
    "audits:review_update": page(pk="management_review"),
    "audits:review_delete": page(pk="management_review"),
    "audits:review_history": page(pk="management_review"),
    "audits:review_action_create": page(review_pk="management_review"),
}

#: Pages outside any organization: (URL name, what a signed-in member gets, what someone signed out gets).
PAGES_OUTSIDE = {
    "healthz": (200, 200),
    "accounts:login": (302, 200),  # a signed-in user is sent on
    "accounts:logout": (405, 405),
    "accounts:password_change": (200, 302),
    "accounts:password_change_done": (200, 302),
    "schema": (200, 200),
    "api-docs": (200, 200),
    "organizations:home": (302, 302),
    "organizations:list": (200, 302),
    "organizations:create": (200, 302),
    "api_tokens:list": (200, 302),
    "api_tokens:create": (200, 302),
}
#: Pages of one user's own records outside any organization: URL name -> the record kind
#: (another user gets 404, and the owner's record's name appears nowhere for them).
PAGES_OF_A_USER = {"api_tokens:revoke": "api_token"}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def page_names() -> tuple[set[str], set[str]]:
    """(pages under an organization, pages outside any) of the URL conf, the API and the admin aside."""
    inside, outside = set(), set()
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(("api:", "admin:")):
            continue
        groups = set(pattern.pattern.regex.groupindex)
        (inside if "organization_slug" in groups else outside).add(name)
    return inside, outside


def page_url(name: str, world: World, *, ids_from: World | None = None) -> str:
    """The page of ``world``; its record arguments taken from ``ids_from`` when given."""
    declared = PAGES[name]
    kwargs = {"organization_slug": world.organization.slug}
    for kwarg, key in declared.args.items():
        kwargs[kwarg] = ARGS[key].value(ids_from if ids_from is not None and ARGS[key].owned else world)
    return reverse(name, kwargs=kwargs)


def owns_records(name: str) -> bool:
    return any(ARGS[key].owned for key in PAGES[name].args.values())


def takes(url: str, method: str) -> bool:
    """Whether the view behind ``url`` answers ``method`` at all; one that does not answers
    405 for every id alike, which tells nothing of the record."""
    view = resolve(url).func
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return True
    return method in view_class.http_method_names and hasattr(view_class, method)


def refused(answer, url: str, method: str) -> bool:
    return answer.status_code == 404 or (answer.status_code == 405 and not takes(url, method))


# --- API operations -----------------------------------------------------------

#: Each organization resource of the API: the ARGS key its ``{id}`` names, and the
#: administrator's answer to GET on each of its paths, when it is not 200.
API_RESOURCES: dict[str, str | None] = {
    "": None,  # the organization itself
    "activity": None,
    "asset-relations": "relation",
    "assets": "asset",
    "audit-items": "checklist_item",
    "audits": "audit",
    "audit-packs": "audit_pack",
    "controls": "control",
    "corrective-actions": "corrective_action",
    "documents": "document",
    "findings": "finding",
    "gap-analysis": None,
    "impact-assessments": "impact_assessment",
    "impact-items": "impact_item",
    "management-reviews": "management_review",
    "members": "membership",
    "risk-methodology": None,
    "risks": "risk",
    "soa": "soa_entry",
    "soa-versions": "soa_version_number",
    "treatment-actions": "treatment_action",
}
API_GET: dict[str, int] = {
    "/api/v1/organizations/{organization_slug}/documents/{id}/download/": 404,  # not built yet
    "/api/v1/organizations/{organization_slug}/audit-packs/{id}/download/": 404,  # not built yet
}
#: Query parameters a GET needs to answer at all.
API_QUERY: dict[str, dict] = {
    "/api/v1/organizations/{organization_slug}/soa-versions/{number}/diff/": {"against": 1},
}
#: Operations outside any organization: the catalogues (read by every signed-in user) and sign-in.
API_OUTSIDE = {
    "/api/v1/auth/token/",
    "/api/v1/clause-mappings/",
    "/api/v1/clause-mappings/{id}/",
    "/api/v1/clauses/",
    "/api/v1/clauses/{id}/",
    "/api/v1/controls/",
    "/api/v1/controls/{id}/",
    "/api/v1/frameworks/",
    "/api/v1/frameworks/{code}/",
    "/api/v1/mappings/",
    "/api/v1/mappings/{id}/",
    "/api/v1/organizations/",
}
#: Operations on one user's own records: another user gets 404 for every method.
API_OF_A_USER = {
    "/api/v1/tokens/": None,
    "/api/v1/tokens/{id}/": "api_token",
    "/api/v1/tokens/{id}/revoke/": "api_token",
}
ORG_PREFIX = "/api/v1/organizations/{organization_slug}/"


def schema_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("get", *WRITES)
    ]


def api_resource(path: str) -> str:
    rest = path[len(ORG_PREFIX) :]
    return rest.split("/", 1)[0]


def api_url(path: str, world: World, *, ids_from: World | None = None, item_from: World | None = None) -> str:
    resource = API_RESOURCES[api_resource(path)]
    source = ids_from or world
    url = path.replace("{organization_slug}", world.organization.slug)
    if "{id}" in url or "{number}" in url:
        arg = ARGS[resource]
        value = arg.value(source if arg.owned else world)
        url = url.replace("{id}", str(value)).replace("{number}", str(value))
    if "{item_id}" in url:
        url = url.replace("{item_id}", str((item_from or source).records["checklist_item"].pk))
    return url


def api_owns_records(path: str) -> bool:
    resource = API_RESOURCES[api_resource(path)]
    return ("{id}" in path or "{item_id}" in path) and resource is not None and ARGS[resource].owned


def id_parameters(operation: dict) -> list[str]:
    """The query parameters of a list operation that take a record's id."""
    names = []
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        kind = schema.get("type") or schema.get("items", {}).get("type")
        if kind == "integer" and parameter["name"] not in ("page", "page_size", "limit", "offset"):
            names.append(parameter["name"])
    return names


# --- The two organizations ---------------------------------------------------


@pytest.fixture
def worlds(catalogues, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    acme = world_build(name="Acme Corp", slug="acme", marker=MARKERS["acme"])
    globex = world_build(name="Globex Industries", slug="globex", marker=MARKERS["globex"])
    return acme, globex


def _history_rows() -> int:
    from django.apps import apps

    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and model._meta.app_label != "documents"
    )


def _body(answer) -> str:
    if getattr(answer, "streaming", False):
        return b"".join(answer.streaming_content).decode(errors="replace")
    return answer.content.decode(errors="replace")


def _token_client(user) -> APIClient:
    client = APIClient()
    issued = api_token_create(user=user, name="Isolation matrix")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
    return client


class Problems(list):
    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.append(what)

    def report(self) -> None:
        assert not self, f"{len(self)} isolation problems:\n" + "\n".join(self[:200])


# --- The tests -----------------------------------------------------------------


def test_every_page_and_operation_is_declared():
    inside, outside = page_names()
    assert sorted(inside - set(PAGES)) == [], "pages with no isolation expectation: declare them in PAGES"
    assert sorted(set(PAGES) - inside) == [], "PAGES declares pages that no longer exist"
    assert sorted(outside - set(PAGES_OUTSIDE) - set(PAGES_OF_A_USER)) == [], (
        "pages outside organizations with no expectation"
    )
    unknown = sorted(
        {
            path
            for path, _, _ in schema_operations()
            if path not in API_OUTSIDE
            and path not in API_OF_A_USER
            and not (path.startswith(ORG_PREFIX) and api_resource(path) in API_RESOURCES)
            and path != ORG_PREFIX.rstrip("/") + "/"
        }
    )
    assert unknown == [], "API paths with no isolation expectation: declare them in API_RESOURCES"


def test_pages_across_organizations_and_roles(worlds, client):
    acme, globex = worlds
    problems = Problems()
    inside, outside = page_names()
    names = sorted(inside & set(PAGES))
    leak = acme.marker

    # Charlie administers Globex: Acme's pages are 404, and Acme's ids inside Globex too.
    client.force_login(globex.admin)
    for name in names:
        for method in ("get", "post"):
            url = page_url(name, acme)
            answer = getattr(client, method)(url)
            problems.check(
                refused(answer, url, method), f"{method} {name} of acme as globex: {answer.status_code}"
            )
            problems.check(leak not in _body(answer), f"{method} {name} of acme as globex shows acme data")
            if owns_records(name):
                url = page_url(name, globex, ids_from=acme)
                answer = getattr(client, method)(url)
                problems.check(
                    refused(answer, url, method),
                    f"{method} {name} of globex with acme ids: {answer.status_code}",
                )
                problems.check(leak not in _body(answer), f"{method} {name} with acme ids shows acme data")
        answer = client.get(page_url(name, globex))
        problems.check(answer.status_code < 500, f"get {name} of globex: {answer.status_code}")
        problems.check(leak not in _body(answer), f"get {name} of globex shows acme data")

    # In its own organization: the declared answer for the administrator, that or 403 for
    # the other roles; no write by a viewer.
    for role in ALL_ROLES:
        client.force_login(acme.user(role))
        for name in names:
            url = page_url(name, acme)
            answer = client.get(url)
            declared = PAGES[name]
            if role == Role.ADMIN:
                expected = declared.get
            elif declared.personal:
                expected = {404, 405} & declared.get or {404}
            else:
                expected = declared.get | {403}
            problems.check(answer.status_code in expected, f"get {name} as {role}: {answer.status_code}")
            problems.check(globex.marker not in _body(answer), f"get {name} as acme {role} shows globex")
            if role == Role.VIEWER:
                before = _history_rows()
                answer = client.post(url)
                allowed = (403, 405) if not PAGES[name].own_use else (200, 302, 404, 405)
                problems.check(answer.status_code in allowed, f"post {name} as viewer: {answer.status_code}")
                problems.check(_history_rows() == before, f"post {name} as viewer wrote history")

    # Signed out: every organization page sends to sign-in.
    client.logout()
    for name in names:
        answer = client.get(page_url(name, acme))
        problems.check(
            answer.status_code == 302 and "/accounts/login/" in answer["Location"],
            f"get {name} signed out: {answer.status_code}",
        )
    for name, (signed_in, signed_out) in PAGES_OUTSIDE.items():
        if name not in outside:
            continue
        problems.check(client.get(reverse(name)).status_code == signed_out, f"get {name} signed out")
        client.force_login(acme.admin)
        problems.check(client.get(reverse(name)).status_code == signed_in, f"get {name} signed in")
        client.logout()

    # A user's own records (API tokens): another user gets 404 and never sees the name.
    for name, kind in PAGES_OF_A_USER.items():
        url = reverse(name, kwargs={"pk": acme.records[kind].pk})
        client.force_login(globex.admin)
        for method in ("get", "post"):
            answer = getattr(client, method)(url)
            problems.check(answer.status_code == 404, f"{method} {name} of acme's admin as globex's")
            problems.check(leak not in _body(answer), f"{method} {name} of another user shows their data")
        for page_name in ("api_tokens:list",):
            problems.check(leak not in _body(client.get(reverse(page_name))), f"{page_name} shows acme's")
        client.force_login(acme.admin)
        problems.check(client.get(url).status_code == 200, f"get {name} by its owner")
        client.logout()
    problems.report()


def test_api_across_organizations_and_roles(worlds):
    acme, globex = worlds
    problems = Problems()
    leak = acme.marker
    operations = [
        (path, method, operation)
        for path, method, operation in schema_operations()
        if path.startswith(ORG_PREFIX) and api_resource(path) in API_RESOURCES
    ]
    charlie = _token_client(globex.admin)
    for path, method, operation in operations:
        call = getattr(charlie, method)
        answer = call(api_url(path, acme), {}, format="json")
        problems.check(answer.status_code == 404, f"{method} {path} of acme as globex: {answer.status_code}")
        problems.check(leak not in _body(answer), f"{method} {path} of acme as globex shows acme data")
        if api_owns_records(path):
            answer = call(api_url(path, globex, ids_from=acme), {}, format="json")
            problems.check(
                answer.status_code == 404, f"{method} {path} of globex with acme ids: {answer.status_code}"
            )
            problems.check(leak not in _body(answer), f"{method} {path} with acme ids shows acme data")
        if "{item_id}" in path:
            answer = call(api_url(path, globex, item_from=acme), {}, format="json")
            problems.check(
                answer.status_code == 404, f"{method} {path} with an acme item: {answer.status_code}"
            )
        if method == "get":
            answer = charlie.get(api_url(path, globex))
            problems.check(answer.status_code < 500, f"get {path} of globex: {answer.status_code}")
            problems.check(leak not in _body(answer), f"get {path} of globex shows acme data")
            # Filters by id: Acme's ids find nothing in Globex and name nothing of Acme.
            for parameter in id_parameters(operation):
                for kind in ("asset", "ai_system", "risk", "audit", "finding", "impact_assessment"):
                    value = acme.records[kind].pk
                    answer = charlie.get(api_url(path, globex), {parameter: value})
                    problems.check(answer.status_code < 500, f"get {path}?{parameter}={value}: 5xx")
                    problems.check(leak not in _body(answer), f"get {path}?{parameter}= shows acme data")
            answer = charlie.get(api_url(path, globex), {"search": leak})
            # The pagination links repeat the query: that is the request, not Acme's data.
            body = _body(answer).replace(f"search={leak}", "")
            problems.check(leak not in body, f"get {path}?search= shows acme data")

    for role in ALL_ROLES:
        client = _token_client(acme.user(role))
        for path, method, _ in operations:
            url = api_url(path, acme)
            if method == "get":
                answer = client.get(url, API_QUERY.get(path, {}))
                wanted = {API_GET.get(path, 200)}
                expected = wanted if role == Role.ADMIN else wanted | {403}
                problems.check(answer.status_code in expected, f"get {path} as {role}: {answer.status_code}")
                problems.check(globex.marker not in _body(answer), f"get {path} as acme {role} shows globex")
            elif role == Role.VIEWER:
                before = _history_rows()
                answer = getattr(client, method)(url, {}, format="json")
                problems.check(
                    answer.status_code in (403, 405), f"{method} {path} as viewer: {answer.status_code}"
                )
                problems.check(_history_rows() == before, f"{method} {path} as viewer wrote history")

    for path, kind in API_OF_A_USER.items():
        for method in ("get", "post"):
            url = path.replace("{id}", str(acme.records[kind].pk)) if kind else path
            answer = getattr(charlie, method)(url, {}, format="json")
            if kind:
                problems.check(
                    answer.status_code in (404, 405), f"{method} {path} of acme's admin: {answer.status_code}"
                )
            problems.check(leak not in _body(answer), f"{method} {path} as globex shows acme's tokens")

    anonymous = APIClient()
    for path, method, _ in operations:
        answer = getattr(anonymous, method)(api_url(path, acme), {}, format="json")
        problems.check(answer.status_code == 401, f"{method} {path} signed out: {answer.status_code}")
        problems.check(leak not in _body(answer), f"{method} {path} signed out shows acme data")
    problems.report()


@pytest.mark.parametrize("path", sorted(API_OUTSIDE - {"/api/v1/auth/token/"}))
def test_the_shared_catalogue_and_organization_list_show_no_organization_data(worlds, path):
    acme, globex = worlds
    client = _token_client(globex.admin)
    url = re.sub(r"\{(id|code)\}", lambda m: "1" if m.group(1) == "id" else ISO27001, path)
    answer = client.get(url)
    assert answer.status_code in (200, 404), (url, answer.status_code)
    assert acme.marker not in _body(answer)
