"""The addresses things had on the site they were imported from: LegacyAddress, which
redirects to an article or to another address here (an uploaded file, a topic's page),
and wordpress_post_address, the one every WordPress post has."""

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

    def destination_for(self, path, now=None):
        """Where an old address leads now: a live article's address, or the address kept for
        it (an uploaded file here, a topic's or tag's page); None when it leads nowhere."""
        if "\x00" in path:
            return None
        found = self.filter(path=path).select_related("article").first()
        if found is None:
            return None
        if found.article_id is None:
            return found.target_url or None
        article = found.article
        if article.published_version_id and article.publish_at <= (now or timezone.now()):
            return article.get_absolute_url()
        return None


class LegacyAddress(models.Model):
    """An address from the site this one was imported from, answering with a permanent
    redirect: an article's (``/?p=12``, ``/2019/04/02/old-name/``...) leads to the article's
    current address, whatever that becomes; an uploaded file's
    (``/wp-content/uploads/2024/03/x.jpg``) or an archive's (``/category/depression/``)
    leads to ``target_url``, the file or the page that took its place here.
    """

    path = models.CharField(
        max_length=500, unique=True, help_text="The old path, with its query string if any."
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="legacy_addresses"
    )
    target_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where it leads when it is not an article's: a file or a page of this site.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LegacyAddressQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "legacy addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(article__isnull=False) | ~models.Q(target_url=""),
                name="legacy_address_leads_somewhere",
            )
        ]

    def __str__(self):
        return f"{self.path} → {self.article.slug if self.article_id else self.target_url}"
