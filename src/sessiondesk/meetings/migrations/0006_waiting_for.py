from django.db import migrations, models

# The remedy meetings.horizon gave every occurrence waiting for its creation date when this was
# written: the only mark a wait of the horizon left before ``waiting_for`` existed.
HORIZON_REMEDY = "Nothing to do: SessionDesk creates it by itself."


def mark_existing_waits(apps, schema_editor):  # type: ignore[no-untyped-def]
    links = apps.get_model("meetings", "MeetingLink").objects.filter(state="waiting")
    links.filter(remedy=HORIZON_REMEDY).update(waiting_for="horizon")
    links.exclude(remedy=HORIZON_REMEDY).update(waiting_for="limit")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_heartbeat_moves_to_worker"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetinglink",
            name="waiting_for",
            field=models.CharField(
                blank=True,
                choices=[("limit", "A limit"), ("horizon", "Its creation date")],
                max_length=20,
            ),
        ),
        migrations.RunPython(mark_existing_waits, migrations.RunPython.noop),
    ]
