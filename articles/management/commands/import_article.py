from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.importing import UnreadableArticle, decode, parse_plain_text
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Import a plain-text article (title line, lede paragraph, headings, • bullets) "
        "as a new article (published with --publish), or as a draft version of the "
        "article that has its slug already."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of a UTF-8 text file")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the new article (refused for an article that exists already)",
        )
        parser.add_argument("--slug", help="the article's URL name (default: from the title)")
        parser.add_argument("--note", default="Imported from a text file.", help="change note")

    def handle(self, *args, file, publish, slug, note, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            imported = parse_plain_text(decode(raw))
        except UnreadableArticle as error:
            raise CommandError(f"{file}: {error}") from None
        slug = slug or slugify(imported.title)[:200]
        if not slug:
            raise CommandError(f"{file}: the title gives no URL name; pass --slug")
        with transaction.atomic():
            article, created = Article.objects.get_or_create(slug=slug)
            if publish and not created:
                # Publishing a version of someone's article is an editor's decision, made in
                # the admin (medical review, version conflicts): an import only adds a draft.
                raise CommandError(self.refusal(article, file))
            version = article.add_version(
                title=imported.title,
                summary=imported.summary,
                body=imported.body,
                change_note=note,
            )
            if publish:
                article.publish(version)
        state = "published" if publish else "saved as a draft"
        self.stdout.write(
            f"{'Created' if created else 'Updated'} /{slug}/: version {version.number} {state}."
        )

    def refusal(self, article, file):
        """Why --publish is refused for an existing article, and what to do instead."""
        latest = article.latest_version()
        state = (
            f"version {article.published_version.number} published"
            if article.published_version
            else "not published"
        )
        return (
            f"{file}: /{article.slug}/ is already an article ({state}, latest version "
            f"{latest.number if latest else 0}); an import publishes only an article it creates. "
            "Nothing was saved. Run it without --publish to add the text as a draft version "
            "for an editor to review and publish, or with --slug to import it as a new article."
        )
