"""The free-text review fields are gone: reviews are signed records now (MedicalReview)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_reviews_from_free_text_fields"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='articleversion',
            name='reviewed_by',
        ),
        migrations.RemoveField(
            model_name='articleversion',
            name='reviewed_on',
        ),
        migrations.RemoveField(
            model_name='articleversion',
            name='reviewer_credentials',
        ),
    ]
