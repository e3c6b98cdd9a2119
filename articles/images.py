"""Images of the library: what an upload must be, how it is stored, and its renditions.

An upload is judged by its content, never its name: Pillow must read it as JPEG, PNG,
WebP, AVIF or GIF (a GIF is kept as its first frame); anything else, SVG included
(it can carry script), is refused with a message saying what is accepted. Its size on
disk and its pixels are checked before it is decoded, so a decompression bomb (a few
kilobytes that decode to gigabytes) never reaches memory.

The stored original is the decoded picture turned upright (EXIF orientation), its colours
converted to sRGB when it carries a colour profile, and encoded again from its pixels
alone: no EXIF, no GPS position, no camera serial, no comment, and none of the bytes a
polyglot file hides after or around the picture. Renditions (IMAGES_WIDTHS x
IMAGES_FORMATS, plus a JPEG or PNG fallback) are made from it once, at upload, never on a
reader's request; the widest is at most the largest of IMAGES_WIDTHS (a page never needs
more, and a 6,000-pixel AVIF costs seconds). Every file is named after a hash of its
content. A 24-megapixel photo takes about 2 s and 200 MB (docs/benchmarks.md).
"""

import hashlib
import io
import mimetypes
import os
import re
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from PIL import Image as Pillow
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from .models import Image, Rendition

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "AVIF", "GIF", "MPO"}  # MPO: a phone's JPEG
ACCEPTED_NAMES = "JPEG, PNG, WebP, AVIF or GIF"

SAVE_OPTIONS = {
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG", "optimize": True},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "avif": {"format": "AVIF", "quality": 60, "speed": 8},
}
# The stored original: a baseline JPEG without Huffman optimisation. Progressive or
# optimised encoding keeps every coefficient of the picture in memory (144 MB more for
# 24 megapixels) and takes twice as long, for a file readers are not sent.
ORIGINAL_OPTIONS = {**SAVE_OPTIONS, "jpeg": {"format": "JPEG", "quality": 90}}
SRGB = ImageCms.createProfile("sRGB")
# Python 3.11's mimetypes does not know AVIF; the S3 storage names each object's
# Content-Type from it, and a renditions' type must be right (docs/images.md).
mimetypes.add_type("image/avif", ".avif")


class RefusedImage(ValueError):
    """An upload that is not an image we accept, or too large: the message says why."""


def _too_many_pixels(width=None, height=None, bomb_error=None):
    limit = f"images may have at most {settings.IMAGES_MAX_PIXELS / 1_000_000:,.0f} million pixels"
    if width is not None:
        return RefusedImage(f"This image is {width:,} × {height:,} pixels; {limit}.")
    # Pillow's refusal says how many pixels ("Image size (2500000000 pixels) exceeds...").
    counted = re.search(r"\((\d+) pixels\)", str(bomb_error))
    if counted:
        return RefusedImage(f"This image has {int(counted[1]):,} pixels; {limit}.")
    return RefusedImage(f"This image has too many pixels; {limit}.")


def check_size(size):
    """RefusedImage naming the limit when a file of ``size`` bytes is over IMAGES_MAX_BYTES
    (callers with an upload check this before reading it)."""
    if size > settings.IMAGES_MAX_BYTES:
        raise RefusedImage(
            f"This file is {filesizeformat(size)}; images may be at most "
            f"{filesizeformat(settings.IMAGES_MAX_BYTES)}."
        )


def read_upload(data):
    """The picture in ``data`` (bytes), decoded, upright, in sRGB, in RGB or RGBA;
    RefusedImage if it is not an accepted image or is too large."""
    check_size(len(data))
    try:
        # Pillow's own bomb guard refuses at open() past twice its limit; ours is lower
        # and checked below, before anything is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Pillow.DecompressionBombWarning)
            picture = Pillow.open(io.BytesIO(data))
    except Pillow.DecompressionBombError as error:
        raise _too_many_pixels(bomb_error=error) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise RefusedImage(
            f"This file is not an image we accept ({ACCEPTED_NAMES}). SVG files are refused: "
            "they can carry scripts."
        ) from error
    if picture.format not in ACCEPTED_FORMATS:
        raise RefusedImage(f"{picture.format} images are not accepted: use {ACCEPTED_NAMES}.")
    width, height = picture.size
    if width * height > settings.IMAGES_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    try:
        picture.seek(0)  # an animated GIF or WebP: its first frame
        picture.load()
        ImageOps.exif_transpose(picture, in_place=True)
        return _in_srgb(picture)
    except (OSError, ValueError, SyntaxError, ImageCms.PyCMSError) as error:
        raise RefusedImage("This image is damaged and could not be read.") from error


