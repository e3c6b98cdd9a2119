"""A comment can name the article version that acted on it (a correction or an update)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_medical_reviewers_group"),
        ("comments", "0002_moderator_and_editor_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="led_to_version",
            field=models.ForeignKey(
                blank=True,
                help_text="The version of the article that acted on this comment (a correction "
                "or an update). Readers then see “This comment led to a correction on …”.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="prompted_by_comments",
                to="articles.articleversion",
                verbose_name="led to version",
            ),
        ),
    ]
