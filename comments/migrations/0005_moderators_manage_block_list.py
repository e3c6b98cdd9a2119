"""Moderators read readers' reports, subscriptions and outgoing emails (to see a failed
one) and keep the block list. Permissions are created here first, as in 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_report",
    "view_subscription",
    "view_outgoingemail",
    "view_blockedsender",
    "add_blockedsender",
    "change_blockedsender",
    "delete_blockedsender",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    group, _created = Group.objects.using(db).get_or_create(name="Moderators")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label="comments", codename__in=CODENAMES
    )
    assert permissions.count() == len(CODENAMES), "missing permissions of comments"
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(schema_editor.connection.alias).filter(name="Moderators"):
        group.permissions.remove(*group.permissions.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0004_notifications_reports_blocklist"),
        ("comments", "0002_moderator_and_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
