"""Writes to the asset inventory. Each one checks the actor's role, validates,
and saves through ``record_save`` / history-aware bulk inserts so that the
history names who did it."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Length, Lower

from core.deletion import DeletionImpact, record_delete_with_impact
from core.identifiers import identifier_number_next, identifier_number_seen, identifier_numbers_take
from core.registers.bulk import (
    BulkError,
    BulkPlan,
    ItemErrors,
    bulk_insert,
    bulk_numbers_preview,
    bulk_numbers_take,
    bulk_size_check,
    item_name,
)
from core.registers.members import acting_membership, member_ids
from core.registers.values import validation_errors, values_apply
from core.services import record_delete, record_save
from core.types import Actor
from organizations.models import Membership, Organization

from .models import (
    AI_FIELDS,
    IDENTIFIER_PREFIX,
    Asset,
    AssetRelation,
    InventoryGeneration,
    RelationType,
    relation_kind_errors,
)

#: Fields a service may set on an asset; the rest are bookkeeping.
ASSET_WRITABLE_FIELDS = frozenset(
    {
        "kind",
        "name",
        "identifier",
        "description",
        "owner",
        "custodian",
        "location",
        "classification",
        "confidentiality",
        "integrity",
        "availability",
        "criticality",
        "lifecycle_status",
        "tags",
        *AI_FIELDS,
    }
)
IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_NUMBERED_IDENTIFIER = re.compile(rf"^{re.escape(IDENTIFIER_PREFIX)}(\d+)$")
# --- Who may do what ---------------------------------------------------------


def _acting_membership(organization: Organization, actor: Actor) -> Membership:
    return acting_membership(organization, actor, records="assets")


def _ensure_can_create(membership: Membership) -> None:
    if not membership.can_create:
        raise PermissionDenied("Your role in this organization does not allow adding assets.")


def _ensure_can_edit(membership: Membership, asset: Asset) -> None:
    if not membership.can_edit(asset):
        raise PermissionDenied("You can change only the assets you own.")


def _people_errors(asset: Asset, *, membership: Membership, member_ids: set[int]) -> dict[str, str]:
    errors = {}
    if asset.owner_id is not None:
        if asset.owner_id not in member_ids:
            errors["owner"] = "The owner must be a member of this organization."
        elif not membership.can_assign_owner(asset.owner):
            errors["owner"] = "As a contributor you can register and keep only assets you own yourself."
    if asset.custodian_id is not None and asset.custodian_id not in member_ids:
        errors["custodian"] = "The custodian must be a member of this organization."
    return errors


# --- Identifiers -------------------------------------------------------------


def _highest_identifier_number(organization: Organization) -> int:
    """The highest N among the organization's ``AST-N`` identifiers (0 if none)."""
    candidates = (
        Asset.objects.for_organization(organization)
        .filter(identifier__startswith=IDENTIFIER_PREFIX)
        .annotate(identifier_length=Length("identifier"))
        .order_by("-identifier_length", "-identifier")
        .values_list("identifier", flat=True)
    )
    for identifier in candidates.iterator(chunk_size=100):
        match = _NUMBERED_IDENTIFIER.match(identifier)
        if match:
            return int(match.group(1))
    return 0


def _identifier_format(number: int) -> str:
    return f"{IDENTIFIER_PREFIX}{number:04d}"


#: The ``core.identifiers`` counter of asset numbers.
IDENTIFIER_KIND = "asset"


def _identifier_number(identifier: str) -> int | None:
    match = _NUMBERED_IDENTIFIER.match(identifier or "")
    return int(match.group(1)) if match else None


def _identifier_assign(asset: Asset, number: int) -> None:
    asset.identifier = _identifier_format(number)


def _identifier_take(organization: Organization) -> str:
    """The next ``AST-NNNN``, never one an asset had before (call inside the writing transaction)."""
    number = identifier_numbers_take(
        organization=organization, kind=IDENTIFIER_KIND, at_least=_highest_identifier_number(organization)
    )
    return _identifier_format(number)


def _identifier_note(organization: Organization, identifier: str) -> None:
    """An explicit ``AST-N`` moves the counter past N, so that it is never generated again."""
    if (number := _identifier_number(identifier)) is not None:
        identifier_number_seen(organization=organization, kind=IDENTIFIER_KIND, number=number)


def _identifier_errors(identifier: str) -> str | None:
    if identifier and not IDENTIFIER_PATTERN.match(identifier):
        return "Use letters, digits and . _ / - only, starting with a letter or digit."
    return None


