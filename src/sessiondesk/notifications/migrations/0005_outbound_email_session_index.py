import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """An email's session loses its own index: the index on (session, to) starts with it, and every
    email queued wrote both."""

    dependencies = [("notifications", "0004_mailbox_session"), ("scheduling", "0005_session_status_index")]

    operations = [
        without_own_index(
            "outboundemail",
            "session",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="emails",
                to="scheduling.session",
            ),
            table="notifications_outboundemail",
            index="notifications_outboundemail_session_id_aa0637c6",
        ),
    ]
