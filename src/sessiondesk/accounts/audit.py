from typing import Any

from django.db import models

from sessiondesk.accounts.models import AuditEntry, Member, Organization


def record(
    org: Organization,
    actor: Member | None,
    action: str,
    obj: models.Model | None = None,
    *,
    actor_label: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append to the organisation's audit log; call inside the transaction that made the change."""
    return AuditEntry.objects.create(
        org=org,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else "system"),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail,
    )
