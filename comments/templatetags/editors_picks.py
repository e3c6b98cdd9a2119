"""The "Editors' picks" list above the thread (comments/featured.py)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cms.caching import cached_fragment

from ..featured import editors_picks as picks_of

register = template.Library()


@register.simple_tag
def editors_picks(article):
    """The list of ``article``'s editors' picks, the same for every reader: from the fragment
    cache, keyed by the page stamp that every change of its comments bumps (one query when
    it is rendered; nothing at all printed without picks)."""
    key = f"comments:picks:{article.pk}:{article.page_stamp}"
    html = cached_fragment(
        key,
        lambda: render_to_string(
            "comments/_editors_picks.html", {"article": article, "picks": picks_of(article)}
        ),
    )
    return mark_safe(html)  # noqa: S308 (rendered by our template, escaped there)
