"""Versioned articles: a stable Article and its immutable ArticleVersion snapshots."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from cms.caching import ARTICLE_LISTS, article_key, purge_after_commit

from .markup import render_markdown


class VersionConflict(Exception):
    """Raised when a version is saved from a base that is no longer the newest version."""

    def __init__(self, article, base_number, latest):
        self.article, self.base_number, self.latest = article, base_number, latest
        super().__init__(
            f"{article.slug}: edited from version {base_number}, "
            f"but version {latest.number if latest else 0} is newer"
        )


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles a reader may see: a published version whose publish_at has passed."""
        return self.filter(
            published_version__isnull=False, publish_at__lte=now or timezone.now()
        ).select_related("published_version", "published_version__author")

    def touch_comments(self):
        """Record that what readers see of these articles' comments changed.

        The comments stamp names the cached comment threads (a new stamp, a new
        thread), and the articles' pages are purged from the shared cache.
        """
        self.update(comments_stamp=F("comments_stamp") + 1)
        purge_after_commit(*(article_key(pk) for pk in self.values_list("pk", flat=True)))

    def delete(self):
        """Delete these articles and purge their pages and the lists that showed them."""
        keys = [article_key(pk) for pk in self.values_list("pk", flat=True)]
        result = super().delete()
        purge_after_commit(*keys, ARTICLE_LISTS)
        return result

    def with_due_updates(self):
        """These articles as a list, each scheduled update whose time has come published
        first (Article.promote_if_due). No query unless one is due."""
        articles = list(self)
        for article in articles:
            article.promote_if_due()
        return articles

    def next_scheduled_change(self, now=None):
        """The next moment a page changes by itself: an article going live, or a scheduled
        update of a live one. None when nothing is scheduled."""
        now = now or timezone.now()
        moments = self.aggregate(
            going_live=Min("publish_at", filter=Q(publish_at__gt=now)),
            update=Min("scheduled_at", filter=Q(scheduled_at__gt=now)),
        )
        return min((moment for moment in moments.values() if moment), default=None)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")


class Article(models.Model):
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
    # An update of a live article, waiting for its time: readers keep published_version
    # until scheduled_at, when the first reader's request publishes it (promote_if_due).
    scheduled_version = models.ForeignKey(
        "ArticleVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    scheduled_at = models.DateTimeField(null=True, blank=True, editable=False)
    comments_open = models.BooleanField(default=True)
    # Bumped whenever what readers see of the comments changes, so cached threads expire.
    comments_stamp = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]

    def __str__(self):
        version = self.published_version
        return version.title if version else self.slug

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Every saved change of an article (published, scheduled, unpublished, a new slug,
        # comments closed) shows on its pages and in the lists of articles.
        purge_after_commit(article_key(self.pk), ARTICLE_LISTS)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        key = article_key(self.pk)
        result = super().delete(*args, **kwargs)
        purge_after_commit(key, ARTICLE_LISTS)
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

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def add_version(
        self, *, title, summary, body, author=None, change_note="", base_number=None, **review
    ):
        """Save a new version of this article and return it.

        ``base_number`` is the version the editor started from; if a newer
        version exists by now, VersionConflict is raised instead of saving, so
        two editors never silently overwrite each other. Numbers come from the
        database under a unique constraint: concurrent saves get distinct
        numbers or a conflict, never a duplicate. ``review`` takes the
        optional medical review fields (reviewed_by, reviewer_credentials, reviewed_on).
        """
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    latest = self.versions.aggregate(n=Max("number"))["n"] or 0
                    if base_number is not None and base_number != latest:
                        raise VersionConflict(self, base_number, self.latest_version())
                    return ArticleVersion.objects.create(
                        article=self,
                        number=latest + 1,
                        title=title,
                        summary=summary,
                        body=body,
                        author=author,
                        change_note=change_note,
                        **review,
                    )
            except IntegrityError:
                if base_number is not None:
                    raise VersionConflict(self, base_number, self.latest_version()) from None
        raise IntegrityError(f"could not number a new version of {self.slug}")

    def publish(self, version, when=None):
        """Make ``version`` the one readers see, from ``when`` (default now) on.

        An article not yet live goes live at ``when``. A live article with a future
        ``when`` keeps showing its current version until then: the new one is
        scheduled, and published by the first request after that time (promote_if_due).
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
                ArticleVersion.objects.filter(pk=version.pk).update(published_at=when)
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

    @property
    def update_is_due(self):
        """True when a scheduled update's time has come and it is not yet published."""
        return bool(self.scheduled_at and self.scheduled_at <= timezone.now())

    def promote_if_due(self):
        """Publish the scheduled update once its time has come (no cron job needed).

        Reader requests call this; it costs nothing until the time comes, and one
        locked transaction then, so two app servers never publish it twice.
        Returns True when this article changed.
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
        """Publish a new version whose content equals ``version``; history is never rewritten."""
        copy = self.add_version(
            title=version.title,
            summary=version.summary,
            body=version.body,
            author=author,
            change_note=f"Reverted to version {version.number}.",
            reviewed_by=version.reviewed_by,
            reviewer_credentials=version.reviewer_credentials,
            reviewed_on=version.reviewed_on,
        )
        return self.publish(copy)


class ArticleVersion(models.Model):
    """An immutable snapshot of an article's content.

    ``body_html`` is rendered from the Markdown ``body`` and sanitised once,
    when the version is created; pages only ever print it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="The lede, also the page's meta description.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False)
    change_note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When this version first went live."
    )
    reviewed_by = models.CharField("medical reviewer", max_length=150, blank=True)
    reviewer_credentials = models.CharField(max_length=150, blank=True)
    reviewed_on = models.DateField("review date", null=True, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("article versions are immutable: add a new version instead")
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.published_at is not None
