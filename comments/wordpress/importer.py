"""Importing what comments.wordpress.wxr reads: posts as articles with their versions and
old addresses, and their comments with their threads.

Each post becomes an article in a transaction of its own (WordPressImport), so an
error leaves no half-imported article and a second run skips what the first one
imported: articles by their WordPress id (kept as the old address ``/?p=ID``),
comments by ``Comment.wordpress_id``. An import publishes only articles it creates:
an article imported before keeps its versions, and only gains new comments.

Comment text is cleaned exactly as a reader's is (comments/forms.py); a comment is
rendered and threaded by the Comment methods a reader's comment goes through
(``render`` and ``reply_to``), then saved in one bulk insert per level of the threads.

Attachments, categories and tags are imported before the posts (``prepare`` collects them
on a first reading of the export, ``import_media_and_terms`` saves them: comments.wordpress
media and taxonomy), so a post finds its featured image, the images of its body and its
topics whatever their order in the file.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, LegacyAddress, wordpress_post_address
from comments.models import Comment

from .comment_rows import PINGBACK_TYPES, new_comment
from .content import post_body_markdown, post_summary
from .taxonomy import Taxonomy
from .wxr import UnreadableExport, WordPressAuthor, WordPressPost, WordPressTerm, parse_date

# What readers may see of each WordPress post status; None: not imported at all.
ARTICLE_STATES = {
    "publish": "published",
    "future": "scheduled",
    "draft": "draft",
    "pending": "draft",
    "private": "draft",
    "trash": None,
    "auto-draft": None,
    "inherit": None,
}
TITLE_MAX, SLUG_MAX = 200, 200


def article_slug(post):
    """A free slug for the post: its WordPress name, else its title, made ASCII."""
    base = slugify(unquote(post.name))[:SLUG_MAX] or slugify(post.title)[:SLUG_MAX]
    base = base.strip("-") or f"wordpress-{post.id}"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exists():
        suffix = f"-{number}"
        slug, number = base[: SLUG_MAX - len(suffix)] + suffix, number + 1
    return slug


def old_addresses(post):
    """Every address WordPress answered for this post: /?p=ID (and /?page_id=ID for a page),
    the dated permalinks of a post (by its local date, as WordPress makes them), and /old-name/."""
    paths = [wordpress_post_address(post.id)]
    old_name = unquote(post.name).strip("/")
    if post.type == "page":
        paths.append(f"/?page_id={post.id}")
    date = parse_date(post.date, where=post.describe())
    if old_name and "/" not in old_name:
        if post.type == "post" and date and post.status in {"publish", "future"}:
            paths.append(f"/{date:%Y/%m/%d}/{old_name}/")
            paths.append(f"/{date:%Y/%m}/{old_name}/")
        # Kept even when it equals the new slug: the slug may be changed here later.
        paths.append(f"/{old_name}/")
    return [path for path in paths if len(path) <= 500]


def author_user(login, authors):
    """The user a version is signed by: the one with the WordPress login as username, or a
    new inactive one (no password: they cannot sign in) named by the author's display name."""
    if not login:
        return None
    users = get_user_model().objects
    user = users.filter(username=login[:150]).first()
    if user is not None:
        return user
    author = authors.get(login)
    display_name = (author.display_name if author else "") or login
    first_name, _, last_name = display_name.rpartition(" ")
    if not first_name:
        first_name, last_name = last_name, ""
    user = users.create_user(
        username=login[:150],
        email=author.email if author else "",
        first_name=first_name[:150],
        last_name=last_name[:150],
        is_active=False,
    )
    return user


# Importing --------------------------------------------------------------------------


@dataclass
class PostResult:
    """What importing one item did, for the command's line about it."""

    post: WordPressPost
    action: str  # "imported", "already there" or "left out"
    article: Article | None = None
    state: str = ""
    new_comments: int = 0
    reason: str = ""


