from django.db import migrations


class Migration(migrations.Migration):
    """The stamp names every cached part of a reader's page, not only its comments."""

    dependencies = [("articles", "0010_author_profiles")]

    operations = [
        migrations.RenameField(model_name="article", old_name="comments_stamp", new_name="page_stamp"),
    ]
