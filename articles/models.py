"""Versioned articles: a stable Article and its immutable ArticleVersion snapshots."""

import calendar
import datetime
import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Max, Min, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone

from cms.caching import ARTICLE_LISTS, article_key, purge_after_commit

from .markup import reading_minutes, render_markdown, sections

# The heavy columns of a version, left out where only its number and dates are shown.
VERSION_TEXT = ("version__summary", "version__body", "version__body_html")


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
        return (
            self.filter(published_version__isnull=False, publish_at__lte=now or timezone.now())
            .select_related(
                "published_version",
                "published_version__author",
                "published_version__author__author_profile",
            )
            # Only search reads the vector, in SQL; no page needs it in Python.
            .defer("published_version__search_vector")
        )

    def expire_pages(self):
        """Record that what readers see on these articles' pages changed (a comment, a
        review, a writer's profile): the one call for every such change.

        The page stamp names the cached fragments of the page (a new stamp, new
        fragments), and the articles' pages are purged from the shared cache.
        """
        self.update(page_stamp=F("page_stamp") + 1)
        # The lists of articles show comment counts and review stamps too.
        purge_after_commit(
            *(article_key(pk) for pk in self.values_list("pk", flat=True)), ARTICLE_LISTS
        )

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

    def with_last_review(self):
        """Annotate ``last_reviewed_at``: the newest approving medical review of the published
        version or of a version before it (None when there is none)."""
        approvals = (
            MedicalReview.objects.approvals()
            .filter(
                version__article=OuterRef("pk"),
                version__number__lte=OuterRef("published_version__number"),
            )
            .order_by("-created_at")
        )
        return self.annotate(last_reviewed_at=Subquery(approvals.values("created_at")[:1]))

    def with_review_stamp(self):
        """Annotate ``reviewed_at``: when a medical reviewer approved the published version
        itself, as its latest decision (what the article page calls a current review), or
        None. For the front page's "Medically reviewed" stamp; no query more."""
        latest = MedicalReview.objects.filter(version=OuterRef("published_version")).order_by(
            "-created_at", "-pk"
        )
        return self.annotate(
            last_decision=Subquery(latest.values("decision")[:1]),
            reviewed_at=Case(
                When(
                    last_decision=MedicalReview.Decision.APPROVE,
                    then=Subquery(latest.values("created_at")[:1]),
                )
            ),
        )

    def review_schedule(self, today=None, warning_days=30):
        """Live articles whose medical review is due within ``warning_days`` or overdue, as
        a list, the oldest due date first. Each gets ``last_reviewed_at`` and ``review_due_on``.

        One query; the months of each article's own interval are added in Python, which
        every database does the same way. An article never reviewed is due from its first
        publication.
        """
        today = today or timezone.localdate()
        horizon = today + datetime.timedelta(days=warning_days)
        due = []
        for article in self.published().with_last_review():
            article.review_due_on = article.next_review_due_on()
            if article.review_due_on <= horizon:
                article.review_overdue = article.review_due_on < today
                due.append(article)
        return sorted(due, key=lambda article: (article.review_due_on, article.pk))


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
    review_interval_months = models.PositiveSmallIntegerField(
        "medical review interval (months)",
        default=12,
        help_text="How long after its last medical review the article is due for another.",
    )
    # Bumped whenever what readers see of the comments changes, so cached threads expire.
    page_stamp = models.PositiveIntegerField(default=0, editable=False)

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

    def next_review_due_on(self):
        """The day the next medical review is due: the last approval (``last_reviewed_at``,
        from with_last_review) or else the first publication, plus the review interval."""
        start = getattr(self, "last_reviewed_at", None) or self.first_published_at
        start = timezone.localdate(start) if start else timezone.localdate()
        return add_months(start, self.review_interval_months)

    def reader_trust(self, version):
        """What the page showing ``version`` tells readers of its review and corrections:
        a dict of ``review`` and ``review_is_current`` (review_status) and ``corrections``
        (corrections_up_to).

        For the published version it is kept in the shared cache under the page
        stamp, which every signed review bumps (expire_pages): a page rendered
        for one reader around the cached thread then costs no query more. Otherwise
        two queries, once per article object and version.
        """
        memo = self.__dict__.setdefault("_reader_trust", {})
        if version.pk in memo:
            return memo[version.pk]
        key = None
        if version.pk == self.published_version_id:
            key = f"articles:reader-trust:{self.pk}:{version.pk}:{self.page_stamp}"
            memo[version.pk] = cache.get(key)
        if memo.get(version.pk) is None:
            review, current = self.review_status(version)
            memo[version.pk] = {
                "review": review,
                "review_is_current": current,
                "corrections": self.corrections_up_to(version),
            }
            if key:
                cache.set(key, memo[version.pk], settings.PAGE_CACHE_SECONDS)
        return memo[version.pk]

    def review_status(self, version=None):
        """What readers are told of the medical review of ``version`` (default: the published one).

        Returns ``(review, current)``: the approving review of the newest version, up
        to ``version``, whose latest review approved it, and whether that is ``version``
        itself. ``(None, False)`` when there is none. One query.
        """
        version = version or self.published_version
        if version is None:
            return None, False
        reviews = MedicalReview.objects.filter(
            version__article=self, version__number__lte=version.number
        ).order_by("-version__number", "-created_at", "-pk")
        decided = set()
        # The version's number and dates, not its text: only those are shown of it.
        reviews = reviews.select_related("version", "reviewer__reviewer_profile")
        for review in reviews.defer(*VERSION_TEXT):
            if review.version_id in decided:
                continue  # an older decision, replaced by the one already seen
            decided.add(review.version_id)
            if review.is_approval:
                return review, review.version_id == version.pk
        return None, False

    def corrections_up_to(self, version=None, now=None):
        """The corrections shown with ``version`` (default: the published one), newest first:
        versions marked as correcting an error, published by ``now``, up to ``version``
        (``version`` itself counts even before it is published, for the preview). One query."""
        version = version or self.published_version
        if version is None:
            return []
        published = models.Q(published_at__isnull=False, published_at__lte=now or timezone.now())
        return list(
            self.versions.filter(
                models.Q(pk=version.pk) | published, is_correction=True, number__lte=version.number
            )
            .defer(*(name.split("__")[1] for name in VERSION_TEXT))
            .order_by("-number")
        )

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
        ``is_correction`` and ``correction_note``. A new version never has a
        medical review: only a reviewer's signature (MedicalReview) gives it one.
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
                ArticleVersion.objects.filter(pk=version.pk).update(
                    published_at=when, **ArticleVersion.search_vector_update()
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
        """Publish a new version whose content equals ``version``; history is never rewritten.

        The copy is a new version: it has no medical review of its own, even when
        ``version`` had one (the page then says when the text was last reviewed).
        """
        copy = self.add_version(
            title=version.title,
            summary=version.summary,
            body=version.body,
            author=author,
            change_note=f"Reverted to version {version.number}.",
        )
        return self.publish(copy)


class ArticleVersionQuerySet(models.QuerySet):
    def awaiting_review(self):
        """The versions medical reviewers should read next: each article's latest version,
        when no reviewer has decided on it yet, the longest waiting first."""
        latest = ArticleVersion.objects.filter(article=OuterRef("pk")).order_by("-number")
        latest_ids = Article.objects.annotate(latest_id=Subquery(latest.values("pk")[:1]))
        return (
            self.filter(pk__in=latest_ids.values("latest_id"), reviews__isnull=True)
            .select_related("article", "author")
            .order_by("created_at", "pk")
        )


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
    is_correction = models.BooleanField(
        "this version corrects an error",
        default=False,
        help_text="A correction is shown to readers with its note; a routine update is not.",
    )
    correction_note = models.TextField(
        "correction note",
        blank=True,
        max_length=1000,
        help_text="Public: what was wrong and what changed, "
        "e.g. “We corrected the dose in the second paragraph.”",
    )
    # The words of the title (weight A), lede (B) and body (C) for full-text search, stored
    # once when the version is first published (the content never changes afterwards), so a
    # search never computes it. PostgreSQL only; empty elsewhere (articles/search.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_version_number")
        ]
        indexes = [
            # Created CONCURRENTLY, the GIN index on PostgreSQL only (0009_search_vector_index).
            GinIndex(fields=["search_vector"], name="version_search_vector"),
            # The newest published change of the site, for the sitemap index.
            models.Index(fields=["published_at"], name="version_published_at"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("article versions are immutable: add a new version instead")
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)

    def contents(self):
        """ "In this article": (anchor, heading) for each H2 section of the body."""
        return sections(self.body)

    @property
    def reading_minutes(self):
        """How long the body takes to read, in whole minutes (at least one)."""
        return reading_minutes(self.body_html)

    @property
    def is_published(self):
        return self.published_at is not None

    SEARCH_CONFIG = "english"

    @classmethod
    def search_vector_expression(cls):
        """The weighted search vector of a version's own title, lede and body, as SQL."""
        return (
            SearchVector("title", weight="A", config=cls.SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=cls.SEARCH_CONFIG)
            + SearchVector("body", weight="C", config=cls.SEARCH_CONFIG)
        )

    @classmethod
    def search_vector_update(cls):
        """Keyword arguments for a QuerySet.update() that stores the search vector: empty
        except on PostgreSQL, the one database whose search reads it."""
        if connection.vendor != "postgresql":
            return {}
        return {"search_vector": cls.search_vector_expression()}

    def latest_review(self):
        """The last decision a medical reviewer made on this version, or None."""
        return self.reviews.order_by("-created_at", "-pk").first()

    def approving_review(self):
        """The latest review of this version when it approved it, else None (a later
        "send back" withdraws an approval)."""
        review = self.latest_review()
        return review if review and review.is_approval else None


def add_months(day, months):
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class ReviewerProfile(models.Model):
    """What a medical reviewer signs with: their credentials, copied onto each review,
    and a short bio readers see after the review line."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    credentials = models.CharField(
        max_length=150, blank=True, help_text="As readers see them, e.g. “MD, FRCP”."
    )
    bio = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence readers see, e.g. “Consultant anaesthetist at …”.",
    )

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.credentials}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The bio is read live on the pages of the articles this reviewer reviewed.
        reviewed = ArticleVersion.objects.filter(reviews__reviewer=self.user_id).values("article")
        Article.objects.filter(pk__in=reviewed).expire_pages()


class AuthorProfile(models.Model):
    """A writer's short bio, shown in the byline of the articles whose published version
    they wrote."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    bio = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence readers see, e.g. “Health journalist …”.",
    )

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The byline is part of the cached article fragment: a new stamp renders it afresh.
        Article.objects.filter(published_version__author=self.user_id).expire_pages()