class WordPressImport:
    """Imports the records read_export yields, one transaction per article, and counts.

    ``counts`` keys are the rows of the command's summary table. With
    ``dry_run`` every transaction is rolled back: the counts say what would happen.
    """

    def __init__(self, *, include_pages=False, with_pingbacks=False, dry_run=False, media=None):
        self.include_pages = include_pages
        self.with_pingbacks = with_pingbacks
        self.dry_run = dry_run
        self.media = media  # a MediaLibrary, or None: attachments left out, images left as they are
        self.authors = {}
        self.counts = Counter()
        self.taxonomy = Taxonomy(counts=self.counts, dry_run=dry_run)
        self.attachments = []
        self.problems = []  # one line per thing that could not be imported, for the summary

    def prepare(self, record):
        """First reading of the export: remember authors, categories, tags and attachments."""
        if isinstance(record, WordPressAuthor):
            self.authors[record.login] = record
        elif isinstance(record, WordPressTerm):
            self.taxonomy.remember(record)
        elif record.type == "attachment" and self.media is not None:
            self.attachments.append(record)

    def import_media_and_terms(self):
        """Save the topics and tags, then import each attachment; yield a line about each."""
        self.taxonomy.save_terms()
        for attachment in self.attachments if self.media is not None else ():
            yield self.media.add(attachment)
        self.attachments = []

    def add(self, record):
        """Import one record; an author, a category or a tag is only remembered, an attachment
        was imported before the posts. Returns a PostResult for posts."""
        if isinstance(record, WordPressAuthor | WordPressTerm):
            self.prepare(record)
            return None
        if record.type == "attachment" and self.media is not None:
            return None
        return self.import_post(record)

    def _left_out(self, post, reason):
        self.counts[f"left out: {reason}"] += 1
        return PostResult(post, "left out", reason=reason)

    def import_post(self, post):
        if post.type not in {"post", "page"}:
            return self._left_out(post, post.type or "unknown type")
        if post.type == "page" and not self.include_pages:
            return self._left_out(post, "page (use --include-pages)")
        if ARTICLE_STATES.get(post.status, "draft") is None:
            return self._left_out(post, f"{post.status} {post.type}")
        counted_before, problems_before = self.counts.copy(), len(self.problems)
        try:
            with transaction.atomic():
                result = self._import_in_transaction(post)
                if self.dry_run:
                    transaction.set_rollback(True)
        except (UnreadableExport, DatabaseError) as error:
            # Nothing of this item was saved: none of it counts.
            self.counts.clear()
            self.counts.update(counted_before)
            del self.problems[problems_before:]
            if isinstance(error, DatabaseError):
                message = f"{post.describe()}: the database refused it ({error})"
                raise UnreadableExport(message) from error
            raise
        if result.new_comments and not self.dry_run:
            # Bulk rows skip Comment.save: refresh the article's pages and counts as it would.
            Comment.objects.refresh_threads([result.article.pk])
        return result

    def _import_in_transaction(self, post):
        existing = LegacyAddress.objects.filter(path=wordpress_post_address(post.id)).first()
        if existing is not None:
            article = existing.article
            version_id = (
                article.published_version_id
                or article.versions.order_by("-number").values_list("pk", flat=True).first()
            )
            result = PostResult(post, "already there", article=article)
            self.counts["articles already there"] += 1
        else:
            article, version_id, state = self._new_article(post)
            result = PostResult(post, "imported", article=article, state=state)
            self.counts[f"articles {state}"] += 1
        self._keep_old_addresses(post, article)
        result.new_comments = self._import_comments(
            post, article, version_id, known=existing is not None
        )
        return result

    def _new_article(self, post):
        where = post.describe()
        state = ARTICLE_STATES.get(post.status, "draft")
        if post.password:
            state = "draft"  # readers of the old site needed a password: nobody sees it here
        published_at = parse_date(post.date_gmt, post.date, where)
        article = Article.objects.create(
            slug=article_slug(post),
            comments_open=post.comments_open,
            created_at=published_at or timezone.now(),
        )
        author = author_user(post.creator, self.authors)
        writer = self.taxonomy.person_for(author, self.authors.get(post.creator))
        if writer is not None:
            # The byline: the post's author (a new article: no page shows it yet).
            article.bylines.create(person=writer, position=1)
        self.taxonomy.file_article(article, post)
        body, lead_image_id = self._body_and_lead_image(post)
        version = article.add_version(
            title=(post.title or article.slug)[:TITLE_MAX],
            summary=post_summary(post.excerpt, post.content),
            body=body,
            author=author,
            change_note="Imported from WordPress.",  # public, on the change log
            lead_image_id=lead_image_id,
        )
        if state in {"published", "scheduled"}:
            # Published even with REVIEW_REQUIRED_TO_PUBLISH: readers read it on WordPress,
            # and its old addresses must keep answering. Unreviewed, it waits in the review
            # queue, and the summary says so (import_wordpress).
            article.publish(version, when=published_at)
            state = "scheduled" if not article.is_live else "published"
        return article, version.pk, state

    def _body_and_lead_image(self, post):
        if self.media is None:
            return post_body_markdown(post.content), None
        return self.media.body_and_lead_image(post, self.counts, self.problems)

    def _keep_old_addresses(self, post, article):
        paths = old_addresses(post)
        taken = set(LegacyAddress.objects.filter(path__in=paths).values_list("path", flat=True))
        new = [LegacyAddress(path=path, article=article) for path in paths if path not in taken]
        LegacyAddress.objects.bulk_create(new)
        self.counts["old addresses kept"] += len(new)

    def _import_comments(self, post, article, version_id, known):
        """Save the post's comments not imported before (``known``: the article was imported
        before), parents first, one bulk insert per level of the threads. Returns how many
        were saved."""
        saved = {}
        if known:
            saved = {
                comment.wordpress_id: comment
                for comment in Comment.objects.filter(
                    article=article, wordpress_id__isnull=False
                ).only("pk", "depth", "parent_id", "wordpress_id")
            }
        waiting = []
        for wordpress_comment in post.comments:
            if wordpress_comment.id in saved:
                self.counts["comments already there"] += 1
            elif wordpress_comment.type in PINGBACK_TYPES and not self.with_pingbacks:
                self.counts["pingbacks left out"] += 1
            else:
                waiting.append(wordpress_comment)
        waiting_ids = {each.id for each in waiting}
        staff_ids = {author.id for author in self.authors.values()}
        thread_roots, added = set(), 0
        while waiting:
            # Parents first: a comment whose parent is saved, or not in this import at all
            # (a left-out pingback, a comment missing from the export), is ready.
            ready = [
                each
                for each in waiting
                if each.parent_id in saved or each.parent_id not in waiting_ids
            ]
            if not ready:
                first = waiting[0]
                raise UnreadableExport(
                    f"{post.describe()}, wp:comment on line {first.line}: "
                    "its wp:comment_parent chain loops back to itself"
                )
            rows = [
                self._comment_row(each, post, article, version_id, saved, staff_ids)
                for each in ready
            ]
            Comment.objects.bulk_create(rows)
            for each, row in zip(ready, rows, strict=True):
                saved[each.id] = row
                waiting_ids.discard(each.id)
                self._count_comment(row)
                if row.depth == 2:
                    thread_roots.add(row.parent_id)
            added += len(rows)
            waiting = [each for each in waiting if each.id in waiting_ids]
        self.counts["threads"] += len(thread_roots)
        return added

    def _comment_row(self, wordpress_comment, post, article, version_id, saved, staff_ids):
        where = (
            f"{post.describe()}, wp:comment {wordpress_comment.id} on line {wordpress_comment.line}"
        )
        return new_comment(
            wordpress_comment,
            article=article,
            version_id=version_id,
            parent=saved.get(wordpress_comment.parent_id),
            staff_ids=staff_ids,
            where=where,
        )

    def _count_comment(self, row):
        self.counts[f"comments {row.status}"] += 1
        if row.parent_id is not None:
            self.counts["replies"] += 1
            self.counts["deepest level"] = max(self.counts["deepest level"], row.depth)
        if row.is_staff_reply:
            self.counts["staff replies"] += 1
        if row.is_pingback:
            self.counts["pingbacks kept"] += 1
