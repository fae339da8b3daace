"""The asset inventory as CSV/XLSX: which columns, how cells become values,
and importing a file all or nothing (files themselves: ``core.tabular``).

Enumerations are exported as codes (``ai_system``, ``confidential``) and
imported as codes or labels, in any case. Owners and custodians are written as
usernames and read as a username or an email of a member. The ``relations``
column lists an asset's outgoing links as ``type:identifier`` separated by
``;`` — the target may be another row of the same file — so that an export
imported into another organization reproduces the inventory, links included.
"""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet

from core.registers.imports import ImportRow, TableImport
from core.registers.members import members_by_handle
from core.tabular import Column, Row, choice_lookup
from core.types import Actor

from .models import (
    AI_FIELDS,
    AILifecycleStage,
    AIModelType,
    AIRiskClass,
    AIRole,
    Asset,
    AssetKind,
    AutomationLevel,
    Classification,
    Criticality,
    HumanOversight,
    LifecycleStatus,
    PersonalData,
    Rating,
    RelationType,
)
from .services import AssetDraft, asset_bulk_create, asset_bulk_validate

_CHOICES = {
    "kind": AssetKind,
    "classification": Classification,
    "criticality": Criticality,
    "lifecycle_status": LifecycleStatus,
    "ai_role": AIRole,
    "ai_model_type": AIModelType,
    "ai_personal_data": PersonalData,
    "ai_automation_level": AutomationLevel,
    "ai_human_oversight": HumanOversight,
    "ai_risk_class": AIRiskClass,
    "ai_lifecycle_stage": AILifecycleStage,
}
_RATINGS = ("confidentiality", "integrity", "availability")
_PEOPLE = ("owner", "custodian")


def _column(key: str, help_text: str = "", *, required: bool = False, width: int = 0) -> Column:
    label = "Relations" if key == "relations" else str(Asset._meta.get_field(key).verbose_name)
    if key in _CHOICES:
        choices = tuple(_CHOICES[key].values)
    elif key in _RATINGS:
        choices = tuple(f"{value} ({label.split(' — ')[1].lower()})" for value, label in Rating.choices)
    else:
        choices = ()
    return Column(
        key=key,
        header=key,
        help=help_text or str(Asset._meta.get_field(key).help_text or label.capitalize()),
        required=required,
        choices=choices,
        aliases=(label,),
        width=width,
    )


ASSET_COLUMNS: list[Column] = [
    _column("identifier", "Unique in the organization; the next AST-NNNN is given when empty.", width=12),
    _column("name", "What the asset is called.", required=True, width=32),
    _column(
        "kind", "Information kinds, or AI kinds (ai_system, ai_model, dataset, ai_service).", required=True
    ),
    _column("description", "What it is and what it is for.", width=40),
    _column("owner", "Username or email of the member accountable for it.", required=True),
    _column("custodian", "Username or email of the member who looks after it day to day."),
    _column("location", width=20),
    _column("classification", "Empty: internal."),
    _column("confidentiality", "1 to 5; empty: 3."),
    _column("integrity", "1 to 5; empty: 3."),
    _column("availability", "1 to 5; empty: 3."),
    _column("criticality", "Empty: derived from the highest of the three ratings."),
    _column("lifecycle_status", "Empty: in_use."),
    _column("tags", "Separated by commas, e.g. pii, claims.", width=20),
    _column("ai_role", "AI assets only."),
    _column("ai_model_type", "AI assets only."),
    _column("ai_vendor", "AI assets only.", width=20),
    _column("ai_version", "AI assets only."),
    _column("ai_intended_purpose", "AI assets only.", width=40),
    _column("ai_data_provenance", "AI assets only.", width=40),
    _column("ai_data_licence", "AI assets only.", width=20),
    _column("ai_personal_data", "AI assets only."),
    _column("ai_automation_level", "AI assets only."),
    _column("ai_human_oversight", "AI assets only."),
    _column("ai_risk_class", "AI assets only: the EU AI Act risk class."),
    _column("ai_lifecycle_stage", "AI assets only."),
    _column(
        "relations",
        "Outgoing links as type:identifier separated by ; e.g. uses:AST-0002; hosted_on:AST-0007. "
        f"Types: {', '.join(RelationType.values)}.",
        width=36,
    ),
]


# --- Export --------------------------------------------------------------------


