"""Template tags of the article pages: structured data for search engines, and what the
page tells readers of a version's medical review and corrections."""

from django import template
from django.utils import timezone

from ..jsonld import article_structured_data, breadcrumb_list, json_ld_script
from ..models import Topic, add_months
from ..topic_views import topic_crumbs

register = template.Library()


@register.simple_tag
def article_trust(article, version):
    """``version``'s medical review and corrections (Article.reader_trust): any view that
    renders the article page gets them, the second call on a page costs nothing."""
    return article.reader_trust(version)


@register.simple_tag
def review_dates(article, review):
    """The page's footer line from its review records: ``last`` (the day of ``review``, the
    latest approval of this version or an earlier one, from article_trust) and ``next_due``
    (that day plus the article's review interval); None without a review."""
    if review is None:
        return None
    last = timezone.localdate(review.created_at)
    return {"last": last, "next_due": add_months(last, article.review_interval_months)}


@register.simple_tag
def article_json_ld(article, version):
    """The page's JSON-LD <script> element, built with json.dumps and escaped for HTML."""
    trust = article.reader_trust(version)
    return json_ld_script(
        article_structured_data(article, version, trust["review"], trust["corrections"])
    )


@register.inclusion_tag("articles/_breadcrumbs.html")
def article_breadcrumbs(article, version):
    """ "Home › Mental health › Depression › the article", from the article's primary topic,
    with its BreadcrumbList JSON-LD; nothing for an article without one. One query (the
    topic tree), inside the article's cached fragment, which topic changes expire."""
    if not article.primary_topic_id:
        return {"crumbs": []}
    path = Topic.objects.tree().path(article.primary_topic_id)
    crumbs = topic_crumbs(path) + [(version.title, article.get_absolute_url())]
    return {"crumbs": crumbs, "json_ld": json_ld_script(breadcrumb_list(crumbs))}
