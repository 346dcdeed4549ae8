from django.db import migrations, models


def gather_statistics(apps, schema_editor):  # type: ignore[no-untyped-def]
    # SQLite's planner takes an index without statistics for a selective one and would start the
    # meeting-link queries of Integration health from the organisation's sessions until the first
    # connection closes (PRAGMA optimize); statistics now avoid that first slow page.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE scheduling_session")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_entry_object_index"),
        ("scheduling", "0004_indexes_at_scale"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(fields=["org", "status", "start"], name="session_org_status_start"),
        ),
        migrations.RunPython(gather_statistics, migrations.RunPython.noop, elidable=True),
    ]
