"""The schema the migrations make: it matches the models, and no index repeats another's start."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

# Indexes another index of the same table starts with, kept: Django's own tables (users' groups and
# permissions) and the table it makes for a calendar's members, written only when those change.
# Dropping theirs needs a model of our own for the table, as a session's clients and co-hosts have.
KEPT = {
    ("accounts_user_groups", "user_id"),
    ("accounts_user_user_permissions", "user_id"),
    ("auth_group_permissions", "group_id"),
    ("auth_permission", "content_type_id"),
    ("scheduling_calendar_members", "calendar_id"),
}


def repeated_indexes() -> set[tuple[str, str]]:
    """(table, columns) of each index that is not unique and whose columns another index of the
    same table starts with: every row written writes both, and every read of it can use the other."""
    repeated = set()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            # Indexes, and unique constraints (SQLite lists those made with its table apart). A partial
            # index (a unique constraint with a condition) holds only some rows; PostgreSQL's second
            # index of a text column, for LIKE 'prefix%', is of another kind.
            partial = {c.name for c in model._meta.constraints if getattr(c, "condition", None) is not None}
            indexes = {
                name: index
                for name, index in constraints.items()
                if (index["index"] or index["unique"]) and name not in partial and not name.endswith("_like")
            }
            for name, index in indexes.items():
                if index["unique"] or index["primary_key"]:
                    continue
                columns = index["columns"]
                if any(
                    other != name and index_of_other["columns"][: len(columns)] == columns
                    for other, index_of_other in indexes.items()
                ):
                    repeated.add((table, ",".join(columns)))
    return repeated


@pytest.mark.django_db
def test_no_index_repeats_the_start_of_another_one_but_those_kept_on_purpose() -> None:
    assert repeated_indexes() == KEPT


@pytest.mark.django_db
def test_the_models_and_their_migrations_agree() -> None:
    # Exits (SystemExit) when a model change has no migration yet.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
