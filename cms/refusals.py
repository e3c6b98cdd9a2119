"""Requests the site refuses before any view reads them, answered in the site's style.

Every page of ours is UTF-8 and every form posts UTF-8. A form posted in another
charset (utf-16, latin-1, or one Python does not know) cannot be read as the
reader meant it, and decoding it is where Django would fail: it gets a 400 page
saying why, before anything reads the body. A body over
DATA_UPLOAD_MAX_MEMORY_SIZE is refused by Django itself; ``bad_request`` gives
that refusal the same page.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
READABLE_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


def bad_request(request, exception=None, reason=None):
    """The 400 page (Django's handler400): what was wrong with the request, in words."""
    if reason is None and isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        reason = (
            f"What you sent is larger than the {limit:,} KB we accept, so we could not read "
            "it and nothing was saved. If it was a comment, go back in your browser: your "
            "text should still be in the form."
        )
    return render(request, "400.html", {"reason": reason}, status=400)


class FormEncodingMiddleware:
    """Refuse form posts in a charset other than UTF-8, with a page that says why.

    Last in MIDDLEWARE, so that its refusal passes back through the others (security
    headers, CSP) and comes before any view or CSRF check reads ``request.POST``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset", "").strip().lower()
        if request.content_type in FORM_TYPES and charset and charset not in READABLE_CHARSETS:
            return bad_request(
                request,
                reason=(
                    "Your browser sent this form in an encoding other than UTF-8, which we "
                    "cannot read, so nothing was saved. Please reload the page and send it again."
                ),
            )
        return self.get_response(request)
