"""Images of the library: what an upload must be, how it is stored, and its renditions.

An upload is judged by its content, never its name: Pillow must read it as JPEG, PNG,
WebP, AVIF or GIF (a GIF is kept as its first frame); anything else, SVG included
(it can carry script), is refused with a message saying what is accepted. Its size on
disk and its pixels are checked before it is decoded, so a decompression bomb (a few
kilobytes that decode to gigabytes) never reaches memory.

The stored original is the decoded picture turned upright (EXIF orientation) and saved
again without any metadata: no EXIF, no GPS position, no camera serial, no comment.
Renditions (IMAGES_WIDTHS x IMAGES_FORMATS, plus a JPEG or PNG fallback) are made from
it once, never on a reader's request. Every file is named after a hash of its content.
"""

import hashlib
import io
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from PIL import Image as Pillow
from PIL import ImageOps, UnidentifiedImageError

from .models import Image, Rendition

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "AVIF", "GIF", "MPO"}  # MPO: a phone's JPEG
ACCEPTED_NAMES = "JPEG, PNG, WebP, AVIF or GIF"
# Pillow's own guard, raised to ours: it warns, then refuses at twice its limit.
Pillow.MAX_IMAGE_PIXELS = None

SAVE_OPTIONS = {
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "avif": {"format": "AVIF", "quality": 60, "speed": 8},
}


class RefusedImage(ValueError):
    """An upload that is not an image we accept, or too large: the message says why."""


def _megabytes(size):
    return f"{size / 1024 / 1024:,.0f} MB"


def read_upload(data):
    """The picture in ``data`` (bytes), decoded, upright, in RGB or RGBA; RefusedImage if
    it is not an accepted image or is too large."""
    if len(data) > settings.IMAGES_MAX_BYTES:
        raise RefusedImage(
            f"This file is {_megabytes(len(data))}; images may be at most "
            f"{_megabytes(settings.IMAGES_MAX_BYTES)}."
        )
    try:
        picture = Pillow.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise RefusedImage(
            f"This file is not an image we accept ({ACCEPTED_NAMES}). SVG files are refused: "
            "they can carry scripts."
        ) from error
    if picture.format not in ACCEPTED_FORMATS:
        raise RefusedImage(f"{picture.format} images are not accepted: use {ACCEPTED_NAMES}.")
    width, height = picture.size
    if width * height > settings.IMAGES_MAX_PIXELS:
        raise RefusedImage(
            f"This image is {width:,} × {height:,} pixels; images may have at most "
            f"{settings.IMAGES_MAX_PIXELS / 1_000_000:,.0f} million pixels."
        )
    try:
        picture.seek(0)  # an animated GIF or WebP: its first frame
        picture.load()
        picture = ImageOps.exif_transpose(picture)
    except (OSError, ValueError, SyntaxError) as error:
        raise RefusedImage("This image is damaged and could not be read.") from error
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    return picture.convert("RGBA" if has_alpha else "RGB")


def _encode(picture, kind):
    """``picture`` saved as ``kind`` (a key of SAVE_OPTIONS), with no metadata at all."""
    buffer = io.BytesIO()
    if kind == "jpeg" and picture.mode == "RGBA":
        picture = picture.convert("RGB")
    picture.save(buffer, **SAVE_OPTIONS[kind])
    return buffer.getvalue()


def _fallback_kind(picture):
    """The format every browser reads: PNG when the picture has transparency, else JPEG."""
    return "png" if picture.mode == "RGBA" else "jpeg"


def _stored_name(folder, stem, digest, suffix):
    stem = slugify(stem)[:60] or "image"
    return f"{folder}/{digest[:2]}/{stem}-{digest[:16]}{suffix}"


def store_image(data, *, name="", uploaded_by=None, source_url="", **details):
    """Store the image in ``data`` (bytes) in the library and make its renditions; return
    the Image. The same picture stored before is returned as it is (its details kept).

    ``details``: alt_text, decorative, caption, credit, licence, title.
    RefusedImage when ``data`` is not an accepted image.
    """
    picture = read_upload(data)
    kind = _fallback_kind(picture)
    stored = _encode(picture, kind)
    digest = hashlib.sha256(stored).hexdigest()
    existing = Image.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing
    stem = os.path.splitext(os.path.basename(name))[0]
    file_name = default_storage.save(
        _stored_name("images", stem, digest, f".{'jpg' if kind == 'jpeg' else kind}"),
        ContentFile(stored),
    )
    details.setdefault("title", stem.replace("-", " ").replace("_", " ").strip()[:200])
    with transaction.atomic():
        image = Image.objects.create(
            file=file_name,
            width=picture.width,
            height=picture.height,
            content_hash=digest,
            uploaded_by=uploaded_by,
            source_url=source_url,
            **details,
        )
        make_renditions(image, picture)
    return image


def rendition_widths(width):
    """The widths of an image ``width`` pixels wide: each of IMAGES_WIDTHS below it, and
    its own width (never larger: enlarging adds bytes, not detail)."""
    return sorted({each for each in settings.IMAGES_WIDTHS if each < width} | {width})


def make_renditions(image, picture=None):
    """Make the image's missing renditions (every width, every format, and the fallback).
    ``picture``: the decoded original, when the caller has it already."""
    if picture is None:
        with default_storage.open(image.file.name) as original:
            picture = read_upload(original.read())
    kinds = [*settings.IMAGES_FORMATS, _fallback_kind(picture)]
    have = set(image.renditions.values_list("width", "format"))
    stem = os.path.splitext(os.path.basename(image.file.name))[0]
    for width in rendition_widths(picture.width):
        height = max(1, round(picture.height * width / picture.width))
        resized = None
        for kind in kinds:
            if (width, kind) in have:
                continue
            if resized is None:
                resized = (
                    picture
                    if width == picture.width
                    else picture.resize((width, height), Pillow.Resampling.LANCZOS)
                )
            data = _encode(resized, kind)
            digest = hashlib.sha256(data).hexdigest()
            suffix = f"-{width}w.{'jpg' if kind == 'jpeg' else kind}"
            name = default_storage.save(
                _stored_name("renditions", stem, digest, suffix), ContentFile(data)
            )
            Rendition.objects.create(
                image=image, width=width, height=height, format=kind, file=name
            )


MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


def snapshot(image):
    """What a version keeps of ``image`` (ArticleVersion.images): what readers are told and
    the files that show it, so the page needs no query and no later change in the library
    reaches a published version."""
    renditions = sorted(image.renditions.all(), key=lambda each: each.width)
    sources = {}
    for rendition in renditions:
        sources.setdefault(rendition.format, []).append([rendition.file.url, rendition.width])
    fallback_kind = "png" if "png" in sources else "jpeg"
    fallback = sources.get(fallback_kind) or [[image.file.url, image.width]]
    return {
        "id": image.pk,
        "alt": "" if image.decorative else image.alt_text,
        "decorative": image.decorative,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
        "width": image.width,
        "height": image.height,
        "sources": [
            {"type": MIME_TYPES[kind], "srcset": sources[kind]}
            for kind in settings.IMAGES_FORMATS
            if kind in sources
        ],
        "fallback": {"type": MIME_TYPES[fallback_kind], "srcset": fallback},
    }
