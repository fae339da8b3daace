"""A closed audit's scope lists (themes, assets) are frozen like the audit itself:
many-to-many changes bypass ``save()``, so they are refused here."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from core.freezing import RecordFrozen

from .models import CLOSED_AUDIT, Audit, AuditStatus


def _refuse_on_closed_audit(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        closed = (
            isinstance(instance, Audit)
            and instance.pk is not None
            and (Audit._base_manager.filter(pk=instance.pk, status=AuditStatus.CLOSED).exists())
        )
    else:
        # From the other side (asset.audits.add(audit)): the audits named, or all of them on clear.
        audits = Audit._base_manager.filter(status=AuditStatus.CLOSED)
        if pk_set is not None:
            audits = audits.filter(pk__in=pk_set)
        else:
            field = "assets" if sender is Audit.assets.through else "themes"
            audits = audits.filter(**{field: instance})
        closed = audits.exists()
    if closed:
        raise RecordFrozen(CLOSED_AUDIT)


for _field in ("themes", "assets"):
    receiver(m2m_changed, sender=getattr(Audit, _field).through, dispatch_uid=f"audit-{_field}-frozen")(
        _refuse_on_closed_audit
    )