_IDENTIFIER_TAKEN = "Another asset of this organization already has this identifier."


def _identifier_taken(organization: Organization, identifier: str, *, exclude_pk: int | None = None) -> bool:
    queryset = Asset.objects.for_organization(organization).filter(identifier__iexact=identifier)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def _apply(asset: Asset, values: Mapping[str, Any]) -> list[str]:
    return values_apply(asset, values, writable=ASSET_WRITABLE_FIELDS, noun="asset", strip=False)


def inventory_changed(organization: Organization) -> None:
    """Raise the organization's inventory generation (``InventoryGeneration``), in the
    caller's transaction, so the figures cached under the old one are not read again."""
    if InventoryGeneration.objects.filter(organization=organization).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            InventoryGeneration.objects.create(organization=organization, number=1)
    except IntegrityError:  # another write created it first
        InventoryGeneration.objects.filter(organization=organization).update(number=F("number") + 1)


# --- One asset ---------------------------------------------------------------


def asset_create(*, organization: Organization, actor: Actor, values: Mapping[str, Any]) -> Asset:
    """Register an asset; its identifier is the next ``AST-NNNN`` when none is given.

    Raises ``PermissionDenied`` when the actor may not add assets and
    ``ValidationError`` (per field) when the asset is not valid — including an
    owner who is not a member, a contributor naming someone else as owner, and
    AI fields on an information asset.
    """
    membership = _acting_membership(organization, actor)
    _ensure_can_create(membership)
    asset = Asset(organization=organization)
    _apply(asset, values)
    asset.identifier = (asset.identifier or "").strip()
    generated = not asset.identifier
    errors = _people_errors(asset, membership=membership, member_ids=member_ids(organization))
    if message := _identifier_errors(asset.identifier):
        errors["identifier"] = message
    elif not generated and _identifier_taken(organization, asset.identifier):
        errors["identifier"] = _IDENTIFIER_TAKEN
    if generated:
        # The number the counter would give, so that validation sees a real identifier; the
        # counter itself moves only when the asset is written (below).
        asset.identifier = _identifier_format(
            identifier_number_next(organization=organization, kind=IDENTIFIER_KIND)
        )
    try:
        asset.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = {**validation_errors(exc), **errors}
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                if generated:
                    asset.identifier = _identifier_take(organization)
                else:
                    _identifier_note(organization, asset.identifier)
                saved = record_save(asset, actor=actor, reason="Asset registered")
                inventory_changed(organization)
                return saved
        except IntegrityError:
            # Someone else took the identifier between our read and our write.
            asset.pk = None
            if not generated:
                raise ValidationError({"identifier": _IDENTIFIER_TAKEN}) from None
    raise ValidationError({"identifier": "Could not find a free identifier; give one explicitly."})


def asset_update(*, asset: Asset, actor: Actor, values: Mapping[str, Any]) -> Asset:
    """Change an asset. Contributors change only what they own and cannot hand it to someone else."""
    organization = asset.organization
    membership = _acting_membership(organization, actor)
    _ensure_can_edit(membership, asset)
    changed = _apply(asset, values)
    generated = False
    if "identifier" in values:
        asset.identifier = (asset.identifier or "").strip()
        if not asset.identifier:
            generated = True
            asset.identifier = _identifier_format(
                identifier_number_next(organization=organization, kind=IDENTIFIER_KIND)
            )
    errors = _people_errors(asset, membership=membership, member_ids=member_ids(organization))
    if message := _identifier_errors(asset.identifier):
        errors["identifier"] = message
    elif _identifier_taken(organization, asset.identifier, exclude_pk=asset.pk):
        errors["identifier"] = _IDENTIFIER_TAKEN
    try:
        asset.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = {**validation_errors(exc), **errors}
    if errors:
        raise ValidationError(errors)
    update_fields = sorted({*changed, "criticality", "updated_at"})
    try:
        with transaction.atomic():
            if generated:
                asset.identifier = _identifier_take(organization)
            elif "identifier" in values:
                _identifier_note(organization, asset.identifier)
            saved = record_save(asset, actor=actor, reason="Asset changed", update_fields=update_fields)
            inventory_changed(organization)
            return saved
    except IntegrityError:
        raise ValidationError({"identifier": _IDENTIFIER_TAKEN}) from None


