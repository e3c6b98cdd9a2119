"""Addresses from the site an article was imported from answer 301 to its current address.

WordPress knew a post as ``/?p=ID`` (``/?page_id=ID`` for a page), as a dated
permalink (``/YYYY/MM/DD/slug/`` or ``/YYYY/MM/slug/``) and as ``/slug/``. The
importer keeps each in the LegacyAddress table; these views only look them up.
"""

from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect

from .models import LegacyAddress

# The query parameters WordPress reads an id from, on its front page.
OLD_ID_PARAMETERS = ("p", "page_id")


def _redirect_to(article):
    return HttpResponsePermanentRedirect(article.get_absolute_url())


def redirect_for_old_id(request):
    """For the front page: a 301 for ``/?p=ID`` or ``/?page_id=ID``, or None for any other request.

    An id that leads to no live article is a 404, as it was on the old site.
    """
    for parameter in OLD_ID_PARAMETERS:
        value = request.GET.get(parameter, "")
        if value.isascii() and value.isdigit():
            article = LegacyAddress.objects.article_for(f"/?{parameter}={int(value)}")
            if article is None:
                raise Http404("No article has this old address.")
            return _redirect_to(article)
    return None


def redirect_old_path(request, **_parts):
    """A dated permalink, or a path no other page answers: 301 when it is an old address."""
    article = LegacyAddress.objects.article_for(request.path)
    if article is None:
        raise Http404("No article has this address.")
    return _redirect_to(article)


def or_old_address(view):
    """Wrap the article page: a slug no live article has may be an old ``/slug/``."""

    @wraps(view)
    def view_or_redirect(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            article = LegacyAddress.objects.article_for(request.path)
            if article is None:
                raise
            return _redirect_to(article)

    return view_or_redirect
