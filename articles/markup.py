"""Markdown to safe HTML, done once when a version is saved.

markdown-it-py renders the editor's Markdown; bleach then keeps only the tags,
attributes and URL schemes listed here, so a script tag, an event handler or a
javascript: URL in a body never reaches a reader.
"""

from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "section",
        "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr",
        "ul", "ol", "li",
        "strong", "em", "b", "i", "s", "del", "sub", "sup",
        "a", "blockquote", "code", "pre",
        "table", "thead", "tbody", "tr", "th", "td",
        "img",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title"],
    "h2": ["id"],
    "h3": ["id"],
    "section": ["aria-labelledby"],
    "th": ["scope"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def _external_link_rel(attrs, new=False):
    """Give links that leave the site rel="noopener" (and never follow a reader to a tab opener)."""
    href = attrs.get((None, "href"), "")
    if urlsplit(href).scheme in {"http", "https"}:
        attrs[(None, "rel")] = "noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        lambda source: LinkifyFilter(
            source, callbacks=[_external_link_rel], skip_tags={"pre", "code"}, parse_email=False
        )
    ],
)


def _wrap_sections(tokens):
    """Wrap each top-level H2 and what follows it in a <section> labelled by the heading."""
    wrapped, open_section, used_ids = [], False, set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            inline = tokens[index + 1]
            base = slugify(inline.content) or "section"
            anchor, counter = base, 2
            while anchor in used_ids:
                anchor, counter = f"{base}-{counter}", counter + 1
            used_ids.add(anchor)
            token.attrSet("id", anchor)
            opening = Token("html_block", "", 0)
            opening.content = (
                "</section>\n" if open_section else ""
            ) + f'<section aria-labelledby="{anchor}">\n'
            wrapped.append(opening)
            open_section = True
        wrapped.append(token)
    if open_section:
        closing = Token("html_block", "", 0)
        closing.content = "</section>\n"
        wrapped.append(closing)
    return wrapped


def render_markdown(source):
    """Render Markdown source to sanitised HTML, with each H2 section in a <section>."""
    tokens = _wrap_sections(_markdown.parse(source or ""))
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return _cleaner.clean(html)
