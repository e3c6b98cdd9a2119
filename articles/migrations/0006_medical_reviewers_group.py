"""The "Medical reviewers" group, and the Editors' view of reviews.

Medical reviewers read articles and their versions and sign reviews
(add_medicalreview); they cannot change or publish an article. Editors see the
reviews but cannot sign one. Permissions are created here first, as in
comments/migrations/0002_moderator_and_editor_groups.py, because on a fresh
database this runs before Django's post_migrate signal creates them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = "Medical reviewers"
REVIEWER_PERMISSIONS = [
    "view_article",
    "view_articleversion",
    "view_medicalreview",
    "add_medicalreview",
]
EDITOR_PERMISSIONS = ["view_medicalreview", "view_deadlink"]


def _permissions(apps, db, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.using(db).filter(
        content_type__app_label="articles", codename__in=codenames
    )
    assert found.count() == len(codenames), "missing permissions of articles"
    return found


def create_group(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("articles")
    # The historical app registry has no models module, which create_permissions needs.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    reviewers, _created = Group.objects.using(db).get_or_create(name=REVIEWERS)
    reviewers.permissions.add(*_permissions(apps, db, REVIEWER_PERMISSIONS))
    editors = Group.objects.using(db).filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(*_permissions(apps, db, EDITOR_PERMISSIONS))


def delete_group(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Group.objects.using(db).filter(name=REVIEWERS).delete()
    editors = Group.objects.using(db).filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(*_permissions(apps, db, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_remove_free_text_review_fields"),
        ("comments", "0002_moderator_and_editor_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
