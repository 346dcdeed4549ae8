import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """An attendee's session and client, a segment's session and an attendance's organisation lose
    their own indexes: other indexes of the same tables start with them."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
        ("attendance", "0001_initial"),
        ("scheduling", "0006_prefix_indexes"),
    ]

    operations = [
        without_own_index(
            "attendee",
            "client",
            models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendances",
                to="scheduling.client",
            ),
            table="attendance_attendee",
            index="attendance_attendee_client_id_7f1098dd",
        ),
        without_own_index(
            "attendee",
            "session",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendees",
                to="scheduling.session",
            ),
            table="attendance_attendee",
            index="attendance_attendee_session_id_28f0fc8e",
        ),
        without_own_index(
            "segment",
            "session",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="scheduling.session",
            ),
            table="attendance_segment",
            index="attendance_segment_session_id_bb9a9677",
        ),
        without_own_index(
            "sessionattendance",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
            table="attendance_sessionattendance",
            index="attendance_sessionattendance_org_id_d9b4caa5",
        ),
    ]
