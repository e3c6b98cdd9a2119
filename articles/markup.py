"""Markdown to safe HTML, done once when a version is saved.

markdown-it-py renders the editor's Markdown; bleach then keeps only the tags,
attributes and URL schemes listed here, so a script tag, an event handler or a
javascript: URL in a body never reaches a reader.

Footnotes (``[^1]`` in the text, ``[^1]: the source`` anywhere) are the
article's references: mdit-py-plugins' footnote plugin numbers them, and they
render as a "References" section at the end, each with a link back to where
it is cited.

Images of the library are written ``![alt](image:42)``. A paragraph holding only such an
image becomes a <figure>: the <picture> of the version's snapshot of image 42
(ArticleVersion.images, drawn by templates/articles/_picture.html) with its caption,
credit and licence; inside a sentence, the <picture> alone. The alt in brackets, when
given, is said in that place; otherwise the library's alt text. An id the version has
no snapshot of renders as nothing (the admin's form refuses it before saving); that part
is articles/markup_images.py.
"""

import math
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .markup_images import (
    PICTURE_ATTRIBUTES,
    library_figures,
    library_image_id,
    render_image,
    srcset_is_safe,
)

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
        "figure", "figcaption", "picture", "source", "small",
    }
)  # fmt: skip
# The ids and classes of the references markup, and nothing else of the kind: an editor's
# own id or class could collide with the page's.
REFERENCE_ID = re.compile(r"(ref|cite)-\d{1,4}(-\d{1,4})?")
REFERENCE_CLASSES = frozenset({"references", "reference", "backref"})
ALWAYS_ALLOWED = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "source": {"type"},
    "h2": {"id"},
    "h3": {"id"},
    "section": {"aria-labelledby"},
    "th": {"scope"},
    "ol": {"start"},
}

# A common estimate for adults reading health information on a screen.
WORDS_PER_MINUTE = 200


def _allowed_attribute(tag, name, value):
    """bleach's attribute filter: the fixed lists above, plus the references' own ids,
    classes and labels."""
    if name in ALWAYS_ALLOWED.get(tag, ()):
        return True
    if tag in {"img", "source"} and name in PICTURE_ATTRIBUTES:
        return bool(PICTURE_ATTRIBUTES[name].fullmatch(value)) and (
            name != "srcset" or srcset_is_safe(value)
        )
    if name == "id" and tag in {"a", "li"}:
        return bool(REFERENCE_ID.fullmatch(value))
    if name == "class" and tag in {"a", "sup", "section"}:
        return value in REFERENCE_CLASSES
    if name == "aria-label" and tag == "a":
        return bool(re.fullmatch(r"(Reference \d{1,4}|Back to the text)", value))
    return False


ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _footnote_number(tokens, index):
    return tokens[index].meta["id"] + 1


def _cite_id(tokens, index):
    """The id of one place in the text where a reference is cited: cite-N, or cite-N-M
    for its M+1th citation."""
    sub_id = tokens[index].meta.get("subId", 0)
    number = _footnote_number(tokens, index)
    return f"cite-{number}-{sub_id}" if sub_id > 0 else f"cite-{number}"


def _render_reference_mark(self, tokens, index, options, env):
    number = _footnote_number(tokens, index)
    return (
        f'<sup class="reference"><a href="#ref-{number}" id="{_cite_id(tokens, index)}" '
        f'aria-label="Reference {number}">[{number}]</a></sup>'
    )


def _render_references_open(self, tokens, index, options, env):
    return (
        '<section class="references" aria-labelledby="references">\n'
        '<h2 id="references">References</h2>\n<ol>\n'
    )


def _render_references_close(self, tokens, index, options, env):
    return "</ol>\n</section>\n"


def _render_reference_open(self, tokens, index, options, env):
    return f'<li id="ref-{_footnote_number(tokens, index)}">'


def _render_reference_close(self, tokens, index, options, env):
    return "</li>\n"


def _render_back_link(self, tokens, index, options, env):
    return (
        f' <a href="#{_cite_id(tokens, index)}" class="backref" '
        'aria-label="Back to the text">\u21a9\ufe0e</a>'
    )


_markdown = (
    MarkdownIt("commonmark", {"html": True, "typographer": False})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin, inline=False)
)
_markdown.add_render_rule("footnote_ref", _render_reference_mark)
_markdown.add_render_rule("footnote_block_open", _render_references_open)
_markdown.add_render_rule("footnote_block_close", _render_references_close)
_markdown.add_render_rule("footnote_open", _render_reference_open)
_markdown.add_render_rule("footnote_close", _render_reference_close)
_markdown.add_render_rule("footnote_anchor", _render_back_link)
_markdown.add_render_rule("image", render_image)


def _external_link_rel(attrs, new=False):
    """Give links that leave the site rel="noopener" (and never follow a reader to a tab opener)."""
    href = attrs.get((None, "href"), "")
    if urlsplit(href).scheme in {"http", "https"}:
        attrs[(None, "rel")] = "noopener"
    return attrs


def _cleaner_allowing(attributes):
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[
            lambda source: LinkifyFilter(
                source, callbacks=[_external_link_rel], skip_tags={"pre", "code"}, parse_email=False
            )
        ],
    )


def _allowed_in_preview(tag, name, value):
    if name == "data-source-line":
        return value.isdigit() and len(value) <= 6
    return _allowed_attribute(tag, name, value)


