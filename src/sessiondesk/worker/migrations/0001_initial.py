from django.db import migrations, models


class Migration(migrations.Migration):
    """The heartbeat model moves here from the meetings app; its table stays as it is."""

    initial = True

    dependencies = [
        ("meetings", "0004_awaits_connection"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorkerHeartbeat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("seen_at", models.DateTimeField()),
                    ],
                    options={"db_table": "meetings_workerheartbeat"},
                ),
            ],
            database_operations=[],
        ),
    ]
