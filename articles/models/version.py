"""ArticleVersion: an immutable snapshot of an article's content, and the queue of versions
awaiting medical review.

It builds on Article (article.py); its reviews (MedicalReview, review.py) name it by a
string reference and are reached through ``self.reviews``.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from ..markup import (
    library_image_ids,
    reading_minutes,
    render_key_takeaways,
    render_markdown,
    sections,
)
from .article import Article
from .images import Image, snapshot


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
    when the version is created; pages only ever print it. ``images`` is filled then
    too, from the library: the lead image and every ``image:ID`` of the body.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="The lede, also the page's meta description.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False)
    # "Key takeaways": a few short points shown in a box under the lede, one a line;
    # rendered and sanitised once, at save time, like the body.
    key_takeaways = models.TextField(
        blank=True,
        max_length=2000,
        help_text="A few short points readers should remember, one a line. Shown in a box "
        "under the lede. Empty: no box.",
    )
    key_takeaways_html = models.TextField(blank=True, editable=False)
    change_note = models.CharField(max_length=300, blank=True)
    # Who saved the version ("Updated by … on …" in the history and the change log), never
    # the byline: that is the article's writers (Article.writers).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="saved by",
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
    lead_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Shown at the top of the article, on lists and when the page is shared.",
    )
    # What the version was saved with of each image it shows (alt text, caption, credit,
    # licence, sizes, rendition files), keyed "lead" and by image id: a later change in
    # the library reaches readers only with a new version, and the change log shows it.
    images = models.JSONField(default=dict, blank=True, editable=False)

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
        if not self.images:
            # A copy of an older version (a revert) brings the snapshots it was shown with.
            self.images = self.snapshot_images(self.lead_image_id, self.body)
        self.body_html = render_markdown(self.body, self.images)
        self.key_takeaways_html = render_key_takeaways(self.key_takeaways)
        super().save(*args, **kwargs)

    @staticmethod
    def snapshot_images(lead_image_id, body):
        """What a version with this lead image and Markdown ``body`` keeps of its images
        (the ``images`` field): "lead" and str(id) of each library image the body shows,
        each a snapshot (articles.models.images.snapshot). Ids the library does not have
        are left out. Two queries (the images, their renditions), none without images."""
        in_body = library_image_ids(body)
        wanted = [*in_body, lead_image_id] if lead_image_id else in_body
        if not wanted:
            return {}
        found = {
            image.pk: snapshot(image)
            for image in Image.objects.filter(pk__in=wanted).prefetch_related("renditions")
        }
        images = {str(pk): found[pk] for pk in in_body if pk in found}
        if lead_image_id in found:
            images["lead"] = found[lead_image_id]
        return images

    @property
    def shared_image(self):
        """The lead image as pages name it to others (og:image, twitter:image, JSON-LD,
        feeds): a dict of its largest fallback rendition's absolute ``url``, ``width``,
        ``height`` and ``type``, and the ``alt`` text; None without a lead image."""
        lead = self.images.get("lead")
        if not lead:
            return None
        url, width = max(lead["fallback"]["srcset"], key=lambda candidate: candidate[1])
        if url.startswith("/"):
            url = settings.SITE_URL + url
        return {
            "url": url,
            "width": width,
            "height": max(1, round(lead["height"] * width / lead["width"])),
            "type": lead["fallback"]["type"],
            "alt": lead["alt"],
        }

    def contents(self):
        """ "In this article": (anchor, heading) for each H2 section of the body."""
        return sections(self.body)

    @property
    def reading_minutes(self):
        """How long the body takes to read, in whole minutes (at least one)."""
        return reading_minutes(self.body_html)

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
