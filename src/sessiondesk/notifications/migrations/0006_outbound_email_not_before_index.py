import django.utils.timezone
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """An email's ``not_before`` loses its own index: the due emails are read through the index on
    (state, not_before), nothing reads it alone, and every email queued wrote it."""

    dependencies = [("notifications", "0005_outbound_email_session_index")]

    operations = [
        without_own_index(
            "outboundemail",
            "not_before",
            models.DateTimeField(default=django.utils.timezone.now),
            table="notifications_outboundemail",
            index="notifications_outboundemail_not_before_fe89efa8",
        ),
    ]
