"""The author's view of their held comment: when it is usually reviewed, and the message
after posting placed inside it (comments/after_posting.py)."""

from django import template

from ..after_posting import belongs_to, is_held_message, review_time_sentence

register = template.Library()


@register.filter
def above_thread(messages):
    """The messages shown above the thread: all but those that go inside a held comment."""
    return [message for message in messages or () if not is_held_message(message)]


@register.inclusion_tag("comments/_held_note.html", takes_context=True)
def held_note(context, comment):
    """What the author reads in their held comment: its confirmation, just after posting
    (the messages of the context tagged for it), else that it waits, and for how long."""
    return {
        "notes": [
            message for message in context.get("messages") or () if belongs_to(message, comment.pk)
        ],
        "review_time": review_time_sentence(),
    }
