"""WordPress's HTML as this site's text: a post's content as Markdown, its summary, and a
comment's HTML as the plain text a reader would have typed in the comment form.
"""

import html
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4 import Comment as HTMLComment
from markdownify import MarkdownConverter

from comments.markup import ALLOWED_TAGS as COMMENT_TAGS

# [caption id="" align="alignleft" width="300"]<img ...> The caption.[/caption]
CAPTION_SHORTCODE = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
# WordPress's own media shortcodes, opening, closing or on their own: [gallery ids="1,2"],
# [embed]https://...[/embed] (the address stays). Other bracketed text ("[sic]", a plugin's
# shortcode) is kept as written, for the editor to see.
SHORTCODE_TAG = re.compile(
    r"\[/?(?:gallery|embed|audio|video|playlist|wp_caption)\b[^\]]*\]", re.IGNORECASE
)
BLOCK_START = re.compile(
    r"^\s*<(?:h[1-6]|p|ul|ol|li|blockquote|div|figure|table|pre|hr|dl|section)\b", re.IGNORECASE
)


def _paragraphs_of_classic_content(content):
    """WordPress's classic editor stores paragraphs as blank lines (wpautop adds the <p>
    tags when showing them): wrap such runs of text in <p>, single newlines as <br>."""
    blocks = re.split(r"\n\s*\n", content.replace("\r\n", "\n"))
    wrapped = []
    for block in blocks:
        if not block.strip():
            continue
        if BLOCK_START.match(block):
            wrapped.append(block)
        else:
            wrapped.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(wrapped)


CAPTIONED_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)$", re.DOTALL)


def _caption_as_html(match):
    """A [caption] shortcode as its image, then its text in a paragraph of its own."""
    inner = match.group(1)
    image = CAPTIONED_IMAGE.match(inner)
    if image is None:
        return f"<p>{inner.strip()}</p>"
    caption = image.group(2).strip()
    return f"<p>{image.group(1)}</p>" + (f"<p><em>{caption}</em></p>" if caption else "")


def _html_of_post(content):
    """The post's HTML without shortcodes; a [caption] keeps its image and its text."""
    content = CAPTION_SHORTCODE.sub(_caption_as_html, content)
    content = SHORTCODE_TAG.sub("", content)
    return _paragraphs_of_classic_content(content)


# markdownify, writing this site's Markdown: "## " headings, "-" bullets.
_converter = MarkdownConverter(heading_style="ATX", bullets="-", escape_underscores=False)


def post_body_markdown(content):
    """A WordPress post's content (block comments, shortcodes, classic paragraphs) as Markdown.

    Headings, lists, links, emphasis, blockquotes and images (with their alt
    text) are kept; block comments (``<!-- wp:paragraph -->``) and WordPress's
    media shortcodes are dropped, a [caption] becomes its image and its text.
    """
    markdown = _converter.convert(_html_of_post(content))
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def post_summary(excerpt, content):
    """The excerpt as plain text, else the first paragraph of the content."""
    text = " ".join(BeautifulSoup(excerpt or "", "html.parser").get_text(" ").split())
    if text:
        return text
    soup = BeautifulSoup(_html_of_post(content), "html.parser")
    for paragraph in soup.find_all("p"):
        text = " ".join(paragraph.get_text(" ").split())
        if text:
            return text
    return ""


def _comment_markup(node):
    """The text of an HTML node as a reader would type it: tags the comment form renders
    (a, em, strong, code, blockquote) kept, paragraphs as blank lines, others stripped."""
    if isinstance(node, HTMLComment) or getattr(node, "name", "") in {"script", "style"}:
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if not isinstance(node, Tag):
        return ""
    inner = "".join(_comment_markup(child) for child in node.children)
    name = node.name.lower()
    if name == "br":
        return "\n"
    if name in {"p", "div"}:
        return f"\n\n{inner.strip()}\n\n"
    if name in {"b", "i"}:
        name = {"b": "strong", "i": "em"}[name]
    if name == "a":
        href = node.get("href", "")
        if not re.match(r"^(https?:|mailto:)", href, re.IGNORECASE):
            return inner
        return f'<a href="{html.escape(href)}">{inner}</a>'
    if name in COMMENT_TAGS - {"p", "br"}:
        return f"<{name}>{inner}</{name}>"
    return inner


def comment_text(content):
    """A WordPress comment's HTML as the plain text a reader would have typed here.

    Entities are decoded, paragraphs become blank lines, tags the comment form
    does not render are stripped (their text kept); links and emphasis stay
    as the tags a reader may type. The result is cleaned like a form submission.
    """
    text = content or ""
    if "<" in text or "&" in text:  # most comments are plain text: no parser needed
        soup = BeautifulSoup(text, "html.parser")
        text = "".join(_comment_markup(child) for child in soup.children)
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
