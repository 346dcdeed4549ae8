import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """A session's organisation and consultant, and a client's organisation, lose their own
    indexes: other indexes of the same tables start with them, and every booking wrote each."""

    dependencies = [
        ("accounts", "0003_audit_entry_object_index"),
        ("scheduling", "0005_session_status_index"),
    ]

    operations = [
        without_own_index(
            "client",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="clients",
                to="accounts.organization",
            ),
            table="scheduling_client",
            index="scheduling_client_org_id_16dd15f2",
        ),
        without_own_index(
            "session",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sessions",
                to="accounts.organization",
            ),
            table="scheduling_session",
            index="scheduling_session_org_id_902ac6b7",
        ),
        without_own_index(
            "session",
            "consultant",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="hosted_sessions",
                to="accounts.member",
            ),
            table="scheduling_session",
            index="scheduling_session_consultant_id_97f83696",
        ),
    ]
