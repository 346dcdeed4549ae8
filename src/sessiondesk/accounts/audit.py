from typing import Any

from django.db import models

from sessiondesk.accounts.models import AuditEntry, Member, Organization
from sessiondesk.lib.rows import insert


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
    entry = AuditEntry(
        org=org,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else "system"),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail,
    )
    insert([entry])  # every change writes one: SQL built once
    return entry
