from django.db import migrations


class Migration(migrations.Migration):
    """The heartbeat model now belongs to the worker app (same table)."""

    dependencies = [
        ("meetings", "0004_awaits_connection"),
        ("worker", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorkerHeartbeat")],
            database_operations=[],
        ),
    ]
