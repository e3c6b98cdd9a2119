"""Documents of the library: files readers download (a PDF leaflet, a spreadsheet).

A document is kept byte for byte, so what it is must be judged from its content, not
its name: a PDF starts with ``%PDF-``; Word, Excel, PowerPoint and OpenDocument files are
ZIP archives; CSV and plain text are UTF-8 text without markup. Anything that a browser
could run as a page or script is refused: HTML, SVG, XML, JavaScript, or text that
starts with a tag. Each file is stored under a name carrying a hash of its content and
the suffix of the type it was judged to be, which is what it is served as
(articles/media_views.py).
"""

import hashlib
import io
import os
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify

from .models import Document

# Office formats are ZIP archives: told apart by the suffix only once the content has
# shown it is one, and by the archive's own table of contents.
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
ACCEPTED_NAMES = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV or plain text"
# What a browser may take for a page or a script, at the start of a text file.
RUNNABLE_STARTS = (b"<", b"#!", b"%!")
RUNNABLE_WORDS = (b"<script", b"<html", b"<svg", b"<?xml", b"<!doctype", b"javascript:")


class RefusedDocument(ValueError):
    """An upload that is not a document we accept, or too large: the message says why."""


def judge_document(data, name=""):
    """(content type, suffix) of the document in ``data`` (bytes), judged by its content;
    RefusedDocument when it is not one we accept."""
    if len(data) > settings.IMAGES_MAX_BYTES:
        raise RefusedDocument(
            f"This file is {filesizeformat(len(data))}; documents may be at most "
            f"{filesizeformat(settings.IMAGES_MAX_BYTES)}."
        )
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    suffix = os.path.splitext(name)[1].lower()
    if data.startswith(b"PK\x03\x04") and suffix in OFFICE_TYPES:
        if _is_office_archive(data, suffix):
            return OFFICE_TYPES[suffix], suffix
        raise RefusedDocument(f"This file is not a readable {suffix[1:].upper()} document.")
    text = _plain_text(data)
    if text is not None:
        if suffix == ".csv":
            return "text/csv", ".csv"
        return "text/plain", ".txt"
    raise RefusedDocument(
        f"This file is not a document we accept ({ACCEPTED_NAMES}). HTML, SVG and scripts "
        "are refused: a browser could run them."
    )


def _is_office_archive(data, suffix):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    if suffix.startswith(".od"):
        return "mimetype" in names and "content.xml" in names
    return "[Content_Types].xml" in names


def _plain_text(data):
    """The text in ``data`` when it is UTF-8 with no markup a browser would run, else None."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    start = text.lstrip().encode()[:2]
    lowered = data.lower()
    if start.startswith(RUNNABLE_STARTS) or any(word in lowered for word in RUNNABLE_WORDS):
        return None
    return text


def store_document(data, *, name="", title="", source_url=""):
    """Store the document in ``data`` (bytes) in the library and return the Document; the
    same file stored before is returned as it is. RefusedDocument when it is not one we
    accept."""
    content_type, suffix = judge_document(data, name)
    digest = hashlib.sha256(data).hexdigest()
    existing = Document.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing
    stem = os.path.splitext(os.path.basename(name))[0]
    file_name = default_storage.save(
        f"documents/{digest[:2]}/{slugify(stem)[:60] or 'document'}-{digest[:16]}{suffix}",
        ContentFile(data),
    )
    try:
        with transaction.atomic():
            return Document.objects.create(
                file=file_name,
                title=title or stem.replace("-", " ").replace("_", " ").strip()[:200] or "Document",
                content_type=content_type,
                size=len(data),
                content_hash=digest,
                source_url=source_url,
            )
    except IntegrityError:
        existing = Document.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return existing
