"""Avatars made on our own server: initials on a colour derived from the email.

No Gravatar and no hash of the email ever leaves the server: the colour comes
from an HMAC keyed with SECRET_KEY, so it cannot be matched against other sites.

A comment shows its colour only once a moderator approved it: until then its avatar is
neutral (``avatar_class``), so nobody can post with someone's address and compare the
colour of their own pending comment with that person's published one.
"""

import hashlib
import hmac

from django.conf import settings

# static/css/site.css defines .avatar-0 to .avatar-17: classes, since the
# Content-Security-Policy allows no inline style.
PALETTE_SIZE = 18


def avatar_colour(email):
    """The number (0-17) of a stable, dark background colour for an email."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256
    ).digest()
    return int.from_bytes(digest[:4], "big") % PALETTE_SIZE


def avatar_class(colour, *, approved):
    """The avatar's CSS classes: "avatar avatar-N" for an approved comment, else the neutral
    "avatar" (the preview's too), which tells nothing of the email."""
    return f"avatar avatar-{colour}" if approved else "avatar"


def initials(name):
    """Up to two initials of a name, "?" when it has no letters or digits."""
    letters = [part[0] for part in name.split() if part[0].isalnum()]
    if not letters:
        return "?"
    return (letters[0] + (letters[-1] if len(letters) > 1 else "")).upper()
