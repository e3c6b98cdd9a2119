from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments.wordpress.importer import WordPressImport
from comments.wordpress.media import MediaLibrary, MediaOptions
from comments.wordpress.wxr import UnreadableExport, read_export

# The summary table: (heading, [(label, key of WordPressImport.counts)]).
SUMMARY = [
    (
        "Articles",
        [
            ("published", "articles published"),
            ("scheduled", "articles scheduled"),
            ("draft (readers never see it)", "articles draft"),
            ("already imported, kept as they are", "articles already there"),
        ],
    ),
    (
        "Comments",
        [
            ("approved", "comments approved"),
            ("pending", "comments pending"),
            ("spam", "comments spam"),
            ("removed", "comments removed"),
            ("already imported", "comments already there"),
        ],
    ),
    (
        "Threads",
        [
            ("conversations with replies", "threads"),
            ("replies", "replies"),
            ("deepest level", "deepest level"),
            ("staff replies", "staff replies"),
        ],
    ),
    (
        "Media",
        [
            ("images imported", "images imported"),
            ("documents imported", "documents imported"),
            ("already imported", "media already there"),
            ("could not be imported (listed below)", "media failed"),
            ("not images or documents (left out)", "media left out"),
            ("images placed in articles", "images placed in bodies"),
            ("lead images", "lead images"),
            ("images left as links to the old site", "images left as links"),
            ("images that need alt text (listed below)", "needs alt text"),
            ("old upload addresses kept (301 to the files)", "upload addresses kept"),
        ],
    ),
    (
        "Topics, tags and people",
        [
            ("topics added", "topics added"),
            ("tags added", "tags added"),
            ("people added", "people added"),
            ("category and tag addresses kept (301)", "archive addresses kept"),
        ],
    ),
    (
        "Left out",
        [
            ("pingbacks and trackbacks (--with-pingbacks keeps them)", "pingbacks left out"),
        ],
    ),
]
DEFAULT_TIMEOUT = 10.0  # seconds for one download, all of it


class Command(BaseCommand):
    # Lives in comments, the app that depends on articles: the import fills both.
    help = (
        "Import a WordPress export (WXR, Tools → Export → All content): posts (and pages with "
        "--include-pages) as articles, their comments with their threads, attachments into "
        "the media library, categories and tags as topics and tags, authors as people, and "
        "the old addresses as redirects. Running it again imports only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the WordPress export file (.xml)")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be imported; save nothing"
        )
        parser.add_argument(
            "--include-pages", action="store_true", help="import pages as articles too"
        )
        parser.add_argument(
            "--with-pingbacks",
            action="store_true",
            help="keep pingbacks and trackbacks, marked as such (left out by default)",
        )
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="read attachments from this copy of wp-content/uploads instead of "
            "downloading them from their wp:attachment_url",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="leave attachments out: images keep their old addresses in the text",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            help="the largest attachment read, in bytes (default: IMAGES_MAX_BYTES)",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"seconds allowed for each download (default {DEFAULT_TIMEOUT:g})",
        )

    def media_library(self, options, dry_run):
        if options["no_media"]:
            return None
        uploads = options["uploads"]
        if uploads and not Path(uploads).is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder")
        return MediaLibrary(
            MediaOptions(
                uploads=uploads,
                max_bytes=options["max_bytes"] or settings.IMAGES_MAX_BYTES,
                timeout=options["timeout"],
            ),
            dry_run=dry_run,
        )

    def handle(self, *args, export, dry_run, include_pages, with_pingbacks, verbosity, **options):
        importer = WordPressImport(
            include_pages=include_pages,
            with_pingbacks=with_pingbacks,
            dry_run=dry_run,
            media=self.media_library(options, dry_run),
        )
        try:
            # First reading: authors, categories, tags and attachments, imported before the
            # posts so that each post finds its images and topics wherever they are in the file.
            with open(export, "rb") as source:
                self.first_reading(importer, source)
            for line in importer.import_media_and_terms():
                if verbosity >= 1:
                    self.stdout.write(line)
            with open(export, "rb") as source:
                for record in read_export(source):
                    result = importer.add(record)
                    # Left-out items (attachments, menu entries...) are many: only when asked.
                    shown = 2 if result and result.action == "left out" else 1
                    if result is not None and verbosity >= shown:
                        self.stdout.write(self.describe(result, dry_run))
        except OSError as error:
            raise CommandError(f"cannot read {export}: {error.strerror}") from None
        except UnreadableExport as error:
            self.stdout.write(self.summary(importer, dry_run))
            raise CommandError(
                f"{export}: {error}. Nothing of that item was saved; what is listed above "
                "was. Correct the file and run the command again: what is imported is skipped."
            ) from None
        self.stdout.write(self.summary(importer, dry_run))

    def first_reading(self, importer, source):
        try:
            for record in read_export(source, with_comments=False):
                importer.prepare(record)
        except UnreadableExport:
            # The second reading stops at the same place, after importing what comes before
            # it, and says where: as without media, a broken file keeps the items before it.
            pass

    def describe(self, result, dry_run):
        """One line about one item of the export."""
        post = result.post
        if result.action == "left out":
            return f"Left out {post.describe()}: {result.reason}."
        comments = f"{result.new_comments} new comment{'s' * (result.new_comments != 1)}"
        address = result.article.get_absolute_url()
        if result.action == "already there":
            verb = "Would add" if dry_run else "Added"
            if not result.new_comments:
                return f"Already imported: “{post.title}” as {address}, nothing new."
            return f"{verb} {comments} to “{post.title}” ({address}), imported before."
        verb = "Would import" if dry_run else "Imported"
        return f"{verb} “{post.title}” as {address} ({result.state}), with {comments}."

    def summary(self, importer, dry_run):
        """The summary table: every count of SUMMARY, the old addresses and left-out items."""
        counts = importer.counts.copy()
        if importer.media is not None:
            counts.update(importer.media.counts)
            counts["needs alt text"] = len(importer.media.needs_alt_text)
        rows = []
        for heading, lines in SUMMARY:
            rows.append((heading, None))
            rows.extend((f"  {label}", counts[key]) for label, key in lines)
        left_out = sorted(key for key in counts if key.startswith("left out: "))
        rows.extend((f"  items: {key.removeprefix('left out: ')}", counts[key]) for key in left_out)
        rows.append(("Old addresses kept (301 to the new ones)", counts["old addresses kept"]))
        width = max(len(label) for label, _ in rows) + 2
        title = "WordPress import" + (" (dry run: nothing was saved)" if dry_run else "")
        lines = ["", title, "=" * len(title)]
        for label, number in rows:
            lines.append(label if number is None else f"{label:<{width}}{number:>7}")
        media = importer.media
        problems = (media.problems if media else []) + importer.problems
        if problems:
            lines += ["", "Problems (each item was imported with what could be read):"]
            lines += [f"  - {problem}" for problem in problems]
        live = counts["articles published"] + counts["articles scheduled"]
        if live and settings.REVIEW_REQUIRED_TO_PUBLISH:
            lines += [
                "",
                f"REVIEW_REQUIRED_TO_PUBLISH is on, yet the {live} published or scheduled "
                "post(s) stay so without a medical review: readers read them on WordPress and "
                "their old addresses must keep answering. They wait in the review queue.",
            ]
        if media and media.needs_alt_text:
            lines += ["", "Images without alt text (fill it in: Images, filter “needs alt text”):"]
            lines += [f"  - {image}" for image in media.needs_alt_text]
        return "\n".join(lines)
