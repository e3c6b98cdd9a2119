from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.importing import UnreadableArticle, decode, parse_plain_text
from articles.models import Article, Person


class Command(BaseCommand):
    help = (
        "Import a plain-text article (title line, lede paragraph, headings, • bullets) "
        "as a new article (published with --publish), or as a draft version of the "
        "article that has its slug already. --writer sets the byline of a new article. "
        "With REVIEW_REQUIRED_TO_PUBLISH on, --publish saves a draft and says why it did not "
        "publish it: only a version a medical reviewer approved may be published."
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
        parser.add_argument(
            "--writer",
            action="append",
            default=[],
            metavar="SLUG",
            help="a writer of the article (the byline), by their page's slug (/authors/SLUG/); "
            "repeat for several, in the byline's order",
        )

    def handle(self, *args, file, publish, slug, note, writer, **options):
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
        writers = self.writers(writer)
        refused = ""
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
            if writers and created:
                article.set_writers(writers)
            if publish:
                refused = article.publishing_refusal(version)
            if publish and not refused:
                article.publish(version)
        state = "published" if publish and not refused else "saved as a draft"
        self.stdout.write(
            f"{'Created' if created else 'Updated'} /{slug}/: version {version.number} {state}."
        )
        if refused:
            raise CommandError(
                f"{file}: {refused} It is saved as a draft: send it for medical review from "
                "the admin, and publish it once it is approved."
            )

    def writers(self, slugs):
        """The Person of each slug, in order; a slug nobody has stops the import."""
        found = {person.slug: person for person in Person.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(
                f"no writer at /authors/{missing[0]}/: add them under People in the admin "
                "first. Nothing was saved."
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]

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
