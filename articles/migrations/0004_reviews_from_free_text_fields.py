"""Turn the old free-text review fields of each version into signed-review records.

The old form copied a version's review fields into every later version, so a
text edited after its review still claimed it. Only a version whose fields
differ from the version before it (where someone typed a review in) becomes an
approving MedicalReview; the copies are dropped. Those records have no user
(nobody signed them in the admin); the date is the review date typed, at noon
UTC, or the version's own time when no date was typed.
"""

import datetime

from django.db import migrations

NOTE = "Recorded before reviewers signed reviews in the admin."


def reviews_from_fields(apps, schema_editor):
    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    MedicalReview = apps.get_model("articles", "MedicalReview")
    db = schema_editor.connection.alias
    versions = ArticleVersion.objects.using(db).order_by("article_id", "number")
    previous_article, previous_fields = None, None
    reviews = []
    for version in versions.iterator():
        fields = (version.reviewed_by.strip(), version.reviewer_credentials, version.reviewed_on)
        inherited = version.article_id == previous_article and fields == previous_fields
        if fields[0] and not inherited:
            signed_at = version.created_at
            if version.reviewed_on:
                signed_at = datetime.datetime.combine(
                    version.reviewed_on, datetime.time(12), tzinfo=datetime.UTC
                )
            reviews.append(
                MedicalReview(
                    version=version,
                    reviewer=None,
                    reviewer_name=fields[0][:150],
                    credentials=version.reviewer_credentials,
                    decision="approve",
                    note=NOTE,
                    created_at=signed_at,
                )
            )
        previous_article, previous_fields = version.article_id, fields
    MedicalReview.objects.using(db).bulk_create(reviews)


def fields_from_reviews(apps, schema_editor):
    MedicalReview = apps.get_model("articles", "MedicalReview")
    db = schema_editor.connection.alias
    for review in MedicalReview.objects.using(db).filter(decision="approve").select_related(
        "version"
    ):
        version = review.version
        version.reviewed_by = review.reviewer_name
        version.reviewer_credentials = review.credentials
        version.reviewed_on = review.created_at.date()
        # The historical model has no immutability rule: update the row directly.
        type(version).objects.using(db).filter(pk=version.pk).update(
            reviewed_by=version.reviewed_by,
            reviewer_credentials=version.reviewer_credentials,
            reviewed_on=version.reviewed_on,
        )
    MedicalReview.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_medical_reviews"),
    ]

    operations = [migrations.RunPython(reviews_from_fields, fields_from_reviews)]
