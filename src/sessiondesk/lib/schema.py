"""Schema changes that migrations share."""

from django.db import migrations, models


def without_own_index(
    model_name: str, name: str, field: models.Field, table: str, index: str
) -> migrations.SeparateDatabaseAndState:
    """The field ``name`` (a foreign key or a plain column) altered to ``field`` (``db_index=False``),
    done as the one ``DROP INDEX`` that needs: on SQLite, Django alters a field by copying its whole
    table. The reverse makes the index again."""
    column = f"{name}_id" if isinstance(field, models.ForeignKey) else name
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[drop_index(table, column, index)],
    )


def drop_index(table: str, column: str, index: str) -> migrations.RunSQL:
    """``DROP INDEX`` of the index ``index`` on ``table``'s ``column``; the reverse makes it again."""
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")'
    )
