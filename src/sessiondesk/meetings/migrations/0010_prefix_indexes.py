import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """A meeting link's session and organisation, and a registration's session, lose their own
    indexes: other indexes of the same tables start with them. Every link made wrote each, and on
    PostgreSQL so did every change of the link's state (an update that changes an indexed column
    writes a new entry in every index of the table)."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
        ("meetings", "0009_registrations"),
        ("scheduling", "0006_prefix_indexes"),
    ]

    operations = [
        without_own_index(
            "meetinglink",
            "org",
            models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
            table="meetings_meetinglink",
            index="meetings_meetinglink_org_id_5678c75f",
        ),
        without_own_index(
            "meetinglink",
            "session",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="meeting_links",
                to="scheduling.session",
            ),
            table="meetings_meetinglink",
            index="meetings_meetinglink_session_id_21ab672e",
        ),
        without_own_index(
            "registration",
            "session",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="registrations",
                to="scheduling.session",
            ),
            table="meetings_registration",
            index="meetings_registration_session_id_3e80e65b",
        ),
    ]
