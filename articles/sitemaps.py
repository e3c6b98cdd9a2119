"""The sitemap: an index at /sitemap.xml and sections of at most 10,000 addresses.

Every article readers can see, with the date its content last changed. Drafts, scheduled
and withdrawn articles are left out by Article.objects.published(), the same rule the
pages follow. Addresses use settings.SITE_URL, as the canonical links of the pages do, rather
than the host name of whoever asked (Django's own index view would use the latter).

Each page is read from the database in SQL pages (a count and one page of slugs and
dates). The shared HTTP cache keeps the index and the pages with the other lists of
articles, and every change of an article purges them (cms/urls.py, shared_article_list).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date

from .models import Article, Tag, Topic


class ArticleSitemap(Sitemap):
    """Published articles, newest first, 10,000 to a page (the protocol allows 50,000, but
    smaller pages are quicker to make and to fetch).

    The items are rows, not model instances: a page of 10,000 addresses made through
    Django's sitemap template, with an Article and a reverse() per address, takes over a
    second; from rows and one address pattern it takes a tenth of that (bench/scale.py).
    """

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        # A query, paginated in SQL, of the few columns an entry needs.
        return (
            Article.objects.published()
            .newest_first()
            .values_list("pk", "slug", "published_version__published_at", "scheduled_at")
        )

    def entries(self, rows):
        """(address, lastmod) of each row of items(). A scheduled update whose time has come
        counts from its time, as the pages show it (the task worker publishes it: no query,
        no write here)."""
        pattern = settings.SITE_URL + reverse("articles:detail", kwargs={"slug": SLUG_MARK})
        now = timezone.now()
        for _pk, slug, published_at, scheduled_at in rows:
            if scheduled_at and scheduled_at <= now:
                published_at = scheduled_at
            yield pattern.replace(SLUG_MARK, slug), published_at

    def get_latest_lastmod(self):
        """The newest lastmod of the section in one query (Django's default reads every item):
        the newest published version readers see, found from the end of an index."""
        return (
            Article.objects.published()
            .filter(published_version__published_at__isnull=False)
            .order_by("-published_version__published_at")
            .values_list("published_version__published_at", flat=True)
            .first()
        )


# Stands for the slug in the address pattern: not a slug, so it is never one.
SLUG_MARK = "slug-mark"
URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


class TopicSitemap(Sitemap):
    """Every topic's page (a topic page lists its subtopics even before it has articles)."""

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        return Topic.objects.order_by("pk").values_list("slug", flat=True)

    def entries(self, slugs):
        """(address, lastmod) of each topic; a topic page has no date of its own."""
        for slug in slugs:
            yield settings.SITE_URL + reverse("articles:topic", kwargs={"slug": slug}), None

    def get_latest_lastmod(self):
        return None


class TagSitemap(TopicSitemap):
    """The pages of the tags that some published article carries (an empty tag page
    is of no use to a search engine)."""

    def items(self):
        tagged = Article.tags.through.objects.filter(article__in=Article.objects.published())
        return (
            Tag.objects.filter(pk__in=tagged.values("tag_id"))
            .order_by("pk")
            .values_list("slug", flat=True)
        )

    def entries(self, slugs):
        for slug in slugs:
            yield settings.SITE_URL + reverse("articles:tag", kwargs={"slug": slug}), None


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "tags": TagSitemap}


@x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: one entry per page of each section, with the section's newest lastmod."""
    entries = []
    latest = None
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        pages = sitemap.paginator  # a new Paginator, and a count, at each use
        if not pages.count:
            continue  # no topics or tags yet: no empty section
        address = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        latest = max(filter(None, (latest, lastmod)), default=None)
        entries.append(SitemapIndexItem(address, lastmod))
        entries.extend(
            SitemapIndexItem(f"{address}?p={page}", lastmod)
            for page in range(2, pages.num_pages + 1)
        )
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else None
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )


@x_robots_tag
def sitemap_page(request, section):
    """/sitemap-<section>.xml?p=N: one page of a section, in the XML of Django's sitemap view."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap section {section!r}")
    sitemap = SITEMAPS[section]()
    try:
        page = sitemap.paginator.page(request.GET.get("p", 1))
    except InvalidPage as error:
        raise Http404(f"No page {request.GET.get('p')!r} of the sitemap") from error
    parts = [URLSET_START]
    latest = None
    for address, lastmod in sitemap.entries(page.object_list):
        parts.append(f"<url><loc>{escape(address)}</loc>")
        if lastmod:
            latest = max(latest or lastmod, lastmod)
            parts.append(f"<lastmod>{timezone.localdate(lastmod).isoformat()}</lastmod>")
        parts.append(f"<changefreq>{sitemap.changefreq}</changefreq></url>\n")
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    if latest:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response
