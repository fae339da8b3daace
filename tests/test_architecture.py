"""Guards of the architecture (docs/decisions/0008-layers.md, 0010-deletion-and-frozen-records.md).

- Layers point one way: ``core`` imports no other project app, ``organizations``
  only ``core`` and ``accounts``, and a domain app only the apps below it
  (controls < assets < risks < soa < audits < portal); a template of one app
  loads no other domain app's tags and includes no other domain app's partials.
- No silent ``CASCADE`` between organization records: every one is on the
  allow-list below, with the reason it is a part of its parent, not a record of
  another register.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.template import engines

from core.models import OrganizationOwned
from organizations.models import Membership, Organization

ROOT = Path(__file__).resolve().parent.parent

#: Each project app and its layer: an app may import only apps of a lower layer.
#: ``grc_portal`` (settings, URLs) and ``tests`` stand outside and may import anything.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "organizations": 2,
    "documents": 3,  # generated documents: part of the kernel, above the tenants
    "controls": 10,
    "assets": 11,
    "risks": 12,
    "soa": 13,
    "audits": 14,
    "portal": 20,
}
EXEMPT = {"grc_portal", "tests", "benchmarks", "scripts"}
DOMAIN_APPS = {app for app, layer in LAYERS.items() if layer >= 10}
#: The kernel's shared template folders (not an app's).
SHARED_TEMPLATES = {"partials", "layouts", "registration", "core", "admin", "rest_framework"}


def _project_apps() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/apps.py")}


def _modules():
    for app in sorted(_project_apps()):
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def _imported_apps(path: Path, project: set[str]) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in project:
                found.add((top, node.lineno))
    return found


def test_every_project_app_has_a_layer():
    unplaced = _project_apps() - set(LAYERS) - EXEMPT
    assert not unplaced, f"Give these apps a layer in LAYERS: {sorted(unplaced)}"


def test_imports_point_down_the_layers():
    project = _project_apps()
    wrong = []
    for app, path in _modules():
        if app in EXEMPT or app not in LAYERS:
            continue
        for imported, line in _imported_apps(path, project):
            if imported == app or imported in EXEMPT:
                continue
            if LAYERS.get(imported, -1) >= LAYERS[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({app}) imports {imported}")
    assert not wrong, "Imports against the layers:\n" + "\n".join(sorted(wrong))


def test_the_guard_sees_a_wrong_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom risks.models import Risk\n\ndef f():\n    import portal.views\n")
    assert _imported_apps(module, {"risks", "portal", "core"}) == {("risks", 2), ("portal", 5)}


_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
_INCLUDE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")


def _tag_library_apps() -> dict[str, str]:
    """Each tag library name and the project app that defines it."""
    libraries = engines["django"].engine.libraries
    return {name: module.split(".")[0] for name, module in libraries.items()}


def _template_problems(app: str, text: str, libraries: dict[str, str]) -> list[str]:
    if app == "portal":
        return []  # the top app gathers every domain app's pieces (the overview dashboard)
    problems = []
    for match in _LOAD.finditer(text):
        names = match.group(1).split()
        if "from" in names:
            names = names[names.index("from") + 1 :]
        for name in names:
            owner = libraries.get(name)
            if owner in DOMAIN_APPS and owner != app:
                problems.append(f"loads {owner}'s tags “{name}”")
    for match in _INCLUDE.finditer(text):
        folder = match.group(1).split("/")[0]
        if folder in DOMAIN_APPS and folder != app:
            problems.append(f"includes {match.group(1)}")
    return problems


def test_templates_use_only_their_own_apps_and_the_shared_pieces():
    libraries = _tag_library_apps()
    wrong = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        folder = path.relative_to(ROOT / "templates").parts[0]
        app = folder if folder in LAYERS else None
        for problem in _template_problems(app, path.read_text(), libraries):
            wrong.append(f"{path.relative_to(ROOT)} {problem}")
    assert not wrong, "Templates reaching into another domain app:\n" + "\n".join(wrong)


def test_the_template_guard_sees_foreign_tags_and_partials():
    libraries = {"inventory": "assets", "portal": "core", "humanize": "django"}
    text = '{% load portal inventory %}{% include "assets/_cia.html" %}{% include "partials/_empty.html" %}'
    assert _template_problems("risks", text, libraries) == [
        "loads assets's tags “inventory”",
        "includes assets/_cia.html",
    ]
    assert _template_problems("assets", text, libraries) == []
    assert _template_problems("portal", text, libraries) == []


# --- No silent CASCADE between organization records ------------------------------------------

#: (model label, field name) → why deleting the parent may delete the row. ``*`` stands for
#: every model: an organization's records are deleted with it (frozen ones still refuse).
CASCADE_ALLOWED = {
    ("*", "organization"): "The tenant owns its records; deleting it deletes them (frozen ones refuse).",
    ("organizations.Membership", "organization"): "A membership is the user's place in the organization.",
    ("core.IdentifierSequence", "organization"): "The counters of the organization's identifiers.",
    ("risks.TreatmentAction", "risk"): "The treatment plan is part of the risk.",
    ("risks.RiskAsset", "risk"): "The risk's link to an affected asset is part of the risk.",
    ("risks.RiskControl", "risk"): "The risk's link to a treatment control is part of the risk.",
    ("risks.ImpactItem", "assessment"): "The impacts are part of the assessment version.",
    ("risks.ImpactReviewer", "assessment"): "The named reviewers are part of the assessment version.",
    ("soa.SoAReason", "entry"): "The reasons for including a control are part of the SoA row.",
    ("soa.SoAVersionRow", "version"): "The rows of an approved SoA version are part of the version.",
    ("audits.AuditTeamMember", "audit"): "The audit team is part of the audit (a closed audit is frozen).",
    ("audits.ChecklistItem", "audit"): "The checklist is part of the audit (a closed audit is frozen).",
    ("audits.EvidenceFile", "item"): "Evidence belongs to its checklist item (frozen with a closed audit).",
    ("soa.SoAVersion", "supersedes"): "No delete reaches a frozen version (Freezable refuses it, cascades "
    "included); CASCADE lets the refusal say why.",
    ("documents.DocumentPart", "document"): "A part is bookkeeping of one generated document's build "
    "(decision 0014); deleting the document deletes its parts.",
}

#: Rows without history of their own that belong to one organization record; their keys are checked too.
ROWS_OF_A_RECORD = {"documents.DocumentPart"}


def _is_organization_record(model) -> bool:
    return (
        issubclass(model, (OrganizationOwned, Organization, Membership))
        or model._meta.label in ROWS_OF_A_RECORD
    )


def _organization_edges():
    """Every foreign key from an organization record (or a row that belongs to an
    organization) to an organization record, with its ``on_delete``."""
    for model in apps.get_models():
        if model.__module__.endswith("history") or model.__name__.startswith("Historical"):
            continue  # simple-history's tables hold copies, not records
        for field in model._meta.get_fields():
            if not (isinstance(field, models.ForeignKey) and field.concrete):
                continue
            target = field.related_model
            source_in_scope = _is_organization_record(model) or target is Organization
            if source_in_scope and _is_organization_record(target):
                yield model, field


def test_every_cascade_between_organization_records_is_allowed_with_a_reason():
    wrong = []
    for model, field in _organization_edges():
        if field.remote_field.on_delete is not models.CASCADE:
            continue
        label = model._meta.label
        if (label, field.name) not in CASCADE_ALLOWED and ("*", field.name) not in CASCADE_ALLOWED:
            wrong.append(f"{label}.{field.name} → {field.related_model._meta.label}")
    assert not wrong, (
        "CASCADE between organization records deletes work without a decision: make it PROTECT, "
        "RESTRICT or SET_NULL and delete through core.deletion, or allow it with a reason:\n"
        + "\n".join(wrong)
    )


def test_the_allow_list_names_only_cascades_that_exist():
    cascades = {
        (model._meta.label, field.name)
        for model, field in _organization_edges()
        if field.remote_field.on_delete is models.CASCADE
    }
    stale = [key for key in CASCADE_ALLOWED if key[0] != "*" and key not in cascades]
    assert not stale, f"Allowed cascades that no longer exist: {stale}"
    assert all(reason.strip() for reason in CASCADE_ALLOWED.values())


@pytest.mark.parametrize(
    ("label", "field", "expected"),
    [
        ("risks.ImpactAssessment", "ai_system", models.RESTRICT),
        ("risks.RiskAsset", "asset", models.RESTRICT),
        ("assets.AssetRelation", "source", models.RESTRICT),
        ("assets.AssetRelation", "target", models.RESTRICT),
        ("risks.ImpactItem", "risk", models.SET_NULL),
    ],
)
def test_links_across_registers_are_not_cascades(label, field, expected):
    assert apps.get_model(label)._meta.get_field(field).remote_field.on_delete is expected