_cleaner = _cleaner_allowing(_allowed_attribute)
# The editor's preview only: its blocks say which line of the text they come from.
_preview_cleaner = _cleaner_allowing(_allowed_in_preview)


def _section_anchors(tokens):
    """{index of the heading_open token: anchor} for each top-level H2, each anchor unique."""
    anchors, used_ids = {}, {"references"}
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            base = slugify(tokens[index + 1].content) or "section"
            anchor, counter = base, 2
            while anchor in used_ids:
                anchor, counter = f"{base}-{counter}", counter + 1
            used_ids.add(anchor)
            anchors[index] = anchor
    return anchors


def _wrap_sections(tokens):
    """Wrap each top-level H2 and what follows it in a <section> labelled by the heading."""
    wrapped, open_section = [], False
    anchors = _section_anchors(tokens)
    for index, token in enumerate(tokens):
        if token.type == "footnote_block_open" and open_section:
            # The references are a section of their own, after the last one.
            closing = Token("html_block", "", 0)
            closing.content = "</section>\n"
            wrapped.append(closing)
            open_section = False
        if index in anchors:
            anchor = anchors[index]
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


def _mark_source_lines(tokens):
    """Give each block its first line in the source (``data-source-line``, from 0): the
    editor's preview finds the block the caret is in (static/admin-extra/preview-follow.js)."""
    for token in tokens:
        if token.map is None or token.nesting < 0 or token.type == "inline":
            continue
        line = str(token.map[0])
        if token.type != "html_block":
            token.attrSet("data-source-line", line)
        elif token.content.startswith("<figure"):  # a library figure; raw HTML stays as written
            token.content = f'<figure data-source-line="{line}"{token.content[len("<figure") :]}'


def render_markdown(source, images=None, source_lines=False):
    """Render Markdown source to sanitised HTML, with each H2 section in a <section>
    and the footnotes as a numbered "References" section at the end.

    ``images``: the version's snapshots (ArticleVersion.images) that ``image:ID`` images
    are drawn from. ``source_lines``: for the editor's preview only, never a version's
    body_html: each block carries ``data-source-line``, its first line in ``source``."""
    env = {"library_images": images or {}}
    tokens = _markdown.parse(source or "", env)
    tokens = library_figures(tokens, env, _markdown.renderer, _markdown.options)
    tokens = _wrap_sections(tokens)
    if source_lines:
        _mark_source_lines(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return (_preview_cleaner if source_lines else _cleaner).clean(html)


def takeaway_lines(source):
    """The points of a "Key takeaways" text: its non-empty lines, a leading list marker
    ("-", "*", "•" or "1.") taken off."""
    points = []
    for line in (source or "").splitlines():
        point = re.sub(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s+", "", line).strip()
        if point:
            points.append(point)
    return points


def render_key_takeaways(source):
    """A "Key takeaways" text (one point a line) as a sanitised <ul>, or "" when it has none.
    Each point is inline Markdown (emphasis, links), rendered and cleaned like a body."""
    points = takeaway_lines(source)
    if not points:
        return ""
    items = "".join(f"<li>{_markdown.renderInline(point)}</li>\n" for point in points)
    return _cleaner.clean(f"<ul>\n{items}</ul>\n")


def sections(source):
    """The top-level H2 headings of Markdown ``source``, for "In this article": a list of
    (anchor, plain text) pairs, the anchors being the ids the rendered headings carry."""
    tokens = _markdown.parse(source or "", {})
    contents = []
    for index, anchor in _section_anchors(tokens).items():
        words = [
            child.content
            for child in tokens[index + 1].children or []
            if child.type in ("text", "code_inline")
        ]
        contents.append((anchor, "".join(words).strip()))
    return contents


def library_image_ids(source):
    """The ids of the library images (``![alt](image:42)``) Markdown ``source`` shows, in
    their order, each once."""
    found = []
    for token in _markdown.parse(source or "", {}):
        for child in token.children or ():
            image_id = library_image_id(child.attrGet("src")) if child.type == "image" else None
            if image_id is not None and image_id not in found:
                found.append(image_id)
    return found


def reading_minutes(html):
    """Minutes an adult reads ``html``'s text in, at 200 words a minute; at least one."""
    words = len(strip_tags(html or "").split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def references(source):
    """The footnotes of Markdown ``source``, in their numbered order: a list of dicts with
    the reference's plain ``text`` and the ``url`` of its first http(s) link ("" if none)."""
    found, current = [], None
    for token in _markdown.parse(source or "", {}):
        if token.type == "footnote_open":
            current = {"text": "", "url": ""}
        elif token.type == "footnote_close" and current is not None:
            current["text"] = " ".join(current["text"].split())
            if not current["url"]:
                # A bare address in the text: the page shows it as a link too (linkify).
                bare = re.search(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]", current["text"])
                current["url"] = bare.group(0) if bare else ""
            found.append(current)
            current = None
        elif token.type == "inline" and current is not None:
            for child in token.children or ():
                if child.type in {"text", "code_inline", "softbreak"}:
                    current["text"] += child.content or " "
                elif child.type == "link_open" and not current["url"]:
                    href = child.attrGet("href") or ""
                    if urlsplit(href).scheme in {"http", "https"}:
                        current["url"] = href
    return found


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if urlsplit(href).scheme in {"http", "https"} and href not in self.links:
                self.links.append(href)


def external_links(html):
    """The distinct http(s) link targets of rendered ``html``, in the order they appear."""
    collector = _LinkCollector()
    collector.feed(html or "")
    collector.close()
    return collector.links
