"""Schema changes that migrations share."""

from django.db import migrations, models


def without_own_index(
    model_name: str, name: str, field: models.ForeignKey, table: str, index: str
) -> migrations.SeparateDatabaseAndState:
    """The foreign key ``name`` altered to ``field`` (``db_index=False``), done as the one
    ``DROP INDEX`` that needs: on SQLite, Django alters a field by copying its whole table. The
    reverse makes the index again."""
    column = f"{name}_id"
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
            )
        ],
    )
