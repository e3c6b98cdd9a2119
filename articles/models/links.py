"""DeadLink: a link of an article's published version that did not answer
(check_references)."""

from django.db import models, transaction
from django.utils import timezone

from .article import Article


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
