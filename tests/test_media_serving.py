"""Serving the library's files from the local storage (articles/media_views.py): the
stored bytes with their type, cacheable for a year, never a folder or anything outside
MEDIA_ROOT; and, through the real Varnish, kept by the shared cache like a page."""

import http.client
import importlib
import io
import runpy

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import Resolver404, clear_url_caches, resolve
from PIL import Image as Pillow

import cms.urls
from articles.images import store_image
from deploy.stack import Stack
from tests.caches import (
    app_server_environment,
    varnish_or_skip,
)

from .caches import ROOT

YEAR = "public, max-age=31536000, immutable"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGES_WIDTHS = [16]
    (tmp_path / "secret.txt").write_text("SECRET_KEY=do-not-serve")
    (tmp_path / "media").mkdir()
    return tmp_path / "media"


def picture_bytes():
    buffer = io.BytesIO()
    Pillow.new("RGB", (24, 12), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_stored_image_is_served_with_its_type_and_cached_for_a_year(client, media):
    image = store_image(picture_bytes(), name="teal.png", alt_text="A teal square")
    for name, kind in [(image.file.name, "image/jpeg")] + [
        (rendition.file.name, f"image/{rendition.format}") for rendition in image.renditions.all()
    ]:
        response = client.get(f"/media/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"] == kind
        assert response["Cache-Control"] == YEAR
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Disposition" not in response
        assert response["Content-Security-Policy"].startswith("default-src 'none'")
        assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
        with default_storage.open(name) as stored:
            assert body(response) == stored.read()
    assert client.head(f"/media/{image.file.name}").status_code == 200
    assert client.post(f"/media/{image.file.name}").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.txt",
        "/media/images/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/..\\secret.txt",
        "/media//etc/passwd",
        "/media/images/",
        "/media/images",
        "/media/",
        "/media/./images/missing.jpg",
        "/media/images/missing.jpg",
        "/media/images/x%00.jpg",
    ],
)
@pytest.mark.django_db
def test_nothing_but_a_stored_file_is_served(client, media, path):
    FileSystemStorage(location=media).save("images/ab/kept.jpg", ContentFile(b"kept"))
    response = client.get(path)
    assert response.status_code == 404, path
    content = response.content if not response.streaming else body(response)
    assert b"do-not-serve" not in content and b"kept.jpg" not in content


@pytest.mark.django_db
def test_documents_other_than_pdf_are_downloads(client, media):
    storage = FileSystemStorage(location=media)
    storage.save("documents/ab/leaflet-1234.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    storage.save("documents/ab/figures-1234.csv", ContentFile(b"a,b\n"))
    pdf = client.get("/media/documents/ab/leaflet-1234.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "Content-Disposition" not in pdf
    csv = client.get("/media/documents/ab/figures-1234.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv["Content-Disposition"].startswith("attachment")
    assert csv["X-Content-Type-Options"] == "nosniff"


def raw_get(port, path):
    """GET through the cache: (status, headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # A signed-in editor's cookie: a page would be theirs alone, a library file is not.
        connection.request("GET", path, headers={"Cookie": "sessionid=abc; csrftoken=abc"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stack_with_media(django_db_setup, django_db_blocker, tmp_path_factory):
    varnish_or_skip()
    workdir = tmp_path_factory.mktemp("media-stack")
    media = workdir / "media"
    environment = app_server_environment(
        workdir,
        MEDIA_ROOT=str(media),
        WEB_CONCURRENCY="1",
        REDIS_URL=None,
        MEDIA_S3_BUCKET=None,
    )
    with django_db_blocker.unblock(), Stack(environment, workdir) as stack:
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        stack.start_app_server()
        stack.start_cache()
        yield stack, media


@pytest.mark.cache
def test_a_library_file_is_kept_by_the_shared_cache(stack_with_media):
    stack, media = stack_with_media
    data = picture_bytes()
    FileSystemStorage(location=media).save("images/cd/teal-0123456789abcdef.png", ContentFile(data))
    path = "/media/images/cd/teal-0123456789abcdef.png"
    status, headers, first = raw_get(stack.cache_port, path)
    assert status == 200 and first == data and headers["X-Cache"] == "miss"
    status, headers, second = raw_get(stack.cache_port, path)
    assert status == 200 and second == data and headers["X-Cache"] == "hit"
    assert headers["Cache-Control"] == YEAR
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers
    # A missing file is not kept: once stored, it is served at once.
    assert raw_get(stack.cache_port, "/media/images/cd/later.png")[0] == 404
    FileSystemStorage(location=media).save("images/cd/later.png", ContentFile(data))
    assert raw_get(stack.cache_port, "/media/images/cd/later.png")[0] == 200


def test_with_an_object_store_the_site_serves_no_upload(settings):
    settings.MEDIA_S3_BUCKET = "wellinformed-media"
    try:
        clear_url_caches()
        importlib.reload(cms.urls)
        with pytest.raises(Resolver404):
            resolve("/media/images/ab/x.jpg", urlconf=cms.urls)
    finally:
        settings.MEDIA_S3_BUCKET = ""
        importlib.reload(cms.urls)
        clear_url_caches()
    assert resolve("/media/images/ab/x.jpg").url_name == "media"


@pytest.mark.parametrize(
    ("environment", "origin"),
    [
        ({}, None),
        ({"MEDIA_S3_BUCKET": "uploads"}, "https://uploads.s3.amazonaws.com"),
        (
            {"MEDIA_S3_BUCKET": "uploads", "MEDIA_S3_ENDPOINT_URL": "https://s3.example.net:9000"},
            "https://s3.example.net:9000",
        ),
        (
            {"MEDIA_S3_BUCKET": "uploads", "MEDIA_S3_CUSTOM_DOMAIN": "media.example.org"},
            "https://media.example.org",
        ),
    ],
)
def test_pages_may_show_images_from_where_the_store_serves_them(monkeypatch, environment, origin):
    """With an object store, browsers fetch images from its address: the page's
    Content-Security-Policy must allow it, or no image shows."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    production = runpy.run_path(str(ROOT / "cms" / "settings.py"))
    allowed = production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert allowed[:2] == ["'self'", "data:"]
    assert allowed[2:] == ([origin] if origin else [])
