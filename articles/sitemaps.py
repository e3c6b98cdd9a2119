"""sitemap.xml: every article readers can see, with the date its content last changed.

Drafts and scheduled articles are left out by Article.objects.published(), the
same rule the pages follow. Addresses use settings.SITE_URL, as the canonical
links of the pages do, rather than the host name of whoever asked.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    """Published articles, newest first."""

    changefreq = "weekly"

    def items(self):
        return Article.objects.published().newest_first().with_due_updates()

    def lastmod(self, article):
        return article.published_version.published_at

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc or super().get_domain(site)


SITEMAPS = {"articles": ArticleSitemap}
