import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitation_revoked_at"),
        ("zoom", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeetingPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "platform",
                    models.CharField(
                        choices=[("zoom", "Zoom"), ("custom", "Custom link"), ("none", "No online meeting")],
                        default="zoom",
                        max_length=20,
                    ),
                ),
                ("custom_url", models.URLField(blank=True, max_length=500)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "member",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meeting_preference",
                        to="accounts.member",
                    ),
                ),
            ],
        ),
    ]
