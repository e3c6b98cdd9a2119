"""Posting twice: a comment sent again is shown, not saved a second time.

A reader sends a comment, and the answer never reaches them: the app was slow and
Varnish gave up after its timeout (the comment was saved all the same), or the
connection dropped. They press Back and send it again. Each comment therefore
carries a posting key (``Comment.posting_key``, unique per article), and a post
whose key is there already is answered with the first comment.

The key is an HMAC (with SECRET_KEY) of the article, the comment replied to, the
text (its spacing and Unicode spelling normalised) and one of:

- the form's nonce: a random value the form's script (static/js/comment-form.js)
  puts into the hidden ``nonce`` field, kept for the browser tab, so that Back and
  "send again" carry it however the page comes back. Another text or another parent
  is another comment, even from the same tab;
- without the script, the reader: their mailbox (comments/identity.py) and IP address,
  within a time window (REPEAT_WINDOW). The address is part of it so that someone
  who knows a reader's email and copies their words cannot claim their comment (the
  answer to a repeat hands the comment's "own comment" cookie to the browser).

The key lives in the database, so it works while Redis is down; it is never shown.
"""

import time
import unicodedata

from django.db import IntegrityError
from django.utils.crypto import salted_hmac

from .identity import mailbox_key
from .models import Comment

KEY_SALT = "comments.posting-key"
# Without the script, the same text from the same reader within 10 to 20 minutes is one
# comment: long enough for a timeout, reading the error page, Back and sending again;
# short enough that a reader who means to say "Thank you" twice a day can.
REPEAT_WINDOW = 10 * 60  # seconds


def _normalised_text(body):
    """The words as typed, whatever the spacing or the Unicode spelling of the characters."""
    return " ".join(unicodedata.normalize("NFKC", body).split())


def _key(*parts):
    value = "\0".join(str(part) for part in parts)
    return salted_hmac(KEY_SALT, value, algorithm="sha256").hexdigest()


def posting_keys(comment, nonce, reader, now=None):
    """The keys under which an earlier posting of the unsaved ``comment`` would be stored,
    the one to store it under first. ``nonce`` is the form's (CommentForm.clean_nonce),
    "" without the script; ``reader`` is the Reader of the request."""
    text = _normalised_text(comment.body)
    if nonce:
        return [_key("nonce", comment.article_id, comment.parent_id, nonce, text)]
    window = int((now or time.time()) // REPEAT_WINDOW)
    mailbox = mailbox_key(comment.email) or comment.email.lower()
    return [
        _key("reader", comment.article_id, comment.parent_id, mailbox, reader.address, at, text)
        for at in (window, window - 1)
    ]


def earlier_posting(comment, nonce, reader):
    """The comment already saved from this same post, or None; gives the unsaved ``comment``
    its posting key. One indexed query."""
    keys = posting_keys(comment, nonce, reader)
    comment.posting_key = keys[0]
    return (
        Comment.objects.filter(article_id=comment.article_id, posting_key__in=keys)
        .select_related("article")
        .order_by("created_at", "pk")
        .first()
    )


def submit_once(comment):
    """``comment.submit()``, unless a twin request (the same post sent again while the first
    was still being saved) saved it first: then that comment, else None."""
    try:
        comment.submit()
    except IntegrityError:
        twin = (
            Comment.objects.filter(article_id=comment.article_id, posting_key=comment.posting_key)
            .select_related("article")
            .first()
        )
        if comment.posting_key is None or twin is None:
            raise
        return twin
    return None
