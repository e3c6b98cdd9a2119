"""What a reader's browser remembers about their comments, in signed cookies.

- the ids of the comments they posted (so they, and only they, see their own
  pending comment marked "awaiting moderation");
- their name, email and website, only when they ticked "Save my name...".

Both cookies are signed (a reader cannot forge another's ids), HttpOnly and
SameSite=Lax; nothing is kept on the server for them.
"""

from django.conf import settings
from django.core import signing

OWN_COMMENTS_COOKIE = "cms_own_comments"
OWN_COMMENTS_SALT = "comments.own"
OWN_COMMENTS_KEPT = 20
OWN_COMMENTS_MAX_AGE = 60 * 60 * 24 * 30

AUTHOR_COOKIE = "cms_comment_author"
AUTHOR_SALT = "comments.author"
AUTHOR_MAX_AGE = 60 * 60 * 24 * 365
AUTHOR_FIELDS = ("name", "email", "website")


def _cookie_options(max_age):
    return {
        "max_age": max_age,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }


def own_comment_ids(request):
    """Ids of the comments posted from this browser (empty when none or tampered with)."""
    value = request.COOKIES.get(OWN_COMMENTS_COOKIE)
    if not value:
        return []
    try:
        ids = signing.loads(value, salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_MAX_AGE)
    except signing.BadSignature:
        return []
    return [number for number in ids if isinstance(number, int)] if isinstance(ids, list) else []


def remember_own_comment(request, response, comment_id):
    ids = [*own_comment_ids(request), comment_id][-OWN_COMMENTS_KEPT:]
    response.set_cookie(
        OWN_COMMENTS_COOKIE,
        signing.dumps(ids, salt=OWN_COMMENTS_SALT),
        **_cookie_options(OWN_COMMENTS_MAX_AGE),
    )


def saved_author_details(request):
    """The name, email and website the reader asked us to remember, or {}."""
    value = request.COOKIES.get(AUTHOR_COOKIE)
    if not value:
        return {}
    try:
        details = signing.loads(value, salt=AUTHOR_SALT, max_age=AUTHOR_MAX_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(details, dict):
        return {}
    return {field: str(details.get(field, "")) for field in AUTHOR_FIELDS}


def save_author_details(response, cleaned_data):
    details = {field: cleaned_data.get(field) or "" for field in AUTHOR_FIELDS}
    response.set_cookie(
        AUTHOR_COOKIE,
        signing.dumps(details, salt=AUTHOR_SALT, compress=True),
        **_cookie_options(AUTHOR_MAX_AGE),
    )


def forget_author_details(request, response):
    if AUTHOR_COOKIE in request.COOKIES:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
