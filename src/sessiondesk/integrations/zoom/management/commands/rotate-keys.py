"""``sessiondesk rotate-keys``: re-encrypt every encrypted column under the newest key.

Put the new key first in ENCRYPTION_KEYS (keeping the old ones after it), restart, run this, then
drop the old keys. Safe to run while SessionDesk is serving: each value is swapped only if it did
not change meanwhile, and running it twice does no harm.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from sessiondesk.lib.crypto import EncryptedTextField, rotate

BATCH = 500


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary key column, encrypted column) for every EncryptedTextField of every model."""
    found: list[tuple[str, str, str]] = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.append((model._meta.db_table, str(model._meta.pk.column), str(field.column)))
    return found


def rotate_column(table: str, pk: str, column: str) -> int:
    qn = connection.ops.quote_name
    changed, last = 0, None
    while True:
        with connection.cursor() as cursor:
            where = f"WHERE {qn(pk)} > %s " if last is not None else ""
            cursor.execute(
                f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} {where}ORDER BY {qn(pk)} LIMIT {BATCH}",
                [last] if last is not None else [],
            )
            rows = cursor.fetchall()
        if not rows:
            return changed
        with transaction.atomic(), connection.cursor() as cursor:
            for row_pk, raw in rows:
                if raw is None:
                    continue
                fresh = rotate(raw)
                # Compare-and-swap: a refresh that wrote a new value meanwhile already used the newest key.
                cursor.execute(
                    f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s AND {qn(column)} = %s",
                    [fresh, row_pk, raw],
                )
                changed += cursor.rowcount
        last = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column (Zoom tokens, PKCE verifiers) under the newest ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for table, pk, column in encrypted_columns():
            count = rotate_column(table, pk, column)
            total += count
            self.stdout.write(f"{table}.{column}: {count} re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values now use the newest key."))
