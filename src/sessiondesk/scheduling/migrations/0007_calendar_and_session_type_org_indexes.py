import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """A calendar's and a session type's organisation lose their own indexes: their tables' unique
    constraints start with them."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
        ("scheduling", "0006_prefix_indexes"),
    ]

    operations = [
        without_own_index(
            "calendar",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendars",
                to="accounts.organization",
            ),
            table="scheduling_calendar",
            index="scheduling_calendar_org_id_846300f2",
        ),
        without_own_index(
            "sessiontype",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="session_types",
                to="accounts.organization",
            ),
            table="scheduling_sessiontype",
            index="scheduling_sessiontype_org_id_218bcaf1",
        ),
    ]
