"""People replace the author and reviewer profiles: one place for what readers are told.

Each user with an author profile, a reviewer profile or a signed review gets a Person
(their page, /authors/<slug>/) named by their full name, else by the name their latest
review was signed with, carrying the profiles' bio and credentials; then the profiles
go. A user with no name readers ever saw (no full name, no signed review) gets none:
their profile's bio was never shown (a byline needs a full name). Signed reviews keep
their own copy of the name and credentials.

Editors may add and change people (the Editors group: see
comments/migrations/0002_moderator_and_editor_groups.py). Permissions are created here
first, as in 0006, because on a fresh database this runs before post_migrate.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.text import slugify

EDITOR_PERMISSIONS = ["view_person", "add_person", "change_person"]


def _unique_slug(Person, db, name, taken):
    base = slugify(name)[:190] or "person"
    slug, number = base, 1
    while slug in taken or Person.objects.using(db).filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def profiles_to_people(apps, schema_editor):
    db = schema_editor.connection.alias
    User = apps.get_model("auth", "User")
    Person = apps.get_model("articles", "Person")
    AuthorProfile = apps.get_model("articles", "AuthorProfile")
    ReviewerProfile = apps.get_model("articles", "ReviewerProfile")
    MedicalReview = apps.get_model("articles", "MedicalReview")
    author_bios = dict(AuthorProfile.objects.using(db).values_list("user_id", "bio"))
    reviewers = {
        user_id: (credentials, bio)
        for user_id, credentials, bio in ReviewerProfile.objects.using(db).values_list(
            "user_id", "credentials", "bio"
        )
    }
    signed_names = {}
    for user_id, name in (
        MedicalReview.objects.using(db)
        .filter(reviewer__isnull=False)
        .order_by("created_at", "pk")
        .values_list("reviewer_id", "reviewer_name")
    ):
        signed_names[user_id] = name  # the latest signature wins
    accounts = set(author_bios) | set(reviewers) | set(signed_names)
    already = set(Person.objects.using(db).filter(user__isnull=False).values_list("user_id", flat=True))
    taken = set()
    for user in User.objects.using(db).filter(pk__in=accounts - already).order_by("pk"):
        name = f"{user.first_name} {user.last_name}".strip() or signed_names.get(user.pk, "")
        if not name:
            continue
        credentials, reviewer_bio = reviewers.get(user.pk, ("", ""))
        bios = [bio.strip() for bio in (author_bios.get(user.pk, ""), reviewer_bio) if bio.strip()]
        Person.objects.using(db).create(
            user=user,
            name=name,
            slug=_unique_slug(Person, db, name, taken),
            credentials=credentials,
            # Both bios, when a writer also reviewed: the first follows bylines and review lines.
            bio="\n\n".join(dict.fromkeys(bios)),
        )


def people_to_profiles(apps, schema_editor):
    db = schema_editor.connection.alias
    Person = apps.get_model("articles", "Person")
    AuthorProfile = apps.get_model("articles", "AuthorProfile")
    ReviewerProfile = apps.get_model("articles", "ReviewerProfile")
    MedicalReview = apps.get_model("articles", "MedicalReview")
    reviewer_ids = set(MedicalReview.objects.using(db).values_list("reviewer_id", flat=True))
    for person in Person.objects.using(db).filter(user__isnull=False):
        first_paragraph = person.bio.strip().split("\n\n")[0][:300]
        AuthorProfile.objects.using(db).get_or_create(
            user_id=person.user_id, defaults={"bio": first_paragraph}
        )
        if person.user_id in reviewer_ids or person.credentials:
            ReviewerProfile.objects.using(db).get_or_create(
                user_id=person.user_id,
                defaults={"credentials": person.credentials, "bio": first_paragraph},
            )


def _permissions(apps, db):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.using(db).filter(
        content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS
    )
    assert found.count() == len(EDITOR_PERMISSIONS), "missing permissions of people"
    return found


def editors_edit_people(apps, schema_editor):
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("articles")
    # The historical app registry has no models module, which create_permissions needs.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    editors = apps.get_model("auth", "Group").objects.using(db).filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(*_permissions(apps, db))


def editors_no_longer_edit_people(apps, schema_editor):
    db = schema_editor.connection.alias
    editors = apps.get_model("auth", "Group").objects.using(db).filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(*_permissions(apps, db))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_media_topics_tags_people"),
        ("comments", "0002_moderator_and_editor_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(profiles_to_people, people_to_profiles),
        migrations.DeleteModel(name="AuthorProfile"),
        migrations.DeleteModel(name="ReviewerProfile"),
        migrations.RunPython(editors_edit_people, editors_no_longer_edit_people),
    ]
