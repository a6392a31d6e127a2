"""Create the Groups that store the editor and reviewer roles (see interviewprep/roles.py)."""

from django.db import migrations

# Frozen copies of Role.EDITOR / Role.REVIEWER: migrations must not import app code that may change.
ROLE_GROUPS = ("editor", "reviewer")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("interviewprep", "0002_profile_choices_and_goal_range"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
