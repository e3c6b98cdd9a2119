"""ArticleQuerySet: which articles readers may see and in what order, the review dates of
many articles in one query, and what changes many articles' pages at once.

Article (articles/models/article.py) is its model: ``Article.objects``.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Subquery, When
from django.utils import timezone

from cms.caching import ARTICLE_LISTS, article_key, purge_after_commit, tag_key, topic_key

from .review import MedicalReview
from .topics import Topic


def writers_prefetch(article_model):
    """The Prefetch of an article's bylines with their people, in one query (the Byline
    model is Article's, above this module: reached through the relation)."""
    byline_model = article_model._meta.get_field("bylines").related_model
    return models.Prefetch("bylines", queryset=byline_model.objects.select_related("person"))


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None, withdrawn_too=False):
        """Articles a reader may see: a published version whose publish_at has passed, and
        not withdrawn (withdraw_at empty or to come). ``withdrawn_too``: the withdrawn ones
        as well (their public change log stays)."""
        now = now or timezone.now()
        published = self.filter(published_version__isnull=False, publish_at__lte=now)
        if not withdrawn_too:
            published = published.filter(Q(withdraw_at__isnull=True) | Q(withdraw_at__gt=now))
        return (
            published.select_related("published_version")
            # Only search reads the vector, in SQL; no page needs it in Python.
            .defer("published_version__search_vector")
        )

    def withdrawn(self, now=None):
        """Articles readers saw and that are withdrawn now: their address answers 410, or
        301 to the article that replaced them."""
        now = now or timezone.now()
        return self.filter(
            published_version__isnull=False, publish_at__lte=now, withdraw_at__lte=now
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
        if settings.HTTP_CACHE_NODES:  # their topics' and tags' pages, while they are known
            keys.extend(self.listing_keys())
        result = super().delete()
        purge_after_commit(*keys, ARTICLE_LISTS)
        return result

    def with_due_updates(self, now=None):
        """These articles as a list, each showing its scheduled update once its time has
        come (Article.show_version), in memory: a reader's request never writes, the task
        worker publishes it (articles/schedule.py). No query unless one is due, then one."""
        now = now or timezone.now()
        articles = list(self)
        due = {
            article.scheduled_version_id: article
            for article in articles
            if article.scheduled_version_id and article.scheduled_at <= now
        }
        if due:
            versions = (
                self.model._meta.get_field("published_version")
                .related_model.objects.filter(pk__in=list(due))
                .select_related("author", "author__person")
            )
            for version in versions.defer("search_vector"):
                due[version.pk].show_version(version)
        return articles

    def next_scheduled_change(self, now=None):
        """The next moment a page changes by itself: an article going live, a scheduled
        update of a live one, or a withdrawal. None when nothing is scheduled."""
        now = now or timezone.now()
        moments = self.aggregate(
            going_live=Min("publish_at", filter=Q(publish_at__gt=now)),
            update=Min("scheduled_at", filter=Q(scheduled_at__gt=now)),
            withdrawal=Min("withdraw_at", filter=Q(withdraw_at__gt=now)),
        )
        return min((moment for moment in moments.values() if moment), default=None)

    def in_topics(self, topic_ids):
        """Articles whose primary topic or one of whose other topics is among ``topic_ids``
        (no join, so no duplicates and no DISTINCT)."""
        listed = self.model.topics.through.objects.filter(topic_id__in=topic_ids)
        return self.filter(
            Q(primary_topic_id__in=topic_ids) | Q(pk__in=listed.values("article_id"))
        )

    def tagged(self, tag_id):
        """Articles carrying the tag ``tag_id``."""
        tagged = self.model.tags.through.objects.filter(tag_id=tag_id)
        return self.filter(pk__in=tagged.values("article_id"))

    def for_lists(self):
        """Published, newest first, with the review stamp, without the body (which lists
        never show): what the front page, topic and tag pages read."""
        return (
            self.published()
            .defer("published_version__body", "published_version__body_html")
            .newest_first()
            .with_review_stamp()
        )

    def listing_keys(self):
        """The surrogate keys of the topic and tag pages that list these articles: their
        primary and other topics with every topic above them (a topic page lists its
        subtopics' articles), and their tags. Three queries."""
        through = self.model.topics.through.objects.filter(article__in=self.values("pk"))
        topic_ids = set(through.values_list("topic_id", flat=True))
        topic_ids |= set(
            self.exclude(primary_topic=None).values_list("primary_topic_id", flat=True)
        )
        tags = self.model.tags.through.objects.filter(article__in=self.values("pk"))
        keys = []
        if topic_ids:
            ancestors = Topic.objects.tree().with_ancestors(topic_ids)
            keys.extend(topic_key(topic_id) for topic_id in sorted(ancestors))
        keys.extend(
            tag_key(tag_id) for tag_id in sorted(set(tags.values_list("tag_id", flat=True)))
        )
        return keys

    def written_by(self, person_id):
        """The articles whose byline names the Person ``person_id``."""
        return self.filter(bylines__person=person_id)

    def with_writers(self):
        """Read each article's writers (Person, in byline order: Article.writer_list) with
        them: one query for the whole list, none per article."""
        return self.prefetch_related(writers_prefetch(self.model))

    def reviewed_by(self, user_id):
        """The articles ``user_id`` approved as a medical reviewer: an approval of the
        published version or of one before it (what the review line or the change log
        shows). None when there is no user."""
        if user_id is None:
            return self.none()
        approved = MedicalReview.objects.approvals().filter(
            reviewer=user_id,
            version__article=OuterRef("pk"),
            version__number__lte=OuterRef("published_version__number"),
        )
        return self.filter(Exists(approved))

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
