import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """An imported record's organisation loses its own index: imported_record_unique starts with it,
    and an import writes a record a line."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
        ("transfer", "0001_initial"),
    ]

    operations = [
        without_own_index(
            "importedrecord",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
            table="transfer_importedrecord",
            index="transfer_importedrecord_org_id_3f815133",
        ),
    ]
