"""The sitemap: an index at /sitemap.xml and sections of at most 10,000 addresses.

Every article readers can see, with the date its content last changed. Drafts and
scheduled articles are left out by Article.objects.published(), the same rule the pages
follow. Addresses use settings.SITE_URL, as the canonical links of the pages do, rather
than the host name of whoever asked (Django's own index view would use the latter).

Each page is read from the database in SQL pages (a count and one page of slugs and
dates) and kept in the shared cache under the sitemap's generation, which every change
of an article renews (Article.save() calls expire_pages with SITEMAP_PAGES).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as sitemap_section_view
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.cache import cache_page

from .models import SITEMAP_PAGES, Article
from .page_cache import current_generation, generations_in_use


class ArticleSitemap(Sitemap):
    """Published articles, newest first, 10,000 to a page (the protocol allows 50,000, but
    smaller pages are quicker to make and to fetch)."""

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        # A query, not a list, so that each page reads only its own rows, and only the
        # columns an entry needs (the version's text stays in the database).
        return (
            Article.objects.published()
            .select_related(None)
            .select_related("published_version")
            .only(
                "slug",
                "publish_at",
                "scheduled_at",
                "scheduled_version_id",
                "published_version_id",
                "published_version__published_at",
            )
            .newest_first()
        )

    def lastmod(self, article):
        # A scheduled update whose time has come is published here, as on the front page
        # and in the feeds: no query until then (Article.promote_if_due).
        article.promote_if_due()
        return article.published_version.published_at

    def get_latest_lastmod(self):
        """The newest lastmod of the section in one query (Django's default reads every item)."""
        return Article.objects.published().aggregate(latest=Max("published_version__published_at"))[
            "latest"
        ]

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc or super().get_domain(site)


SITEMAPS = {"articles": ArticleSitemap}


@x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: one entry per page of each section, with the section's newest lastmod."""
    entries = []
    latest = None
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        address = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        latest = max(filter(None, (latest, lastmod)), default=None)
        entries.append(SitemapIndexItem(address, lastmod))
        entries.extend(
            SitemapIndexItem(f"{address}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else None
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )


def sitemap_page(request, section):
    """/sitemap-<section>.xml?p=N: Django's sitemap view for one page of one section."""
    return sitemap_section_view(request, SITEMAPS, section=section)


def cached_sitemap(view):
    """Keep a sitemap response in the shared cache until an article changes.

    The cache key carries the sitemap's generation, which Article.save() and the deletion
    of an article renew (expire_pages(SITEMAP_PAGES)); SITEMAP_CACHE_SECONDS bounds how
    long a scheduled article, which goes live without a save, waits to appear. Without a
    shared cache (development, one process) the sitemap is made on every request: it costs
    two small queries.
    """

    def cached_view(request, *args, **kwargs):
        if not generations_in_use():
            return view(request, *args, **kwargs)
        prefix = f"sitemap:{current_generation(SITEMAP_PAGES)}"
        response = cache_page(settings.SITEMAP_CACHE_SECONDS, key_prefix=prefix)(view)(
            request, *args, **kwargs
        )
        patch_cache_control(response, public=True)
        return response

    return cached_view
