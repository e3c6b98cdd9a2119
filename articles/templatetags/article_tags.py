"""Template tags of the article pages: structured data for search engines."""

from django import template

from ..jsonld import article_structured_data, json_ld_script

register = template.Library()


@register.simple_tag
def article_json_ld(article, version):
    """The page's JSON-LD <script> element, built with json.dumps and escaped for HTML."""
    return json_ld_script(article_structured_data(article, version))
