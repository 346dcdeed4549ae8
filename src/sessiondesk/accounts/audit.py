from typing import Any

from django.db import models

from sessiondesk.accounts.models import AuditEntry, Member, Organization
from sessiondesk.lib.rows import Prepared, insert
from sessiondesk.lib.rows import prepare as prepare_rows


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
    entry = _entry(org, actor, action, obj, actor_label, detail)
    insert([entry])  # every change writes one: SQL built once
    return entry


def prepare(
    org: Organization,
    actor: Member | None,
    action: str,
    obj: models.Model,
    *,
    actor_label: str = "",
    **detail: Any,
) -> Prepared:
    """``record``'s entry for an object not saved yet, made before the transaction that saves it:
    that transaction writes it (``lib.rows.write``) once the object has its id."""
    entry = _entry(org, actor, action, obj, actor_label, detail)
    return prepare_rows([entry], later={"object_id": lambda _: str(obj.pk)})


def _entry(
    org: Organization,
    actor: Member | None,
    action: str,
    obj: models.Model | None,
    actor_label: str,
    detail: dict[str, Any],
) -> AuditEntry:
    return AuditEntry(
        org=org,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else "system"),
        action=action,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail,
    )
