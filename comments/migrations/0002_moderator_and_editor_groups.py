"""The two groups the admin is built for: Moderators and Editors.

Moderators view and change comments, nothing else. Editors write articles and
their versions but cannot delete them. Permissions are normally created after
migrations run (post_migrate), so they are created here first, for a fresh
database where this migration runs before that signal.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Moderators": {"comments": ["view_comment", "change_comment"]},
    "Editors": {
        "articles": [
            "view_article",
            "add_article",
            "change_article",
            "view_articleversion",
            "add_articleversion",
            "change_articleversion",
        ],
    },
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module; the
        # historical app registry has none, hence this flag.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, codenames_by_app in GROUPS.items():
        group, _created = Group.objects.using(db).get_or_create(name=name)
        for app_label, codenames in codenames_by_app.items():
            permissions = Permission.objects.using(db).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            assert permissions.count() == len(codenames), f"missing permissions of {app_label}"
            group.permissions.add(*permissions)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
