import django.db.models.deletion
from django.db import migrations, models

from sessiondesk.lib.schema import without_own_index


class Migration(migrations.Migration):
    """The Zoom directory's organisation columns, and a group membership's user, lose their own
    indexes: their tables' unique constraints start with them, and a sync writes a row a Zoom user."""

    dependencies = [
        ("accounts", "0004_audit_entry_org_index"),
        ("zoom_directory", "0001_initial"),
    ]

    operations = [
        without_own_index(
            "directorygroup",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="zoom_directory_groups",
                to="accounts.organization",
            ),
            table="zoom_directory_directorygroup",
            index="zoom_directory_directorygroup_org_id_37f1025e",
        ),
        without_own_index(
            "directoryrole",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="zoom_directory_roles",
                to="accounts.organization",
            ),
            table="zoom_directory_directoryrole",
            index="zoom_directory_directoryrole_org_id_d7922aca",
        ),
        without_own_index(
            "directoryuser",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="zoom_directory_users",
                to="accounts.organization",
            ),
            table="zoom_directory_directoryuser",
            index="zoom_directory_directoryuser_org_id_49d04100",
        ),
        without_own_index(
            "groupmembership",
            "user",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="zoom_directory.directoryuser",
            ),
            table="zoom_directory_groupmembership",
            index="zoom_directory_groupmembership_user_id_b1eb7378",
        ),
    ]
