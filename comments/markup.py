"""A reader's plain text to safe HTML, done once when the comment is saved."""

import html
import re

import bleach
from django.utils.html import format_html, format_html_join, linebreaks, strip_tags
from django.utils.text import Truncator

# The HTML a reader may type and see work; the paragraphs and line breaks come from the
# blank lines and newlines they type. Anything else (<b>, <i>, Markdown's *stars*) is shown
# exactly as typed.
FORMATTING_TAGS = ("em", "strong", "code", "blockquote", "a")
ALLOWED_TAGS = frozenset({*FORMATTING_TAGS, "p", "br"})
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


def formatting_help():
    """What the comment box accepts, in a reader's words, as safe HTML (the line under it):
    what render_comment really does, from the same list of tags."""
    tags = format_html_join(", ", "<code>&lt;{}&gt;</code>", ((tag,) for tag in FORMATTING_TAGS))
    return format_html(
        "Plain text: web addresses become links, and a blank line starts a new paragraph. "
        "Of HTML only {} work; other HTML and Markdown (such as *stars*) are shown as typed.",
        tags,
    )


# The words a reply form quotes of the comment it answers (static/js/comment-form.js quotes
# the same way, from the page).
QUOTE_LENGTH = 200


def quote_of(body_html, length=QUOTE_LENGTH):
    """The plain text of a rendered comment, on one line, shortened to ``length`` characters
    (an ellipsis at the cut): for the reply form's quote, which the template escapes."""
    text = html.unescape(strip_tags(re.sub(r"<br\s*/?>", " ", body_html)))
    return Truncator(" ".join(text.split())).chars(length)
