"""The addresses articles had on the site they were imported from: LegacyAddress, which
redirects to the article, and wordpress_post_address, the one every WordPress post has."""

from django.db import models
from django.utils import timezone

from .article import Article


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
