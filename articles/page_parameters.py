"""The query parameters of the article page: one cached copy per real page (issue 25).

The shared HTTP cache keeps the article page under its address, so every address that
differs only in its query string would be one more copy of the same page: one per random
value anyone sends. So the page answers only the parameters something on it reads, each
with a value it can use, and any other address of the page gets a 301 to the address it
means. The parameters belong to what other apps plug into the page (the comments block
reads ``cpage`` and ``replyto``): each app registers its own here, from its
AppConfig.ready(), with a function that says what the values become. articles knows none
of them.

The HTTP cache drops the parameters no page of the site reads before its lookup
(deploy/varnish/query_parameters.vcl), so those never reach Django at all.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponsePermanentRedirect

# Campaign tags stay in the reader's address bar for the analytics that read them there:
# never a redirect for them. The HTTP cache drops them before its lookup.
CAMPAIGN_TAG = re.compile(r"utm_[a-z]+|fbclid|gclid")

_readers = {}  # parameter name -> the function that decides its value


def read_by_the_article_page(names, canonical_values):
    """Register query parameters of the article page.

    ``canonical_values(request, article, asked)`` is given the values asked for (a dict of
    those of ``names`` in the address, one value each) and returns the values the page
    means (a dict of strings, a parameter left out when it means nothing: the page
    without it). One function may decide several parameters that depend on each other.
    """
    for name in names:
        _readers[name] = canonical_values


def canonical_query(request, article):
    """The query parameters this request's article page means, as a dict, campaign tags
    kept as they came."""
    asked, kept = {}, {}
    for name, values in request.GET.lists():
        if CAMPAIGN_TAG.fullmatch(name):
            kept[name] = values[-1]
        elif name in _readers:
            asked.setdefault(_readers[name], {})[name] = values[-1]
    for canonical_values, values in asked.items():
        kept.update(canonical_values(request, article, values))
    return kept


def redirect_to_canonical(request, article):
    """A 301 to the address this request means when it is not that address (a parameter
    the page does not read, a repeated one, or a value it cannot use), else None."""
    query = canonical_query(request, article)
    asked = sorted((name, value) for name, values in request.GET.lists() for value in values)
    if asked == sorted(query.items()):
        return None
    address = article.get_absolute_url()
    if query:
        address += "?" + urlencode(sorted(query.items()))
    return HttpResponsePermanentRedirect(address)
