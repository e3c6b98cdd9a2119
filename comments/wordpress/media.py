"""A WordPress export's attachments, brought into the media library: images as library
Images, other files (a PDF leaflet) as Documents, each under its old upload address.

Each attachment is read from its ``wp:attachment_url`` (over HTTP or HTTPS only, with a
size limit and a time limit, as WordPress's own importer downloads them) or, with a local
copy of ``wp-content/uploads``, from that folder (never from outside it). An attachment
that cannot be read (a 404, a time-out, a file too large, a damaged image, a bomb, a file
that is not what its name says) is reported and left out: nothing of it is saved, and the
posts that show it are imported with a plain link to its old address instead.

Every attachment is imported in a transaction of its own; a second run finds what the
first one stored by its address (``source_url``), and store_image finds the same picture
by its content, so nothing is stored twice.
"""

import hashlib
import http.client
import mimetypes
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from articles.images import RefusedImage, read_upload, store_image
from articles.models import Document, Image, LegacyAddress

from .content import BodyMedia, LibraryFile, post_body_markdown, split_address

UPLOADS = "/wp-content/uploads/"
IMAGE_EXTENSIONS = {"jpg", "jpeg", "jpe", "png", "gif", "webp", "avif", "svg", "bmp", "tif", "tiff"}
# What readers download: kept as sent. Other attachments (video, audio, archives) are left out.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "epub": "application/epub+zip",
}
# WordPress's copies of an uploaded image: x-300x169.jpg (a size), x-scaled.jpg (5.3+ shrinks
# big uploads), x-rotated.jpg; all lead to the attachment of x.jpg.
RESIZED_COPY = re.compile(r"(?:-[0-9]+x[0-9]+|-scaled|-rotated)+(?=\.[A-Za-z0-9]+$)")
CHUNK = 64 * 1024


class UnreadableMedia(Exception):
    """An attachment that could not be read or is not kept: the message says why."""


def upload_key(url):
    """An address of an upload as the importer looks it up: its path under wp-content/uploads,
    without a resized copy's suffix, lower-cased (``2024/03/x.jpg``); else its whole address."""
    path = unquote(split_address(url).path)
    if UPLOADS in path:
        path = path.split(UPLOADS, 1)[1]
    else:
        return url.strip()
    return RESIZED_COPY.sub("", path).lower()


def extension(url):
    return os.path.splitext(unquote(split_address(url).path))[1].lstrip(".").lower()


class OnlyWebRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http or https address (never file:, ftp:...)."""

    def redirect_request(self, request, fp, code, message, headers, new_url):
        if split_address(new_url).scheme not in {"http", "https"}:
            raise urllib.error.HTTPError(
                new_url, code, "redirected to an address that is not http(s)", headers, fp
            )
        return super().redirect_request(request, fp, code, message, headers, new_url)


_opener = urllib.request.build_opener(OnlyWebRedirects)


def download(url, *, max_bytes, timeout):
    """The bytes at ``url`` (http or https), read within ``timeout`` seconds in all and at
    most ``max_bytes`` long; UnreadableMedia saying what went wrong otherwise."""
    if split_address(url).scheme not in {"http", "https"}:
        raise UnreadableMedia("its address is not an http or https one")
    deadline = time.monotonic() + timeout
    # WordPress keeps non-ASCII file names; HTTP wants them percent-encoded (those already
    # encoded stay as they are).
    address = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    try:
        # The scheme is checked above; redirects may only lead to http(s) (OnlyWebRedirects).
        request = urllib.request.Request(address, headers={"User-Agent": "cms-wordpress-import"})  # noqa: S310
        with _opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise UnreadableMedia(_too_large(int(declared), max_bytes))
            chunks, size = [], 0
            # read1: what one receive brings, so a server sending a byte at a time still meets
            # the deadline (read(n) would wait for n bytes).
            while chunk := response.read1(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UnreadableMedia(_too_large(size, max_bytes, at_least=True))
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise UnreadableMedia(f"the old site answered HTTP {error.code} {error.reason}") from None
    except (ValueError, http.client.HTTPException) as error:
        # A malformed address (http.client.InvalidURL), a broken answer (IncompleteRead...).
        raise UnreadableMedia(f"could not be downloaded ({error.__class__.__name__})") from None
    except (TimeoutError, OSError) as error:
        if isinstance(error, TimeoutError) or "timed out" in str(error):
            raise UnreadableMedia(f"no complete answer within {timeout:g} s") from None
        reason = getattr(error, "reason", error)
        raise UnreadableMedia(f"could not be downloaded ({reason})") from None


def _too_large(size, max_bytes, at_least=False):
    return (
        f"the file is {'over ' if at_least else ''}{size / 1024 / 1024:,.1f} MB; "
        f"the limit is {max_bytes / 1024 / 1024:,.1f} MB"
    )


def read_local(url, folder, *, max_bytes):
    """The bytes of the upload at ``url`` in ``folder`` (a copy of wp-content/uploads)."""
    path = unquote(split_address(url).path)
    if UPLOADS not in path:
        raise UnreadableMedia("its address is not under /wp-content/uploads/")
    root = Path(folder).resolve()
    try:
        target = (root / path.split(UPLOADS, 1)[1]).resolve()
        if not target.is_relative_to(root):
            raise UnreadableMedia("its address leads outside the uploads folder")
        if not target.is_file():
            raise UnreadableMedia(f"{target.relative_to(root)} is not in the uploads folder")
        if target.stat().st_size > max_bytes:
            raise UnreadableMedia(_too_large(target.stat().st_size, max_bytes))
        return target.read_bytes()
    except (OSError, ValueError) as error:  # unreadable, or a NUL in the name
        raise UnreadableMedia(f"could not be read ({error.__class__.__name__})") from None


def store_document(data, *, name, title, source_url):
    """Keep ``data`` as a Document under a content-hashed name; the same file stored before
    is returned as it is."""
    digest = hashlib.sha256(data).hexdigest()
    existing = Document.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing
    stem, suffix = os.path.splitext(os.path.basename(name))
    stored = default_storage.save(
        f"documents/{digest[:2]}/{slugify(stem)[:60] or 'document'}-{digest[:16]}{suffix.lower()}",
        ContentFile(data),
    )
    content_type = DOCUMENT_TYPES.get(suffix.lstrip(".").lower()) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    return Document.objects.create(
        file=stored,
        title=(title or stem)[:200],
        content_type=content_type,
        size=len(data),
        content_hash=digest,
        source_url=source_url[:500],
    )


def _check_document(data, kind):
    if kind == "pdf" and not data.startswith(b"%PDF-"):
        raise UnreadableMedia("its name says PDF, but it is not one")
    if data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise UnreadableMedia("it is a web page, not a document")


@dataclass
class MediaOptions:
    """How attachments are read: ``uploads`` (a local folder) or downloads, and the limits."""

    uploads: str | None
    max_bytes: int
    timeout: float


@dataclass
class MediaLibrary:
    """The attachments of one import, and what each became: looked up by attachment id and by
    upload address (any resized copy of an image finds its original)."""

    options: MediaOptions
    dry_run: bool = False
    by_id: dict = field(default_factory=dict)
    by_address: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    needs_alt_text: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def count(self, key, number=1):
        self.counts[key] = self.counts.get(key, 0) + number

    def find(self, src="", attachment_id=None):
        """The LibraryFile an attachment id or an address refers to, or None."""
        if attachment_id is not None and attachment_id in self.by_id:
            return self.by_id[attachment_id]
        return self.by_address.get(upload_key(src)) if src else None

    def body_and_lead_image(self, post, counts, problems):
        """The post's Markdown with its images in the library, and its featured image's id
        (or None); ``counts`` and ``problems`` (the importer's) say what was done and what
        could not be. A caption found in the body goes to a library image that has none."""
        found = BodyMedia(self.find)
        body = post_body_markdown(post.content, found)
        for src in found.unreadable:
            problems.append(f"{post.describe()}: {src} could not be imported; left as a link")
        counts["images placed in bodies"] += found.rewritten
        counts["images left as links"] += len(found.unreadable)
        thumbnail = post.meta.get("_thumbnail_id", "").strip()
        lead = self.find(attachment_id=int(thumbnail)) if thumbnail.isdigit() else None
        if lead is not None and lead.kind != "image":
            lead = None
        if thumbnail and lead is None:
            problems.append(
                f"{post.describe()}: its featured image (attachment {thumbnail}) could not be "
                "imported; the article has no lead image"
            )
        elif lead is not None:
            counts["lead images"] += 1
        if self.dry_run:
            # Nothing was stored: the counts are what they would be, the body stays as it is.
            return post_body_markdown(post.content), None
        for image_id, caption in found.captions.items():
            Image.objects.filter(pk=image_id, caption="").update(caption=caption[:500])
        return body, lead.id if lead is not None else None

    def _read(self, url):
        if self.options.uploads:
            return read_local(url, self.options.uploads, max_bytes=self.options.max_bytes)
        return download(url, max_bytes=self.options.max_bytes, timeout=self.options.timeout)

    def _remember(self, attachment, found):
        self.by_id[attachment.id] = found
        self.by_address.setdefault(upload_key(attachment.attachment_url), found)

    def add(self, attachment):
        """Import one attachment item; returns a line for the command's report."""
        url = attachment.attachment_url
        kind = extension(url)
        where = f"attachment {attachment.describe()}, {url or 'no wp:attachment_url'}"
        if split_address(url).scheme not in {"http", "https"}:
            self.count("media failed")
            self.problems.append(f"{where}: its address is not an http or https one")
            return f"Could not import {where}: its address is not an http or https one."
        if kind not in IMAGE_EXTENSIONS and kind not in DOCUMENT_TYPES:
            self.count("media left out")
            self.problems.append(f"{where}: .{kind or '?'} files are not kept here")
            return f"Left out {where}: not an image or a document."
        known = self._already_imported(url, kind)
        if known is not None:
            self._remember(attachment, known)
            self.count("media already there")
            return f"Already imported: {url}."
        try:
            data = self._read(url)
            with transaction.atomic():
                found = self._store(attachment, data, kind)
                if self.dry_run:
                    transaction.set_rollback(True)
        except (UnreadableMedia, RefusedImage) as error:
            self.count("media failed")
            self.problems.append(f"{where}: {error}")
            return f"Could not import {where}: {error}"
        self._remember(attachment, found)
        self.count(f"{found.kind}s imported")
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} {url} as {found.kind} {found.url}."

    def _already_imported(self, url, kind):
        model = Image if kind in IMAGE_EXTENSIONS else Document
        item = model.objects.filter(source_url=url[:500]).first() if url else None
        return self._library_file(item) if item is not None else None

    def _library_file(self, item):
        if isinstance(item, Image):
            return LibraryFile("image", item.pk, item.file.url, item.alt_text)
        return LibraryFile("document", item.pk, item.file.url)

    def _store(self, attachment, data, kind):
        url, title = attachment.attachment_url, attachment.title
        if kind in IMAGE_EXTENSIONS:
            alt = " ".join(attachment.meta.get("_wp_attachment_image_alt", "").split())
            if self.dry_run:
                read_upload(data)  # refused as it would be; nothing stored
                if not alt:
                    self.needs_alt_text.append(f"“{title}” (from {url})")
                return LibraryFile("image", 0, url)
            image = store_image(
                data,
                name=os.path.basename(split_address(url).path),
                source_url=url[:500],
                alt_text=alt[:500],
                caption=" ".join(attachment.excerpt.split())[:500],
                title=title[:200],
            )
            if image.needs_alt_text:
                self.needs_alt_text.append(f"“{image}” (image {image.pk}, from {url})")
            self._keep_old_address(url, image.file.url)
            return self._library_file(image)
        _check_document(data, kind)
        if self.dry_run:
            return LibraryFile("document", 0, url)
        item = store_document(
            data, name=os.path.basename(split_address(url).path), title=title, source_url=url
        )
        self._keep_old_address(url, item.file.url)
        return self._library_file(item)

    def _keep_old_address(self, url, target):
        path = unquote(split_address(url).path)
        if path.startswith(UPLOADS) and len(path) <= 500 and "\x00" not in path:
            _, made = LegacyAddress.objects.get_or_create(
                path=path, defaults={"target_url": target}
            )
            self.count("upload addresses kept", int(made))
