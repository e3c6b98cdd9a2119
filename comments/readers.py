"""The reader of one request, and what their browser remembers about them in signed cookies.

- the ids of the comments they posted (so they, and only they, see their own
  pending comment marked "awaiting moderation", and may edit it for a while);
- their name, email and website, only when they ticked "Save my name...";
- the address they confirmed by email (comments/subscriptions.py): proof, in this one
  browser, that its reader reads that mailbox.

Every cookie is signed (a reader cannot forge another's ids), HttpOnly and SameSite=Lax;
nothing is kept on the server for them. ``Reader.from_request`` reads them once per
request; the thread, the form and the views are handed the Reader.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing

from cms.addresses import client_address

from .models import normalise

OWN_COMMENTS_COOKIE = "cms_own_comments"
OWN_COMMENTS_SALT = "comments.own"
OWN_COMMENTS_KEPT = 20
OWN_COMMENTS_MAX_AGE = 60 * 60 * 24 * 30

AUTHOR_COOKIE = "cms_comment_author"
AUTHOR_SALT = "comments.author"
AUTHOR_MAX_AGE = 60 * 60 * 24 * 365
AUTHOR_FIELDS = ("name", "email", "website")

CONFIRMED_COOKIE = "cms_confirmed_email"
CONFIRMED_COOKIE_SALT = "comments.subscription.confirmed-address"
CONFIRMED_COOKIE_MAX_AGE = 60 * 60 * 24 * 365

USER_AGENT_KEPT = 300  # characters, as Comment.user_agent holds


def _signed_value(request, cookie, salt, max_age):
    """The value of a signed cookie; None when missing, expired or tampered with."""
    value = request.COOKIES.get(cookie)
    if not value:
        return None
    try:
        return signing.loads(value, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def _cookie_options(max_age):
    return {
        "max_age": max_age,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }


@dataclass(frozen=True)
class Reader:
    """Who sent this request, as far as the comments are concerned."""

    address: str | None = None  # the client's IP address (cms/addresses.py)
    user_agent: str = ""
    own_comment_ids: tuple = ()  # comments posted from this browser, oldest first
    confirmed_email: str = ""  # the mailbox this browser confirmed by email, as its key
    saved_details: dict = field(default_factory=dict)  # name, email, website, or {}
    has_saved_details: bool = False  # the author cookie was there (to forget it)

    @classmethod
    def from_request(cls, request):
        """The Reader of ``request``, from its address and its cookies: read once, then kept
        on the request (a refused post renders the article page, whose comments block asks
        again)."""
        if not hasattr(request, "comments_reader"):
            request.comments_reader = cls._read(request)
        return request.comments_reader

    @classmethod
    def _read(cls, request):
        ids = _signed_value(request, OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT, OWN_COMMENTS_MAX_AGE)
        ids = [number for number in ids if isinstance(number, int)] if isinstance(ids, list) else []
        email = _signed_value(
            request, CONFIRMED_COOKIE, CONFIRMED_COOKIE_SALT, CONFIRMED_COOKIE_MAX_AGE
        )
        details = _signed_value(request, AUTHOR_COOKIE, AUTHOR_SALT, AUTHOR_MAX_AGE)
        details = (
            {name: str(details.get(name, "")) for name in AUTHOR_FIELDS}
            if isinstance(details, dict)
            else {}
        )
        return cls(
            address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_KEPT],
            own_comment_ids=tuple(ids),
            confirmed_email=email if isinstance(email, str) else "",
            saved_details=details,
            has_saved_details=AUTHOR_COOKIE in request.COOKIES,
        )

    def remember_comment(self, response, comment_id):
        """This browser posted ``comment_id``: add it to the cookie (the newest few kept)."""
        ids = [*self.own_comment_ids, comment_id][-OWN_COMMENTS_KEPT:]
        response.set_cookie(
            OWN_COMMENTS_COOKIE,
            signing.dumps(ids, salt=OWN_COMMENTS_SALT),
            **_cookie_options(OWN_COMMENTS_MAX_AGE),
        )

    def save_details(self, response, cleaned_data):
        """Remember the name, email and website for this browser's next comment."""
        details = {name: cleaned_data.get(name) or "" for name in AUTHOR_FIELDS}
        response.set_cookie(
            AUTHOR_COOKIE,
            signing.dumps(details, salt=AUTHOR_SALT, compress=True),
            **_cookie_options(AUTHOR_MAX_AGE),
        )

    def keep_details_as_asked(self, response, cleaned_data):
        """Save the details when the form's "Save my name..." is ticked, else forget them."""
        if cleaned_data.get("save_details"):
            self.save_details(response, cleaned_data)
        else:
            self.forget_details(response)

    def forget_details(self, response):
        """The reader unticked "Save my name...": the browser forgets them."""
        if self.has_saved_details:
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")


def remember_confirmed_address(response, email):
    """This browser confirmed ``email`` from our email's link (comments/subscription_views.py)."""
    response.set_cookie(
        CONFIRMED_COOKIE,
        signing.dumps(normalise(email), salt=CONFIRMED_COOKIE_SALT),
        **_cookie_options(CONFIRMED_COOKIE_MAX_AGE),
    )
