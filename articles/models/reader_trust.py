"""What an article's page tells readers they may trust it for: its medical review (whether
it covers the version shown), when the next review is due, and its corrections. Article
inherits these (articles/models/article.py); they read reviews and versions, never write.
"""

from django.db import models
from django.utils import timezone

from .review import MedicalReview, add_months

# The heavy columns of a version, left out where only its number and dates are shown.
VERSION_TEXT = ("version__summary", "version__body", "version__body_html")


class ReaderTrust:
    """The medical review and corrections of an Article, as its pages show them."""

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

        Two queries, once per article object and version: the page asks twice (its head
        and its body). A page served from the fragment cache, which holds what this
        returns, does not ask at all.
        """
        memo = self.__dict__.setdefault("_reader_trust", {})
        if version.pk not in memo:
            review, current = self.review_status(version)
            memo[version.pk] = {
                "review": review,
                "review_is_current": current,
                "corrections": self.corrections_up_to(version),
            }
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
        reviews = reviews.select_related("version", "reviewer__person")
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