def _in_srgb(picture):
    """``picture`` in RGB or RGBA, its colours converted to sRGB from its own profile (a
    phone's Display P3, a print CMYK): the profile is not kept, so the pixels must be."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info
    mode = "RGBA" if has_alpha else "RGB"
    profile = picture.info.get("icc_profile")
    if profile and picture.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        except (OSError, ImageCms.PyCMSError):
            source = None  # a broken profile: the pixels as they are
        if source is not None:
            in_place = picture.mode == mode
            converted = ImageCms.profileToProfile(
                picture, source, SRGB, outputMode=mode, inPlace=in_place
            )
            picture = picture if in_place else converted
    if picture.mode != mode:
        picture = picture.convert(mode)
    picture.info = {}
    return picture


def _encode(picture, kind, options=SAVE_OPTIONS):
    """``picture`` saved as ``kind`` (a key of SAVE_OPTIONS), with no metadata at all."""
    buffer = io.BytesIO()
    if kind == "jpeg" and picture.mode == "RGBA":
        picture = picture.convert("RGB")
    picture.save(buffer, **options[kind])
    return buffer.getvalue()


def _fallback_kind(picture):
    """The format every browser reads: PNG when the picture has transparency, else JPEG."""
    return "png" if picture.mode == "RGBA" else "jpeg"


def _suffix(kind):
    return "jpg" if kind == "jpeg" else kind


def _stored_name(folder, stem, digest, suffix):
    stem = slugify(stem)[:60] or "image"
    return f"{folder}/{digest[:2]}/{stem}-{digest[:16]}{suffix}"


def store_image(data, *, name="", uploaded_by=None, source_url="", **details):
    """Store the image in ``data`` (bytes) in the library and make its renditions; return
    the Image. The same picture stored before is returned as it is (its details kept, and
    ``already_in_library`` set on it).

    ``details``: alt_text, decorative, caption, credit, licence, title.
    RefusedImage when ``data`` is not an accepted image.
    """
    return store_picture(
        read_upload(data), name=name, uploaded_by=uploaded_by, source_url=source_url, **details
    )


def store_picture(picture, *, name="", uploaded_by=None, source_url="", **details):
    """Like ``store_image``, for a picture ``read_upload`` has decoded already (the admin's
    form decodes the upload to say what is wrong with it, then stores it)."""
    kind = _fallback_kind(picture)
    stored = _encode(picture, kind, ORIGINAL_OPTIONS)
    digest = hashlib.sha256(stored).hexdigest()
    existing = Image.objects.filter(content_hash=digest).first()
    if existing is not None:
        existing.already_in_library = True
        return existing
    stem = os.path.splitext(os.path.basename(name))[0]
    file_name = default_storage.save(
        _stored_name("images", stem, digest, f".{_suffix(kind)}"), ContentFile(stored)
    )
    del stored
    if not details.get("title"):
        details["title"] = stem.replace("-", " ").replace("_", " ").strip()[:200]
    try:
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
    except IntegrityError:
        # The same picture, stored by another request between our look-up and our insert.
        existing = Image.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        existing.already_in_library = True
        return existing
    image.already_in_library = False
    return image


def rendition_widths(width):
    """The widths of an image ``width`` pixels wide: each of IMAGES_WIDTHS below it, and
    its own width when it is narrower than the largest (never larger: enlarging adds
    bytes, not detail; a wider original is served at most as wide as the largest)."""
    largest = max(settings.IMAGES_WIDTHS)
    return sorted({each for each in settings.IMAGES_WIDTHS if each < width} | {min(width, largest)})


def _resized(picture, width):
    height = max(1, round(picture.height * width / picture.width))
    if width == picture.width:
        return picture
    # reducing_gap: a fast integer reduce() first, then LANCZOS over the last factor of 3,
    # which looks the same as LANCZOS over the whole range at a fraction of the time.
    return picture.resize((width, height), Pillow.Resampling.LANCZOS, reducing_gap=3.0)


def make_renditions(image, picture=None):
    """Make the image's missing renditions (every width, every format, and the fallback).
    ``picture``: the decoded original, when the caller has it already."""
    if picture is None:
        with default_storage.open(image.file.name) as original:
            picture = read_upload(original.read())
    kinds = [*settings.IMAGES_FORMATS, _fallback_kind(picture)]
    have = set(image.renditions.values_list("width", "format"))
    stem = os.path.splitext(os.path.basename(image.file.name))[0]
    widths = rendition_widths(picture.width)
    # The widest is made from the original; each narrower one from the widest, which is
    # small already: one pass over the 24 megapixels instead of one per width.
    widest = _resized(picture, widths[-1])
    for width in reversed(widths):
        resized = None
        for kind in kinds:
            if (width, kind) in have:
                continue
            if resized is None:
                resized = _resized(widest, width)
            data = _encode(resized, kind)
            digest = hashlib.sha256(data).hexdigest()
            name = default_storage.save(
                _stored_name("renditions", stem, digest, f"-{width}w.{_suffix(kind)}"),
                ContentFile(data),
            )
            Rendition.objects.create(
                image=image, width=width, height=resized.height, format=kind, file=name
            )
