"""A reader's plain text to safe HTML, done once when the comment is saved."""

import bleach
from django.utils.html import linebreaks

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
