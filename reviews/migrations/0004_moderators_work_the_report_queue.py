"""Moderators work the review report queue in the admin: they see reports and resolve them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = ["view_reviewreport", "change_reviewreport"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so we can use them.
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reviews", codename__in=MODERATOR_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="reviews", codename__in=MODERATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_add_helpful_votes_and_reports"),
        ("accounts", "0002_create_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
