"""What the author of a new comment is told once it is saved, and where they read it.

A held comment is shown to its author alone (comments/readers.py), and the reader lands
on it after posting (comments/threads.py, ``location_of``): the confirmation goes inside
it, not above the thread, out of view. Its messages carry the comment's tag
(``held_tags``); templates/_messages.html leaves them to the comment
(templatetags/held_comments.py). Everything else is said above the thread, as before:
a published comment's thanks (the thread is the same for every reader), and a comment
marked as spam, which its author does not see but is thanked in the same words as a
held one, so that a bot learns nothing.

Whether the author will get an email is what comments/notifications.py really sends:
the "approved" email goes to the author of a held comment once a moderator publishes
it, if they asked for replies ("Email me when someone replies") and confirmed the
address. Nothing is said of whether the address is confirmed already.
"""

from django.conf import settings
from django.contrib import messages

from .models import Comment

HELD = "held"


def held_tags(comment_id):
    """The ``extra_tags`` of a message that belongs inside the author's held comment."""
    return f"{HELD} comment-{comment_id}"


def belongs_to(message, comment_id):
    """True when ``message`` is one to show inside the held comment ``comment_id``."""
    return f"comment-{comment_id}" in message.extra_tags.split()


def is_held_message(message):
    """True when ``message`` is shown inside a held comment, not above the thread."""
    return HELD in message.extra_tags.split()


def review_time_sentence():
    """When moderators usually get to a comment (COMMENTS_USUAL_REVIEW_TIME)."""
    return f"Moderators usually review comments {settings.COMMENTS_USUAL_REVIEW_TIME}."


def thank(request, comment, *, notify_replies, notify_article):
    """Queue the confirmation of a saved comment (Django's messages): inside the comment when
    its author sees it held, above the thread otherwise. A comment held as a possible crisis
    is thanked above the thread, under the safety message the reader lands on."""
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
        tags = ""
    else:
        shown_held = comment.status == Comment.Status.PENDING and not comment.urgent
        tags = held_tags(comment.pk) if shown_held else ""
        # Spam gets the same words as a held comment: a bot learns nothing.
        if notify_replies:
            email = (
                "We will email you when it is published, once this address has confirmed "
                "our emails."
            )
        else:
            email = "We will not email you when it is published: you did not ask for emails."
        messages.success(
            request,
            f"Thank you: your comment is awaiting moderation. {review_time_sentence()} {email}",
            extra_tags=tags,
        )
    if notify_replies or notify_article:
        # The same words whether or not the address is subscribed or confirmed already.
        messages.info(
            request,
            "If this address has not confirmed our emails yet, "
            "we have sent it a link to confirm them.",
            extra_tags=tags,
        )
