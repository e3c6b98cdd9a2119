"""What a person reads of a page, for tests that assert on words rather than markup."""

from django.utils.html import strip_tags


def visible_text(html):
    """The text of some HTML (a string or a response), tags dropped, whitespace collapsed."""
    if hasattr(html, "content"):
        html = html.content.decode()
    return " ".join(strip_tags(html).split())
