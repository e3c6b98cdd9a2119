"""A reader's plain text to safe HTML, done once when the comment is saved."""

import html
import re

import bleach
from django.utils.html import linebreaks, strip_tags
from django.utils.text import Truncator

ALLOWED_TAGS = frozenset({"a", "em", "strong", "code", "blockquote", "p", "br"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _ugc(attrs, new=False):
    """Every link a reader writes is marked as user content that search engines do not follow."""
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


def render_comment(text):
    """Sanitise a comment: allowed tags kept, anything else escaped, URLs made into links.

    Blank lines make paragraphs and single newlines line breaks, as the reader typed them.
    """
    cleaned = bleach.clean(
        text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS
    )
    paragraphs = linebreaks(cleaned, autoescape=False)
    return bleach.linkify(paragraphs, callbacks=[_ugc], skip_tags={"code"}, parse_email=False)


# The words a reply form quotes of the comment it answers (static/js/comment-form.js quotes
# the same way, from the page).
QUOTE_LENGTH = 200


def quote_of(body_html, length=QUOTE_LENGTH):
    """The plain text of a rendered comment, on one line, shortened to ``length`` characters
    (an ellipsis at the cut): for the reply form's quote, which the template escapes."""
    text = html.unescape(strip_tags(re.sub(r"<br\s*/?>", " ", body_html)))
    return Truncator(" ".join(text.split())).chars(length)