def asset_delete(*, asset: Asset, actor: Actor) -> DeletionImpact:
    """Delete an asset after saying what it affects (``core.deletion``): its links
    to other assets and to risks are removed, each affected record's history
    naming the asset; drafts of its impact assessments go with it. Raises
    ``DeletionRefused`` (nothing written) while a signed-off assessment of it exists.
    """
    membership = _acting_membership(asset.organization, actor)
    _ensure_can_edit(membership, asset)
    with transaction.atomic():
        impact = record_delete_with_impact(asset, actor=actor, reason="Asset deleted")
        inventory_changed(asset.organization)
    return impact


# --- Relations ---------------------------------------------------------------


def asset_relation_create(
    *, organization: Organization, actor: Actor, source: Asset, target: Asset, type: str, note: str = ""
) -> AssetRelation:
    """Link ``source`` to ``target`` ("source <type> target").

    Whoever may change the source asset may link it. Both assets must belong
    to ``organization``; self-links, duplicates and links that make no sense
    for the kinds (a dataset "trained on" something) are refused per field.
    """
    membership = _acting_membership(organization, actor)
    if source.organization_id != organization.pk:
        raise ValidationError({"source": "The asset must belong to this organization."})
    if target.organization_id != organization.pk:
        raise ValidationError({"target": "Both assets must belong to the same organization."})
    _ensure_can_edit(membership, source)
    if source.pk == target.pk:
        raise ValidationError({"target": "An asset cannot be linked to itself."})
    relation = AssetRelation(organization=organization, source=source, target=target, type=type, note=note)
    relation.full_clean()
    with transaction.atomic():
        saved = record_save(relation, actor=actor, reason="Assets linked")
        inventory_changed(organization)
        return saved


def asset_relation_delete(*, relation: AssetRelation, actor: Actor) -> None:
    membership = _acting_membership(relation.organization, actor)
    _ensure_can_edit(membership, relation.source)
    with transaction.atomic():
        record_delete(relation, actor=actor, reason="Assets unlinked")
        inventory_changed(relation.organization)


# --- Many assets at once (import, API bulk) --------------------------------


@dataclass
class AssetDraft:
    """One asset to create in bulk, with the relations it starts from
    (``(type, target identifier)``; the target may be another draft)."""

    values: dict[str, Any]
    relations: list[tuple[str, str]] = field(default_factory=list)


def asset_bulk_validate(
    *,
    organization: Organization,
    actor: Actor,
    drafts: Sequence[AssetDraft],
    errors: Mapping[int, Mapping] = (),
    item_names: Sequence[str] = (),
) -> BulkPlan:
    """Validate ``drafts`` as one batch without writing anything.

    Every item is checked like ``asset_create`` would, plus what only a batch
    can get wrong: an identifier used twice in the batch or already taken, and
    relations to identifiers that exist neither in the batch nor in the
    organization. ``errors`` are problems the caller already found per index
    (cells that did not parse); they are merged in. ``item_names`` say how a
    message names another item ("line 7"; "item 6" by default). Blank
    identifiers get the next free numbers, so a preview shows what would be
    written. The plan's ``records`` are the assets, its ``links`` the
    relations as ``(source index, type, target index or existing asset)``.
    """
    membership = _acting_membership(organization, actor)
    _ensure_can_create(membership)
    bulk_size_check(drafts, noun="assets")
    found = ItemErrors(errors)
    members = member_ids(organization)

    assets = []
    for index, draft in enumerate(drafts):
        asset = Asset(organization=organization)
        _apply(asset, draft.values)
        asset.identifier = (asset.identifier or "").strip()
        problems: dict[str, list[str]] = {}
        try:
            # Organization, owner and custodian are checked against what we know below,
            # not one query per row; the identifier against the batch and the table.
            asset.full_clean(exclude={"organization", "owner", "custodian"}, validate_constraints=False)
        except ValidationError as exc:
            problems.update(validation_errors(exc))
        if draft.values.get("owner") is None and "owner" not in found.on(index):
            problems.setdefault("owner", []).append("This field cannot be blank.")
        for name, message in _people_errors(asset, membership=membership, member_ids=members).items():
            problems.setdefault(name, []).append(message)
        if message := _identifier_errors(asset.identifier):
            problems.setdefault("identifier", []).append(message)
        found.add_unreported(index, problems)
        assets.append(asset)

    # Identifiers: unique in the batch and not yet taken in the organization.
    first_index: dict[str, int] = {}
    for index, asset in enumerate(assets):
        key = asset.identifier.lower()
        if not key:
            continue
        if key in first_index:
            first = first_index[key]
            found.add(
                index,
                "identifier",
                f"“{asset.identifier}” is already used on {item_name(item_names, first)}.",
            )
        else:
            first_index[key] = index
    existing = _existing_by_identifier(organization, [a.identifier for a in assets if a.identifier])
    for index, asset in enumerate(assets):
        if asset.identifier and asset.identifier.lower() in existing:
            found.add(index, "identifier", f"“{asset.identifier}” already exists in this organization.")
    # Blank identifiers get the numbers the counter would give, so that a preview shows them;
    # ``asset_bulk_create`` takes them for real when it writes (``bulk_numbers_take``).
    highest = max(
        [_highest_identifier_number(organization), *(_identifier_number(a.identifier) or 0 for a in assets)]
    )
    numbered = bulk_numbers_preview(
        assets,
        organization=organization,
        kind=IDENTIFIER_KIND,
        highest=highest,
        wanted=[not asset.identifier for asset in assets],
        assign=_identifier_assign,
    )

    relations = _bulk_relations(organization, drafts, assets, first_index, found)
    return BulkPlan(
        records=assets,
        drafts=list(drafts),
        errors=found.as_dict(),
        links=relations,
        numbered=numbered,
        highest_number=highest,
    )