def asset_export_rows(queryset: QuerySet[Asset]) -> Iterator[list]:
    """One list of cell values per asset, in ``ASSET_COLUMNS`` order.

    ``queryset`` should come from ``selectors.assets_with_relations``.
    """
    for asset in queryset:
        row = []
        for column in ASSET_COLUMNS:
            key = column.key
            if key in _PEOPLE:
                person = getattr(asset, key)
                row.append(person.username if person is not None else "")
            elif key == "tags":
                row.append(", ".join(asset.tags))
            elif key == "relations":
                row.append(
                    "; ".join(
                        f"{r.type}:{r.target.identifier}"
                        for r in sorted(
                            asset.relations_out.all(), key=lambda r: (r.type, r.target.identifier)
                        )
                    )
                )
            else:
                row.append(getattr(asset, key))
        yield row


# --- Import --------------------------------------------------------------------


_LOOKUPS = {key: choice_lookup(choices) for key, choices in _CHOICES.items()}
_RATING_LOOKUP = {
    **{str(value): value for value in Rating.values},
    **{label.split(" — ")[1].lower(): value for value, label in Rating.choices},
    **{label.lower(): value for value, label in Rating.choices},
}
_RELATION_LOOKUP = choice_lookup(RelationType)


def _parse_relations(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    relations, problems = [], []
    for item in text.replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        if ":" not in item:
            problems.append(f"“{item}” is not type:identifier (e.g. uses:AST-0002).")
            continue
        type_text, reference = (part.strip() for part in item.split(":", 1))
        relation_type = _RELATION_LOOKUP.get(type_text.lower(), type_text)
        relations.append((relation_type, reference))
    return relations, problems


def _draft_from_row(row: Row, members: dict) -> tuple[AssetDraft, dict[str, list[str]]]:
    values: dict = {}
    problems: dict[str, list[str]] = defaultdict(list)
    relations: list[tuple[str, str]] = []
    for column in ASSET_COLUMNS:
        key = column.key
        if key not in row.cells:
            continue
        text = row.get(key)
        if key == "relations":
            relations, relation_problems = _parse_relations(text)
            problems[key].extend(relation_problems)
        elif key in _PEOPLE:
            if text:
                user = members.get(text.lower())
                if user is None:
                    problems[key].append(
                        f"No member of this organization has the username or email “{text}”."
                    )
                else:
                    values[key] = user
            elif key == "owner":
                problems[key].append("Give the owner's username or email.")
            else:
                values[key] = None
        elif key in _RATINGS:
            if text:
                rating = _RATING_LOOKUP.get(text.lower())
                if rating is None:
                    problems[key].append(f"“{text}” is not a rating: use a whole number from 1 to 5.")
                else:
                    values[key] = rating
        elif key in _CHOICES:
            if text:
                value = _LOOKUPS[key].get(text.lower())
                if value is None:
                    accepted = ", ".join(_CHOICES[key].values)
                    noun = "kind of asset" if key == "kind" else f"{column.aliases[0]}"
                    problems[key].append(f"“{text}” is not a {noun}: use one of {accepted}.")
                else:
                    values[key] = value
            elif key in AI_FIELDS or key == "criticality":
                values[key] = ""
            elif key == "kind":
                problems[key].append("Give the kind of asset.")
        else:
            values[key] = text
    if "name" in row.cells and not row.get("name"):
        problems["name"].append("Give the asset a name.")
    return AssetDraft(values=values, relations=relations), {k: v for k, v in problems.items() if v}


class AssetTableImport(TableImport):
    """The inventory's import: cells to ``AssetDraft``s, checked and created by the bulk services."""

    columns = ASSET_COLUMNS

    def context(self, organization, rows):
        return members_by_handle(organization)

    def draft_from_row(self, row, context):
        return _draft_from_row(row, context)

    def validate(self, *, organization, actor: Actor, drafts, errors, item_names):
        return asset_bulk_validate(
            organization=organization, actor=actor, drafts=drafts, errors=errors, item_names=item_names
        )

    def create(self, *, organization, actor: Actor, drafts, reason):
        return asset_bulk_create(organization=organization, actor=actor, drafts=drafts, reason=reason)

    def tallies(self, rows: list[ImportRow]) -> list[tuple[str, int]]:
        return [
            ("AI assets", sum(1 for r in rows if r.record.is_ai)),
            ("Relations", sum(len(r.draft.relations) for r in rows)),
        ]


ASSET_IMPORT = AssetTableImport()
#: Check every row of an uploaded file as one batch; writes nothing.
asset_import_preview = ASSET_IMPORT.preview
#: Create an asset per row, and their relations, or nothing (``ImportRefused`` lists every problem).
asset_import = ASSET_IMPORT.write
