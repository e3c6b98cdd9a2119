"""Addresses from the site an article was imported from answer 301 to its current address.

WordPress knew a post as ``/?p=ID`` (``/?page_id=ID`` for a page), as a dated
permalink (``/YYYY/MM/DD/slug/`` or ``/YYYY/MM/slug/``) and as ``/slug/``. The
importer keeps each in the LegacyAddress table; these views only look them up.
It keeps there too the address of each uploaded file (``/wp-content/uploads/2024/03/x.jpg``,
leading to the file kept here; its resized copies such as ``x-300x169.jpg`` lead there as
well) and of each category and tag archive (``/category/mental-health/depression/``,
``/tag/ketamine/``, leading to the topic's and tag's pages).
"""

import re
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
    """A dated permalink, an archive, or a path no other page answers: 301 when it is an old
    address."""
    destination = LegacyAddress.objects.destination_for(request.path)
    if destination is None:
        raise Http404("Nothing here has this address.")
    return HttpResponsePermanentRedirect(destination)


# WordPress's copies of an upload: x-300x169.jpg (a size), x-scaled.jpg, x-rotated.jpg.
RESIZED_COPY = re.compile(r"(?:-[0-9]+x[0-9]+|-scaled|-rotated)+(?=\.[A-Za-z0-9]+$)")


def redirect_old_upload(request, **_parts):
    """An old ``/wp-content/uploads/`` address: 301 to the file kept here, for the original
    and for any of WordPress's resized copies of it."""
    for path in dict.fromkeys([request.path, RESIZED_COPY.sub("", request.path)]):
        destination = LegacyAddress.objects.destination_for(path)
        if destination is not None:
            return HttpResponsePermanentRedirect(destination)
    raise Http404("No file kept here had this address.")


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
