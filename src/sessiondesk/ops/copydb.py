"""Copy every row of this deployment's database into a fresh PostgreSQL database.

The target is migrated first, must hold no data of its own (beyond what migrations create), and is
filled in one transaction: PostgreSQL checks foreign keys at commit (Django declares them
deferrable), so tables may be copied in any order. Primary keys, timestamps and secrets are kept as
they are (``auto_now`` fields are not re-stamped; encrypted columns are decrypted and re-encrypted
with the same keys). Afterwards every sequence is moved past the highest copied id, and the row
counts of both databases are compared table by table.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dj_database_url
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction

TARGET = "copy_target"
BATCH = 1000
# Created by migrations on the target: replaced by the source's rows (same ids as the foreign keys use).
REPLACED = ("contenttypes.ContentType", "auth.Permission")


class CopyRefused(Exception):
    pass


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


def copy_models() -> list[type[models.Model]]:
    """Every concrete table, including many-to-many tables, once each."""
    seen: set[str] = set()
    found: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return found


@contextmanager
def target_database(url: str) -> Iterator[str]:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise CopyRefused(
            f"The target must be a PostgreSQL URL (postgres://…), not {url.split(':', 1)[0]}:…."
        )
    configured = connections.configure_settings({"default": connections.settings["default"], TARGET: config})
    connections.settings[TARGET] = configured[TARGET]
    try:
        yield TARGET
    finally:
        connections[TARGET].close()
        del connections[TARGET]
        del connections.settings[TARGET]


@contextmanager
def timestamps_kept(chosen: list[type[models.Model]]) -> Iterator[None]:
    """``auto_now``/``auto_now_add`` would stamp every copied row with the time of the copy."""
    changed: list[tuple[models.DateField, bool, bool]] = []
    for model in chosen:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def copy(url: str, *, progress: Callable[[str], None] = lambda line: None) -> list[TableCount]:
    source = "default"
    chosen = copy_models()
    with target_database(url) as target:
        if connections[target].settings_dict["NAME"] == connections[source].settings_dict["NAME"] and (
            connections[source].vendor == "postgresql"
        ):
            raise CopyRefused("The target is the database this deployment already uses.")
        progress("Migrating the target database…")
        call_command("migrate", database=target, interactive=False, verbosity=0)
        replaced = {apps.get_model(label) for label in REPLACED}
        holding = [
            m._meta.db_table
            for m in chosen
            if m not in replaced and m._default_manager.using(target).exists()
        ]
        if holding:
            raise CopyRefused(
                "The target database already holds data (in " + ", ".join(sorted(holding)[:5]) + "): "
                "copy into a new, empty database."
            )
        with transaction.atomic(using=target), timestamps_kept(chosen):
            for model in replaced:
                model._default_manager.using(target).all().delete()
            for model in chosen:
                copied = _copy_table(model, source, target)
                progress(f"  {model._meta.db_table}: {copied} row(s)")
            _reset_sequences(chosen, target)
        return [
            TableCount(
                m._meta.db_table,
                m._default_manager.using(source).count(),
                m._default_manager.using(target).count(),
            )
            for m in chosen
        ]


def _copy_table(model: type[models.Model], source: str, target: str) -> int:
    manager = model._base_manager
    rows = manager.using(source).order_by("pk").iterator(chunk_size=BATCH)
    batch: list[models.Model] = []
    copied = 0
    for row in rows:
        row._state.db = target
        row._state.adding = True
        batch.append(row)
        if len(batch) == BATCH:
            manager.using(target).bulk_create(batch)
            copied += len(batch)
            batch = []
    if batch:
        manager.using(target).bulk_create(batch)
        copied += len(batch)
    return copied


def _reset_sequences(chosen: list[type[models.Model]], target: str) -> None:
    connection = connections[target]
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
