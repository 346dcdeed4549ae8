"""Each meeting link carries its session's organisation, so an organisation's links are read without
joining its sessions: added empty, filled from the sessions in one statement, then required."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    MeetingLink = apps.get_model("meetings", "MeetingLink")
    Session = apps.get_model("scheduling", "Session")
    MeetingLink.objects.update(
        org_id=Subquery(Session.objects.filter(pk=OuterRef("session_id")).values("org_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_entry_object_index"),
        ("meetings", "0007_link_updated_at_index"),
        ("scheduling", "0005_session_status_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetinglink",
            name="org",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meetinglink",
            name="org",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organization",
            ),
        ),
        migrations.AddIndex(
            model_name="meetinglink",
            index=models.Index(fields=["org", "state"], name="meetings_me_org_id_f44570_idx"),
        ),
    ]
