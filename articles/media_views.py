"""Serving the library's files (MEDIA_URL) from the local storage, behind the HTTP cache.

Whitenoise serves static files only; uploads are served here, through Django's storage
API, and Varnish (deploy/varnish) keeps each answer like a page: a file's name carries a
hash of its content, so it never changes and is marked cacheable for a year
(``immutable``). A reader therefore reaches this view once per file and cache node.

With an S3-compatible store (MEDIA_S3_BUCKET) files are linked at the store's own
addresses and this view is not routed (cms/urls.py). Nothing here lists a folder or
reaches outside the storage: any name but that of a stored file is a 404.
"""

import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .documents import OFFICE_TYPES

# The only types served, by the suffix the library gave the file after judging its
# content (articles/images.py, articles/documents.py); anything else is a download.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".pdf": "application/pdf",
    **OFFICE_TYPES,
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
# Shown in the browser; every other document is saved by it, never opened as a page.
INLINE = {".jpg", ".png", ".webp", ".avif", ".pdf"}
YEAR = 365 * 24 * 60 * 60
# The surrogate key of every library file: `purge_http_cache media` drops them all.
MEDIA_KEY = "media"


def _stored_name(path):
    """``path`` as a storage name, or None when it is not one the library could have
    written: empty parts, '.', '..', backslashes or NUL are never ours."""
    if not path or "\\" in path or "\x00" in path or path.endswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return posixpath.join(*parts)


@require_safe
def serve_media(request, path):
    """The stored file at ``path`` (under MEDIA_URL), streamed, cacheable for a year."""
    name = _stored_name(path)
    if name is None:
        raise Http404("No such file.")
    try:
        stored = default_storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation):
        # Missing, a folder, unreadable, or outside MEDIA_ROOT: all the same to a reader.
        raise Http404("No such file.") from None
    suffix = posixpath.splitext(name)[1].lower()
    content_type = CONTENT_TYPES.get(suffix) or "application/octet-stream"
    response = FileResponse(
        stored,
        content_type=content_type,
        as_attachment=suffix not in INLINE,
        filename=posixpath.basename(name),
    )
    if suffix in INLINE:
        # FileResponse names the file for "Save as"; inline types need no header.
        del response["Content-Disposition"]
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    if suffix != ".pdf":
        # Nothing served from here runs: not a script, not a plugin, not a frame. (A PDF
        # keeps the site's policy: browsers' PDF viewers need more than this allows.)
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Surrogate-Key"] = MEDIA_KEY
    return response
