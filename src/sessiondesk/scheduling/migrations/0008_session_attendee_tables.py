import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import drop_index


class Migration(migrations.Migration):
    """The tables of a session's clients and co-hosts, which Django made for the many-to-many fields,
    become models of their own with the same tables, columns and unique pairs, so that their
    ``session_id`` loses its own index: each unique pair starts with it. Only the two ``DROP INDEX``
    touch the database."""

    dependencies = [
        ("accounts", "0005_member_org_index"),
        ("scheduling", "0007_calendar_and_session_type_org_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SessionClient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="scheduling.client"
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="scheduling.session",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "scheduling_session_clients",
                        "unique_together": {("session", "client")},
                    },
                ),
                migrations.AlterField(
                    model_name="session",
                    name="clients",
                    field=models.ManyToManyField(
                        related_name="sessions", through="scheduling.SessionClient", to="scheduling.client"
                    ),
                ),
                migrations.CreateModel(
                    name="SessionCoHost",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "member",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="accounts.member"
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="scheduling.session",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "scheduling_session_co_hosts",
                        "unique_together": {("session", "member")},
                    },
                ),
                migrations.AlterField(
                    model_name="session",
                    name="co_hosts",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="co_hosted_sessions",
                        through="scheduling.SessionCoHost",
                        to="accounts.member",
                    ),
                ),
            ],
            database_operations=[
                drop_index(
                    "scheduling_session_clients",
                    "session_id",
                    "scheduling_session_clients_session_id_765a5379",
                ),
                drop_index(
                    "scheduling_session_co_hosts",
                    "session_id",
                    "scheduling_session_co_hosts_session_id_0a98adc9",
                ),
            ],
        ),
    ]
