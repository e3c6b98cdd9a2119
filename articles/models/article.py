"""Article: the stable identity of an article (its address, its schedule, the version
readers see) and how its versions are added, published, scheduled and reverted.

ArticleVersion (articles/models/version.py) builds on Article: the foreign keys to it are
string references, and Article reaches its versions through ``self.versions``. Below
Article are its queryset (article_queryset.py) and the medical reviews (review.py).
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Max, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from cms.caching import ARTICLE_LISTS, article_key, purge_after_commit, purge_keys_after_commit

from .article_queryset import ArticleQuerySet, writers_prefetch
from .people import Person
from .reader_trust import ReaderTrust
from .topics import Tag, Topic

# A save that changes one of these changes which topic and tag pages list the article.
LISTED_BY = frozenset(
    {"published_version", "publish_at", "primary_topic", "withdraw_at", "withdrawn_at"}
)
# Kept by single UPDATE statements (expire_pages, the comments app's stored counts), never
# by a save of the whole article.
KEPT_BY_UPDATES = frozenset({"page_stamp", "approved_comment_count", "top_level_comment_count"})


class VersionConflict(Exception):
    """Raised when a version is saved from a base that is no longer the newest version."""

    def __init__(self, article, base_number, latest):
        self.article, self.base_number, self.latest = article, base_number, latest
        super().__init__(
            f"{article.slug}: edited from version {base_number}, "
            f"but version {latest.number if latest else 0} is newer"
        )


class Article(ReaderTrust, models.Model):
    """The stable identity of an article: its URL, its schedule and the version readers see.

    Editing never changes an Article's content; it adds an ArticleVersion.
    Publishing points ``published_version`` at one of them.
    """

    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_version = models.ForeignKey(
        "ArticleVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The version readers see.",
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see the published version from this time on. Empty: not published.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An update of a live article, waiting for its time: readers see published_version
    # until scheduled_at and scheduled_version from then on (with_update_shown, no write);
    # the task worker publishes it then (articles/schedule.py, promote_if_due).
    scheduled_version = models.ForeignKey(
        "ArticleVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Withdrawal: from withdraw_at on readers get 410 Gone (or a 301 to replaced_by), and
    # the article leaves the lists, feeds and sitemap (ArticleQuerySet.published). The task
    # worker records it (withdrawn_at) and purges the pages at that time.
    withdraw_at = models.DateTimeField(
        "withdraw at",
        null=True,
        blank=True,
        help_text="Readers can no longer read the article from this time on. Empty: it stays.",
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Once withdrawn, readers are sent to this article (a permanent redirect). "
        "Empty: they are told the page is gone (410).",
    )
    withdrawal_note = models.CharField(
        "note to readers",
        max_length=300,
        blank=True,
        help_text="Public, on the page readers get instead: why the article came down, "
        "e.g. “This guidance was replaced by the 2026 national guideline.”",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    comments_open = models.BooleanField(default=True)
    review_interval_months = models.PositiveSmallIntegerField(
        "medical review interval (months)",
        default=12,
        help_text="How long after its last medical review the article is due for another.",
    )
    # Bumped by expire_pages() whenever what readers see on the page changes (a comment, a
    # review, a profile), so the cached fragments and threads keyed by it expire.
    page_stamp = models.PositiveIntegerField(default=0, editable=False)
    # What readers see of the comment thread, stored by the comments app whenever a comment
    # changes (CommentQuerySet.refresh_threads), so that no page counts a thread of
    # thousands: the comments every reader sees, and the top-level ones (the thread's pages).
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    top_level_comment_count = models.PositiveIntegerField(default=0, editable=False)
    primary_topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_articles",
        help_text="Where the article belongs first: its breadcrumbs, its place on the front page.",
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="articles", help_text="Other topics it is listed under."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    # The byline: the article's writers, in order. The article's own, never a version's,
    # so an editor's fix (a new version) leaves the byline as it was.
    writers = models.ManyToManyField(
        Person, through="Byline", blank=True, related_name="articles_written"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]

    def __str__(self):
        version = self.published_version
        return version.title if version else self.slug

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The fields kept by update() elsewhere are not written back from an instance
            # read before such a change (an editor's form open while comments arrive).
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in KEPT_BY_UPDATES
                and field.attname not in self.get_deferred_fields()
            ]
        super().save(*args, **kwargs)
        # Every saved change of an article (published, scheduled, unpublished, a new slug,
        # comments closed) shows on its pages and in the lists of articles.
        purge_after_commit(article_key(self.pk), ARTICLE_LISTS)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or LISTED_BY.intersection(update_fields):
            # Its topics' and tags' pages (the pages listing it also carry its own key).
            pk = self.pk
            purge_keys_after_commit(lambda: Article.objects.filter(pk=pk).listing_keys())

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        keys = [article_key(self.pk)]
        if settings.HTTP_CACHE_NODES:  # the topic and tag pages that listed it
            keys.extend(Article.objects.filter(pk=self.pk).listing_keys())
        result = super().delete(*args, **kwargs)
        purge_after_commit(*keys, ARTICLE_LISTS)
        return result

    @property
    def is_live(self):
        """True when readers can see the article right now."""
        return bool(
            self.published_version_id and self.publish_at and self.publish_at <= timezone.now()
        )

    @property
    def was_updated(self):
        """True when a later version replaced the first one readers saw."""
        version = self.published_version
        return bool(
            version
            and version.published_at
            and self.first_published_at
            and version.published_at > self.first_published_at
        )

    def writer_list(self):
        """The article's writers (Person), in byline order: the prefetched ``bylines`` when
        read with ArticleQuerySet.with_writers(), else read once and kept on
        the article for the page's other places (byline, structured data): one query."""
        prefetch_related_objects([self], writers_prefetch(Article))
        return [byline.person for byline in self.bylines.all()]

    def set_writers(self, people):
        """Make ``people`` (Person objects, in order) the article's writers, the byline of
        every version readers see, and render its pages afresh."""
        getattr(self, "_prefetched_objects_cache", {}).pop("bylines", None)
        with transaction.atomic():
            self.bylines.all().delete()
            # Byline sits above Article (bylines.py): reached through the relation.
            byline = self.bylines.model
            byline.objects.bulk_create(
                byline(article=self, person=person, position=position)
                for position, person in enumerate(people, start=1)
            )
            self.expire_pages()

    def versions_with_other_words(self, among):
        """The versions among the ids ``among`` whose words (title, summary and body) differ
        from the published version's, as {id: number}. A comment written about one of them
        was written about an earlier text; a version with the same words (a note-only
        update, a revert) is not one. One query."""
        version = self.published_version
        if version is None or not among:
            return {}
        other_words = self.versions.filter(pk__in=list(among)).exclude(
            title=version.title, summary=version.summary, body=version.body
        )
        return dict(other_words.values_list("pk", "number"))

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def expire_pages(self):
        """Readers' cached pages of this article render afresh (ArticleQuerySet.expire_pages)."""
        Article.objects.filter(pk=self.pk).expire_pages()

    def publishing_refusal(self, version):
        """Why ``version`` may not be published yet, or "" when it may.

        With REVIEW_REQUIRED_TO_PUBLISH on, only a version whose latest medical
        review approved it may be published.
        """
        if not settings.REVIEW_REQUIRED_TO_PUBLISH or version.approving_review():
            return ""
        return (
            f"Version {version.number} is not published: this site publishes only versions "
            "a medical reviewer has approved (REVIEW_REQUIRED_TO_PUBLISH), and this version "
            "has no approving review yet."
        )

    def add_version(
        self, *, title, summary, body, author=None, change_note="", base_number=None, **correction
    ):
        """Save a new version of this article and return it.

        ``base_number`` is the version the editor started from; if a newer
        version exists by now, VersionConflict is raised instead of saving, so
        two editors never silently overwrite each other. Numbers come from the
        database under a unique constraint: concurrent saves get distinct
        numbers or a conflict, never a duplicate. ``correction`` takes
        ``is_correction`` and ``correction_note``, and also ``lead_image`` (an Image)
        and ``images`` (snapshots to keep as they are, for a copy). A new version never has a
        medical review: only a reviewer's signature (MedicalReview) gives it one.
        """
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    latest = self.versions.aggregate(n=Max("number"))["n"] or 0
                    if base_number is not None and base_number != latest:
                        raise VersionConflict(self, base_number, self.latest_version())
                    return self.versions.create(
                        number=latest + 1,
                        title=title,
                        summary=summary,
                        body=body,
                        author=author,
                        change_note=change_note,
                        **correction,
                    )
            except IntegrityError:
                if base_number is not None:
                    raise VersionConflict(self, base_number, self.latest_version()) from None
        raise IntegrityError(f"could not number a new version of {self.slug}")

    def publish(self, version, when=None):
        """Make ``version`` the one readers see, from ``when`` (default now) on.

        An article not yet live goes live at ``when``. A live article with a future
        ``when`` keeps showing its current version until then: the new one is
        scheduled: readers see it from that time on, and the task worker publishes it
        then (promote_if_due).
        """
        if version.article_id != self.pk:
            raise ValueError("a version can only be published on its own article")
        now = timezone.now()
        when = when or now
        if when > now and self.is_live:
            self.scheduled_version, self.scheduled_at = version, when
            self.save(update_fields=["scheduled_version", "scheduled_at"])
            return version
        with transaction.atomic():
            if version.published_at is None:
                version.published_at = when
                self.versions.filter(pk=version.pk).update(
                    published_at=when, **version.search_vector_update()
                )
            self.published_version = version
            if self.publish_at is None or self.publish_at > now or when > now:
                # Scheduling applies to the whole article; a live article goes live again at once.
                self.publish_at = when
            if self.first_published_at is None:
                self.first_published_at = when
            # Publishing now replaces any update that was waiting for its time.
            self.scheduled_version, self.scheduled_at = None, None
            self.save(
                update_fields=[
                    "published_version",
                    "publish_at",
                    "first_published_at",
                    "scheduled_version",
                    "scheduled_at",
                ]
            )
        return version

    def is_withdrawn(self, now=None):
        """True when the article's withdrawal time has come: readers get 410 or a redirect."""
        return bool(self.withdraw_at and self.withdraw_at <= (now or timezone.now()))

    def show_version(self, version):
        """Show ``version``, the scheduled update whose time has come, as the published one,
        in memory only: the task worker publishes it (articles/schedule.py), a reader's
        request never writes."""
        version.published_at = version.published_at or self.scheduled_at
        self.published_version = version
        self.scheduled_version, self.scheduled_at = None, None

    @property
    def update_is_due(self):
        """True when a scheduled update's time has come and it is not yet published."""
        return bool(self.scheduled_at and self.scheduled_at <= timezone.now())

    def promote_if_due(self):
        """Publish the scheduled update once its time has come (no cron job needed).

        The task worker calls this (articles/schedule.py); it costs nothing until the
        time comes, and one locked transaction then, so two workers never publish it
        twice. Returns True when this article changed.
        """
        if not self.update_is_due:
            return False
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=self.pk)
            if locked.update_is_due and locked.scheduled_version_id:
                locked.publish(locked.scheduled_version, when=locked.scheduled_at)
        self.refresh_from_db()
        return True

    def unpublish(self):
        """Hide the article from readers; its versions stay."""
        self.published_version = None
        self.publish_at = None
        self.scheduled_version, self.scheduled_at = None, None
        self.save(
            update_fields=["published_version", "publish_at", "scheduled_version", "scheduled_at"]
        )

    def revert_to(self, version, author=None):
        """Publish a new version whose content equals ``version``; history is never rewritten.

        The copy is a new version: it has no medical review of its own, even when
        ``version`` had one (the page then says when the text was last reviewed). It
        shows the images as ``version`` showed them (its snapshots), not as the library
        describes them today.
        """
        copy = self.add_version(
            title=version.title,
            summary=version.summary,
            body=version.body,
            key_takeaways=version.key_takeaways,
            author=author,
            change_note=f"Reverted to version {version.number}.",
            lead_image_id=version.lead_image_id,
            images=version.images,
        )
        return self.publish(copy)