def _existing_by_identifier(organization: Organization, identifiers: list[str]) -> dict[str, Asset]:
    """The organization's assets among ``identifiers``, keyed by lower-case identifier."""
    wanted = sorted({i.lower() for i in identifiers if i})
    found = {}
    queryset = (
        Asset.objects.for_organization(organization)
        .annotate(identifier_lower=Lower("identifier"))
        .only("id", "identifier", "kind", "organization_id")
    )
    for start in range(0, len(wanted), 500):
        for asset in queryset.filter(identifier_lower__in=wanted[start : start + 500]):
            found[asset.identifier.lower()] = asset
    return found


def _bulk_relations(organization, drafts, assets, batch_index, found: ItemErrors):
    references = {ref.strip().lower() for d in drafts for _, ref in d.relations if ref.strip()}
    outside = _existing_by_identifier(organization, [r for r in references if r not in batch_index])
    relations: list[tuple[int, str, int | Asset]] = []
    for index, draft in enumerate(drafts):
        seen = set()
        for relation_type, reference in draft.relations:
            key = reference.strip().lower()
            problem = None
            target: int | Asset | None = None
            if relation_type not in RelationType.values:
                problem = (
                    f"“{relation_type}” is not a relation type; use one of {', '.join(RelationType.values)}."
                )
            elif not key:
                problem = f"“{relation_type}” needs the identifier of the asset it points to."
            elif key in batch_index:
                target = batch_index[key]
            elif key in outside:
                target = outside[key]
            else:
                problem = f"No asset “{reference.strip()}” in this file or in the organization."
            if target is not None:
                target_kind = assets[target].kind if isinstance(target, int) else target.kind
                if target == index:
                    problem = "An asset cannot be linked to itself."
                elif (relation_type, key) in seen:
                    problem = f"“{relation_type} {reference.strip()}” is listed twice."
                else:
                    kind_errors = relation_kind_errors(
                        relation_type, source_kind=assets[index].kind, target_kind=target_kind
                    )
                    if kind_errors:
                        problem = " ".join(kind_errors.values())
            if problem:
                found.add(index, "relations", problem)
            else:
                seen.add((relation_type, key))
                relations.append((index, relation_type, target))
    return relations


def asset_bulk_create(
    *, organization: Organization, actor: Actor, drafts: Sequence[AssetDraft], reason: str = "Assets imported"
) -> list[Asset]:
    """Create every draft and its relations, or nothing.

    Raises ``BulkError`` (with the per-item errors) when any item is
    invalid. Rows are inserted with ``bulk_insert``, so each asset and
    relation gets a "created" history entry naming ``actor`` and ``reason``
    (cut once to the history's column). Blank identifiers take the next numbers
    of the ``core.identifiers`` counter, never one an asset had before.
    """
    with transaction.atomic():
        plan = asset_bulk_validate(organization=organization, actor=actor, drafts=drafts)
        if not plan.is_valid:
            raise BulkError(plan)
        bulk_numbers_take(plan, organization=organization, kind=IDENTIFIER_KIND, assign=_identifier_assign)
        assets = bulk_insert(plan.records, Asset, actor=actor, reason=reason, taken="identifiers")
        relations = [
            AssetRelation(
                organization=organization,
                source=assets[source],
                target=assets[target] if isinstance(target, int) else target,
                type=relation_type,
            )
            for source, relation_type, target in plan.links
        ]
        bulk_insert(relations, AssetRelation, actor=actor, reason=reason)
        inventory_changed(organization)
    return assets
