"""Every organization has one SoA row per Annex A control, from the start.

Rows are made here and only here, at three moments: when an organization is
created (``organizations.signals.organization_created``), when the catalogues are
loaded (``controls.signals.catalogues_loaded``: a new control gets a row in every
organization) and once by the data migration ``0002`` for organizations that
existed before the SoA. No read ever creates a row.

The function takes an app registry so that the data migration runs the very same
code on its historical models; each row gets its "created" history record, in
bulk, naming the actor when there is one.
"""

from django.apps import apps as global_apps
from django.utils import timezone

FRAMEWORKS = ("iso27001-2022", "iso42001-2023")


def entries_create_missing(
    registry=global_apps, *, organization_ids=None, actor_id: int | None = None, reason: str = ""
) -> int:
    """Create the missing SoA rows of the organizations (all when ``None``); returns how many.

    Runs a fixed number of queries whatever the number of organizations, and
    creates nothing when the catalogues are not loaded yet.
    """
    Control = registry.get_model("controls", "Control")
    Organization = registry.get_model("organizations", "Organization")
    SoAEntry = registry.get_model("soa", "SoAEntry")
    HistoricalSoAEntry = registry.get_model("soa", "HistoricalSoAEntry")

    control_ids = list(
        Control.objects.filter(framework__code__in=FRAMEWORKS)
        .order_by("framework__order", "order")
        .values_list("pk", flat=True)
    )
    if not control_ids:
        return 0
    organizations = Organization.objects.all()
    if organization_ids is not None:
        organizations = organizations.filter(pk__in=list(organization_ids))
    existing: dict[int, set[int]] = {}
    for organization_id, control_id in SoAEntry.objects.filter(organization__in=organizations).values_list(
        "organization_id", "control_id"
    ):
        existing.setdefault(organization_id, set()).add(control_id)

    now = timezone.now()
    missing = [
        SoAEntry(organization_id=organization_id, control_id=control_id, created_at=now, updated_at=now)
        for organization_id in organizations.values_list("pk", flat=True)
        for control_id in control_ids
        if control_id not in existing.get(organization_id, ())
    ]
    if not missing:
        return 0
    created = SoAEntry.objects.bulk_create(missing, batch_size=500)
    fields = [f.attname for f in SoAEntry._meta.concrete_fields]
    HistoricalSoAEntry.objects.bulk_create(
        [
            HistoricalSoAEntry(
                **{name: getattr(entry, name) for name in fields},
                history_date=now,
                history_type="+",
                history_user_id=actor_id,
                history_change_reason=reason or "Row of the Statement of Applicability provisioned",
            )
            for entry in created
        ],
        batch_size=500,
    )
    return len(created)