# "Dr. Amina Rahman" or "Dr Amina Rahman", never "Drew Smith".
DOCTOR_TITLE = re.compile(r"^\s*Dr\.?\s+", re.IGNORECASE)


class MedicalReviewQuerySet(models.QuerySet):
    def approvals(self):
        return self.filter(decision=MedicalReview.Decision.APPROVE)


class MedicalReview(models.Model):
    """A medical reviewer's signed decision on one exact version: approve or send back.

    Immutable, like the version it names: a new version needs a review of its own,
    and a decision is changed only by a later review. The reviewer's name and
    credentials are copied at signing time, so the record says what was signed
    even if the profile changes later.
    """

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        SEND_BACK = "send_back", "Sent back"

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medical_reviews",
        help_text="Empty for reviews recorded before reviewers signed in the admin.",
    )
    reviewer_name = models.CharField(max_length=150)
    credentials = models.CharField(max_length=150, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MedicalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["version", "decision"], name="review_of_version")]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.version} by {self.reviewer_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("medical reviews are signed records: add a new review instead")
        super().save(*args, **kwargs)

    @property
    def is_approval(self):
        return self.decision == self.Decision.APPROVE

    @property
    def signature(self):
        """The reviewer as health publishers print them: the name, then the credentials
        ("Amina Rahman, MD, FRCP"). A "Dr." title is left out when credentials follow:
        they say it already."""
        if not self.credentials:
            return self.reviewer_name
        name = DOCTOR_TITLE.sub("", self.reviewer_name) or self.reviewer_name
        return f"{name}, {self.credentials}"

    @classmethod
    def sign(cls, version, reviewer, decision, note="", credentials=None):
        """Record ``reviewer``'s ``decision`` on ``version`` and return the review.

        ``credentials`` (when given) are kept on the reviewer's profile for next
        time; the review copies them and the reviewer's full name, which readers
        see (a username is a sign-in name, never shown: a reviewer without a full
        name cannot sign). Readers' pages of the article are expired when the
        review changes what they are told.
        """
        name = reviewer.get_full_name().strip()
        if not name:
            raise ValueError("a medical reviewer signs with their full name")
        with transaction.atomic():
            profile, _created = ReviewerProfile.objects.get_or_create(user=reviewer)
            if credentials is not None and credentials != profile.credentials:
                profile.credentials = credentials
                profile.save(update_fields=["credentials"])
            review = cls.objects.create(
                version=version,
                reviewer=reviewer,
                reviewer_name=name,
                credentials=profile.credentials,
                decision=decision,
                note=note,
            )
            if version.published_at is not None:
                version.article.expire_pages()
        return review


class DeadLink(models.Model):
    """A link in an article's published version that did not answer, found by check_references."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="dead_links")
    url = models.URLField(max_length=2000)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "url"]

    def __str__(self):
        return f"{self.url} ({self.problem})"

    @classmethod
    def record(cls, checks_by_article):
        """Replace the dead links of each article with the dead ones among its checks
        (a dict: article -> LinkChecks, articles/link_check.py). Returns how many."""
        now = timezone.now()
        dead = [
            cls(
                article=article,
                url=check.url,
                status_code=check.status_code,
                error=check.error,
                checked_at=now,
            )
            for article, checks in checks_by_article.items()
            for check in checks
            if check.is_dead
        ]
        with transaction.atomic():
            cls.objects.filter(article__in=list(checks_by_article)).delete()
            cls.objects.bulk_create(dead)
        return len(dead)

    @property
    def problem(self):
        """What went wrong, in a few words: the HTTP status or the error."""
        return f"HTTP {self.status_code}" if self.status_code else self.error or "no answer"


def wordpress_post_address(post_id):
    """The address every WordPress site answers for a post or page id: ``/?p=ID``.

    The importer keeps it for every article it makes, so it also names the
    article a WordPress id was imported as.
    """
    return f"/?p={int(post_id)}"


class LegacyAddressQuerySet(models.QuerySet):
    def article_for(self, path, now=None):
        """The live article an old address leads to, or None.

        An address of a draft or scheduled article leads nowhere yet: a redirect
        would tell readers its new address before it is published.
        """
        if "\x00" in path:
            return None  # no address has one, and PostgreSQL refuses to compare it
        found = (
            self.filter(
                path=path,
                article__published_version__isnull=False,
                article__publish_at__lte=now or timezone.now(),
            )
            .select_related("article")
            .only("article__slug")
            .first()
        )
        return found.article if found else None


class LegacyAddress(models.Model):
    """An address an article had on the site it was imported from (``/?p=12``,
    ``/2019/04/02/old-name/``...). It answers with a permanent redirect to the
    article's current address, whatever that becomes.
    """

    path = models.CharField(
        max_length=500, unique=True, help_text="The old path, with its query string if any."
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="legacy_addresses")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LegacyAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "legacy addresses"

    def __str__(self):
        return f"{self.path} → {self.article.slug}"
