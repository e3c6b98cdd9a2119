"""WordPress's HTML as this site's text: a post's content as Markdown, its summary, and a
comment's HTML as the plain text a reader would have typed in the comment form.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

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


def _caption_as_figure(match):
    """A [caption] shortcode as the <figure> a Gutenberg image block writes, for the library."""
    image = CAPTIONED_IMAGE.match(match.group(1))
    if image is None:
        return f"<p>{match.group(1).strip()}</p>"
    return f"<figure>{image.group(1)}<figcaption>{image.group(2).strip()}</figcaption></figure>"


# [gallery ids="31,32"] (the ids are attachment ids); other attributes say how to lay it out.
GALLERY_SHORTCODE = re.compile(r"\[gallery\b[^\]]*?\bids=[\"']?([0-9,\s]+)[\"']?[^\]]*\]", re.I)


def _gallery_as_images(match):
    ids = [each for each in re.split(r"[,\s]+", match.group(1)) if each]
    return "".join(f'<p><img data-attachment="{each}"></p>' for each in ids)


def _html_of_post(content, media=None):
    """The post's HTML without shortcodes; a [caption] keeps its image and its text (with
    ``media``, as a figure; a [gallery] becomes its images, each in turn)."""
    if media is None:
        content = CAPTION_SHORTCODE.sub(_caption_as_html, content)
    else:
        content = CAPTION_SHORTCODE.sub(_caption_as_figure, content)
        content = GALLERY_SHORTCODE.sub(_gallery_as_images, content)
    content = SHORTCODE_TAG.sub("", content)
    return _paragraphs_of_classic_content(content)


@dataclass
class LibraryFile:
    """What a post's body may refer to, once imported here: an image of the library (``id``,
    its ``alt_text``) or a document; ``url`` is the file's address here."""

    kind: str  # "image" or "document"
    id: int
    url: str
    alt_text: str = ""


@dataclass
class BodyMedia:
    """What rewriting one post's body found, for the importer: captions offered to library
    images that have none, and the references it could not rewrite (left as links)."""

    find: object  # find(src="", attachment_id=None) -> LibraryFile | None
    rewritten: int = 0
    captions: dict = field(default_factory=dict)  # image id -> caption text
    unreadable: list = field(default_factory=list)  # addresses left as links (or ids dropped)


WP_IMAGE_CLASS = re.compile(r"\bwp-image-([0-9]+)\b")


def _attachment_id(img):
    match = WP_IMAGE_CLASS.search(" ".join(img.get("class") or []))
    wanted = img.get("data-attachment") or (match.group(1) if match else "")
    return int(wanted) if wanted.isdigit() else None


def _escaped_alt(text):
    return " ".join(text.split()).replace("[", "\\[").replace("]", "\\]")


def split_address(url):
    """``url`` split into its parts (urllib's urlsplit), all empty when it cannot be read
    (``http://[x``): an export's addresses are anyone's text."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def _file_label(src):
    return unquote(split_address(src).path.rsplit("/", 1)[-1]) or "image"


def _links_to_itself(link, found, media):
    """Whether a link around an image leads to the image itself: its file (any size) or its
    attachment page (``?attachment_id=``), as WordPress's "Link to" settings write them."""
    href = link.get("href", "")
    return "attachment_id=" in href or "/attachment/" in href or media.find(src=href) == found


def _rewrite_image(soup, img, media):
    """One <img> as a library reference (``image:ID``), or as a plain link to where it was."""
    src = img.get("src") or ""
    found = media.find(src=src, attachment_id=_attachment_id(img))
    figure = img.find_parent("figure")
    caption = figure.find("figcaption") if figure else None
    link = img.parent if img.parent is not None and img.parent.name == "a" else None
    if found is None or found.kind != "image":
        alt = " ".join((img.get("alt") or "").split())
        media.unreadable.append(src or f"attachment {_attachment_id(img)}")
        if src.startswith(("http://", "https://")):
            anchor = soup.new_tag("a", href=(found.url if found else src))
            anchor.string = alt or _file_label(src)
            img.replace_with(anchor)
        else:
            img.decompose()  # a gallery's id that names no readable attachment: nothing to link
        return
    alt = (img.get("alt") or "").strip()
    reference = soup.new_tag("img", src=f"image:{found.id}")
    reference["alt"] = "" if alt == found.alt_text else _escaped_alt(alt)
    if link is not None and _links_to_itself(link, found, media):
        link.replace_with(reference)  # WordPress links an image to its own full-size file
    elif link is not None:
        # A link elsewhere: kept, after the image, as a link of its own.
        img.extract()
        link.string = link.get("href", "")
        link.wrap(soup.new_tag("p")).insert_before(reference)
    else:
        img.replace_with(reference)
    media.rewritten += 1
    if caption is not None:
        text = " ".join(caption.get_text(" ").split())
        if text:
            media.captions.setdefault(found.id, text)
        caption.decompose()  # the figure's caption comes from the library


def _rewrite_links(soup, media):
    for anchor in soup.find_all("a", href=True):
        found = media.find(src=anchor["href"])
        if found is not None:
            anchor["href"] = found.url


def _html_with_library_references(content, media):
    soup = BeautifulSoup(_html_of_post(content, media), "html.parser")
    for img in soup.find_all("img"):
        _rewrite_image(soup, img, media)
    _rewrite_links(soup, media)
    for figure in soup.find_all("figure"):
        figure.name = "p"  # markdownify has no figure: its image (and any caption) as a paragraph
    for caption in soup.find_all("figcaption"):
        caption.name = "em"
    return str(soup)


# markdownify, writing this site's Markdown: "## " headings, "-" bullets.
_converter = MarkdownConverter(heading_style="ATX", bullets="-", escape_underscores=False)


def post_body_markdown(content, media=None):
    """A WordPress post's content (block comments, shortcodes, classic paragraphs) as Markdown.

    Headings, lists, links, emphasis, blockquotes and images (with their alt
    text) are kept; block comments (``<!-- wp:paragraph -->``) and WordPress's
    media shortcodes are dropped, a [caption] becomes its image and its text.

    With ``media`` (a BodyMedia), images are rewritten to the library, ``![alt](image:ID)``,
    in every form WordPress writes them (classic <img> and its resized copies, [caption],
    ``wp:image`` blocks, [gallery ids=...]); the alt is written only where it differs from
    the library's, a caption is offered to the library image (``media.captions``); an image
    that could not be imported becomes a plain link to its old address (``media.unreadable``);
    links to imported files point to the copies here.
    """
    if media is None:
        source = _html_of_post(content)
    else:
        source = _html_with_library_references(content, media)
    markdown = _converter.convert(source)
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
