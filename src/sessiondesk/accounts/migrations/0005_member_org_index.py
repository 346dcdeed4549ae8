import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """A member's organisation loses its own index: member_unique_per_org starts with it."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
    ]

    operations = [
        without_own_index(
            "member",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="members",
                to="accounts.organization",
            ),
            table="accounts_member",
            index="accounts_member_org_id_3c19c26b",
        ),
    ]
