import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """The audit entry's organisation loses its own index: the index on (org, object_type,
    object_id, created_at) starts with it, and every audited change wrote both."""

    dependencies = [("accounts", "0003_audit_entry_object_index")]

    operations = [
        without_own_index(
            "auditentry",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit_entries",
                to="accounts.organization",
            ),
            table="accounts_auditentry",
            index="accounts_auditentry_org_id_a31f7d8f",
        ),
    ]
