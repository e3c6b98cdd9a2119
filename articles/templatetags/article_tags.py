"""Template tags of the article pages: structured data for search engines, and what the
page tells readers of a version's medical review and corrections."""

from django import template

from ..jsonld import article_structured_data, json_ld_script

register = template.Library()


@register.simple_tag
def article_trust(article, version):
    """``version``'s medical review and corrections (Article.reader_trust): any view that
    renders the article page gets them, the second call on a page costs nothing."""
    return article.reader_trust(version)


@register.simple_tag
def article_json_ld(article, version):
    """The page's JSON-LD <script> element, built with json.dumps and escaped for HTML."""
    trust = article.reader_trust(version)
    return json_ld_script(
        article_structured_data(article, version, trust["review"], trust["corrections"])
    )
