"""The groups of PRODUCT.md "Who uses it", with their permissions, so a fresh database has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = {
    "films": ["genre", "film", "filmredirect", "person", "credit", "photo"],
    "reviews": ["publication", "critic", "criticreview"],
    "news": ["article"],
    "forums": ["board"],
}
EDITOR_VIEW_ONLY = {"reviews": ["audiencereview"], "forums": ["thread", "post"]}
MODERATOR_CHANGE = {"reviews": ["audiencereview"], "forums": ["thread", "post"]}


def codenames(models: dict[str, list[str]], actions: list[str]) -> list[tuple[str, str]]:
    return [
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
    ]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so we can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        permissions(
            codenames(EDITOR_MODELS, ["add", "change", "delete", "view"])
            + codenames(EDITOR_VIEW_ONLY, ["view"])
        )
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.set(permissions(codenames(MODERATOR_CHANGE, ["change", "view"])))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("films", "0003_add_film_redirect"),
        ("reviews", "0002_add_review_body_length_check"),
        ("forums", "0003_add_post_body_length_check"),
        ("news", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
