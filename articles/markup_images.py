"""Library images in an article's Markdown: ``![alt](image:42)`` drawn as the version's
snapshot of image 42, a <figure> when it stands alone in its paragraph (articles/markup.py
renders the rest), and what the sanitiser lets through on a <picture>."""

import re
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from markdown_it.token import Token

# What a <picture> of the library needs on its <img> and <source>, in the values
# templates/articles/_picture.html writes; a body image is never the page's priority.
PICTURE_ATTRIBUTES = {
    "srcset": re.compile(r"[^<>\"']{1,4000}"),
    "sizes": re.compile(r"[\w\s().:,-]{1,200}"),
    "loading": re.compile(r"lazy"),
    "decoding": re.compile(r"async"),
}
LIBRARY_IMAGE = re.compile(r"image:(\d{1,10})")


def srcset_is_safe(value):
    """Every candidate of a srcset is an http(s) address or a path of this site."""
    for candidate in value.split(","):
        address = candidate.strip().split(" ")[0]
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") and not (
            not parts.scheme and address.startswith("/") and not address.startswith("//")
        ):
            return False
    return True


def library_image_id(src):
    """The library image id of an image address ``image:42``, or None for any other address."""
    match = LIBRARY_IMAGE.fullmatch(src or "")
    return int(match.group(1)) if match else None


def _picture_of(token, env, renderer, options):
    """The version's snapshot of a library image token, with the alt written in the text
    when there is one; None for an id the version has no snapshot of."""
    snapshot = (env.get("library_images") or {}).get(str(library_image_id(token.attrGet("src"))))
    if snapshot is None:
        return None
    alt = renderer.renderInlineAsText(token.children or [], options, env).strip()
    return {**snapshot, "alt": alt} if alt else snapshot


def render_image(self, tokens, index, options, env):
    """markdown-it's render rule for an image: a library image as its <picture>, any
    other image as markdown-it draws it."""
    token = tokens[index]
    if library_image_id(token.attrGet("src")) is None:
        return self.image(tokens, index, options, env)
    image = _picture_of(token, env, self, options)
    if image is None:
        return ""
    return render_to_string("articles/_picture.html", {"image": image}).strip()


def library_figures(tokens, env, renderer, options):
    """Each paragraph holding nothing but one library image becomes that image's figure."""
    kept = []
    for token in tokens:
        kept.append(token)
        if token.type != "paragraph_close" or len(kept) < 3:
            continue
        opening, inline = kept[-3], kept[-2]
        if opening.type != "paragraph_open" or inline.type != "inline":
            continue
        pieces = [
            child
            for child in inline.children or []
            if not (child.type in ("text", "softbreak") and not child.content.strip())
        ]
        if len(pieces) != 1 or pieces[0].type != "image":
            continue
        if library_image_id(pieces[0].attrGet("src")) is None:
            continue
        image = _picture_of(pieces[0], env, renderer, options)
        figure = Token("html_block", "", 0)
        figure.map = opening.map  # the editor's preview marks the figure's line
        figure.content = (
            render_to_string("articles/_figure.html", {"image": image}).strip() + "\n"
            if image
            else ""
        )
        kept[-3:] = [figure]
    return kept
