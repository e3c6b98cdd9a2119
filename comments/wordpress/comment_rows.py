"""A WordPress comment as an unsaved Comment: its text cleaned as a reader's is
(comments/forms.py), rendered and threaded by the Comment methods every comment goes
through. The importer (importer.py) saves them, a level of the threads at a time."""

import html
import ipaddress

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from comments.forms import cleaned_submission
from comments.models import Comment

from .content import comment_text
from .wxr import UnreadableExport, parse_date

COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,  # a comment of a post that went to the bin
}
PINGBACK_TYPES = {"pingback", "trackback"}
NAME_MAX, EMAIL_MAX, WEBSITE_MAX = 100, 254, 200
ANONYMOUS = "Anonymous"


_website_validator = URLValidator(schemes=["http", "https"])


def _website(url):
    """The commenter's website when it is one the comment form would accept, else empty."""
    if not url or len(url) > WEBSITE_MAX:
        return ""
    try:
        _website_validator(url)
    except ValidationError:
        return ""
    return url


def _ip_address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def comment_status(approved, where):
    """The moderation status of a WordPress ``wp:comment_approved`` value."""
    try:
        return COMMENT_STATUSES[approved]
    except KeyError:
        raise UnreadableExport(
            f"{where}: wp:comment_approved “{approved}” is none of 1, 0, spam, trash"
        ) from None


def new_comment(wordpress_comment, *, article, version_id, parent, staff_ids, where):
    """An unsaved Comment for a WordPress comment: its text cleaned as a form submission is,
    then rendered and threaded (a reply to the saved ``parent``, or None) by the Comment
    methods a reader's comment goes through."""
    submitted = cleaned_submission(
        {
            "body": comment_text(wordpress_comment.content),
            "name": html.unescape(wordpress_comment.author),
            "email": wordpress_comment.email,
            "website": wordpress_comment.url,
        }
    )
    comment = Comment(
        article=article,
        article_version_id=version_id,
        wordpress_id=wordpress_comment.id,
        name=" ".join(submitted["name"].split())[:NAME_MAX] or ANONYMOUS,
        email=submitted["email"].strip()[:EMAIL_MAX],
        website=_website(submitted["website"].strip()),
        body=submitted["body"],
        is_staff_reply=wordpress_comment.user_id in staff_ids,
        is_pingback=wordpress_comment.type in PINGBACK_TYPES,
        status=comment_status(wordpress_comment.approved, where),
        ip_address=_ip_address(wordpress_comment.ip),
        created_at=parse_date(wordpress_comment.date_gmt, wordpress_comment.date, where)
        or timezone.now(),
    )
    comment.render()
    # A reply to a comment at the deepest level reads that comment's ancestors (one query).
    comment.reply_to(parent)
    return comment
