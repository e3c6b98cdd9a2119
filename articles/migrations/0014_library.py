"""The media library in the admin: Editors upload images and documents and edit their
details. Deleting stays with superusers: a published version may still show a file."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_image",
    "add_image",
    "change_image",
    "view_document",
    "add_document",
    "change_document",
]


def give_editors_the_library(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    # Permissions are normally created after migrations (post_migrate); the historical
    # app registry has no models module, hence the flag (as in comments' 0002).
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    editors, _created = Group.objects.using(db).get_or_create(name="Editors")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS
    )
    assert permissions.count() == len(EDITOR_PERMISSIONS), "missing permissions of articles"
    editors.permissions.add(*permissions)


def take_them_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    for editors in Group.objects.using(db).filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.using(db).filter(
                content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_people"),
        ("comments", "0002_moderator_and_editor_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_editors_the_library, take_them_back)]
