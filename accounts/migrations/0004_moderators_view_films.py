"""Moderators link threads to films in the admin: the film picker needs them to see films."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [("films", "view_film")]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in PERMISSIONS
    ]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so we can use them.
    app_config = apps.get_app_config("films")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_case_insensitive_username_and_email"),
        ("films", "0004_add_search_indexes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
