"""Pages of the project itself rather than of one app."""

import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)


def csrf_failure(request, reason=""):
    """A refused cross-site or expired form, in the site's style, with the reader's text.

    Reader forms are refused when the browser says the post came from another
    site (comments/views.py); admin forms when their token is missing or old.
    Either way the reader's comment, when the post could be read, is shown back
    so that nothing typed is lost.
    """
    try:
        typed_text = request.POST.get("body", "")
    except Exception:  # an unreadable body (odd charset, too large): nothing to give back
        typed_text = ""
    return render(request, "403_csrf.html", {"typed_text": typed_text}, status=403)
