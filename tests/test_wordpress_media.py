"""Moving from WordPress without loss: attachments, images in bodies, categories, tags,
authors and the old upload and archive addresses (`manage.py import_wordpress`).

tests/fixtures/wordpress-media.xml names its files under OLD_SITE; each test serves a
wp-content/uploads folder, made here with Pillow, from a real HTTP server on 127.0.0.1
(one file missing: a 404; one answered too slowly: a time-out; a damaged JPEG, a PNG bomb,
an HTML page named .jpg, a video), and replaces OLD_SITE with that server's address.
"""

import contextlib
import io
import struct
import threading
import time
import zlib
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from PIL import Image as Pillow

from articles.models import Article, Document, Image, LegacyAddress, Person, Tag, Topic
from comments.wordpress.content import BodyMedia, LibraryFile, post_body_markdown
from comments.wordpress.media import UnreadableMedia, download, read_local

from .conftest import FIXTURES

TIMEOUT, SLOW = 0.5, 2.0  # the import's limit, and how long the slow file takes


def jpeg(width=96, height=54, colour=(200, 150, 40)):
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bomb(width=50_000, height=50_000):
    """A few hundred bytes that say 50,000 × 50,000 pixels: 7.5 GB once decoded."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width * 3 + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def make_uploads(root):
    """A copy of wp-content/uploads with the fixture's files (missing.jpg is not there)."""
    folder = root / "2024" / "03"
    folder.mkdir(parents=True)
    (folder / "sunlight.jpg").write_bytes(jpeg())
    chart = io.BytesIO()
    Pillow.new("RGBA", (80, 45), (20, 90, 160, 255)).save(chart, "PNG")
    (folder / "dose-chart.png").write_bytes(chart.getvalue())
    clinic = io.BytesIO()
    Pillow.new("RGB", (64, 48), (240, 240, 230)).save(clinic, "WEBP")
    (folder / "clinic.webp").write_bytes(clinic.getvalue())
    (folder / "ketamine-leaflet.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    (folder / "slow.jpg").write_bytes(jpeg(colour=(10, 10, 60)))
    (folder / "corrupt.jpg").write_bytes(jpeg(colour=(90, 30, 30))[:-20])  # cut short
    (folder / "bomb.png").write_bytes(png_bomb())
    (folder / "page.jpg").write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    (folder / "interview.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    return root


class OldSite(SimpleHTTPRequestHandler):
    """The old WordPress site's files; slow.jpg answers after SLOW seconds."""

    def do_GET(self):
        if self.path == "/redirect-to-a-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if "slow" in self.path:
            time.sleep(SLOW)
        self.path = self.path.replace("/wp-content/uploads", "", 1)
        # The importer may have given up waiting (the time-out test): nobody to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def uploads(tmp_path):
    return make_uploads(tmp_path / "uploads")


@pytest.fixture
def old_site(uploads):
    """The address of a server on 127.0.0.1 serving ``uploads`` as /wp-content/uploads/."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(OldSite, directory=str(uploads)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGES_WIDTHS = [320]
    return settings.MEDIA_ROOT


@pytest.fixture
def export(tmp_path, old_site):
    path = tmp_path / "export.xml"
    text = (FIXTURES / "wordpress-media.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("OLD_SITE", old_site), encoding="utf-8")
    return path


def run_import(export, *arguments):
    out = io.StringIO()
    call_command("import_wordpress", str(export), "--timeout", str(TIMEOUT), *arguments, stdout=out)
    return out.getvalue()


def library_image(name):
    return Image.objects.get(source_url__endswith=f"/2024/03/{name}")


def line_of(output, label):
    for line in output.splitlines():
        if line.strip().startswith(label):
            return int(line.split()[-1])
    raise AssertionError(f"no line {label!r} in:\n{output}")


# Attachments -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_attachments_are_downloaded_into_the_library_with_their_alt_text_and_caption(
    export, media_root
):
    output = run_import(export)

    assert Image.objects.count() == 3
    sunlight = library_image("sunlight.jpg")
    assert sunlight.alt_text == "Sunlight through a window"  # _wp_attachment_image_alt
    assert sunlight.caption == "Morning light in March."  # the attachment's excerpt
    assert (media_root / sunlight.file.name).is_file()
    assert sunlight.renditions.exists()
    leaflet = Document.objects.get()
    assert leaflet.content_type == "application/pdf"
    assert leaflet.title == "Ketamine leaflet"
    assert (media_root / leaflet.file.name).read_bytes().startswith(b"%PDF-")
    assert line_of(output, "images imported") == 3
    assert line_of(output, "documents imported") == 1
    assert line_of(output, "old upload addresses kept") == 4


@pytest.mark.django_db
def test_each_bad_attachment_is_named_and_the_articles_are_imported_with_what_could_be_read(
    export, media_root
):
    output = run_import(export)

    problems = output.split("Problems", 1)[1]
    assert "missing.jpg: the old site answered HTTP 404" in problems
    assert f"slow.jpg: no complete answer within {TIMEOUT:g} s" in problems
    assert "corrupt.jpg: This image is damaged" in problems
    assert "bomb.png: This image has 2,500,000,000 pixels; images may have at most" in problems
    assert "page.jpg: This file is not an image we accept" in problems
    assert "interview.mp4: .mp4 files are not kept here" in problems
    assert line_of(output, "could not be imported") == 5
    assert line_of(output, "not images or documents") == 1
    # Nothing of a refused file was kept.
    assert not Image.objects.filter(source_url__contains="corrupt").exists()
    assert not Image.objects.filter(source_url__contains="bomb").exists()

    # Both articles are there, with what could be read.
    ketamine = Article.objects.get(slug="ketamine-for-depression").published_version
    body = ketamine.body
    assert "Ketamine can lift depression within hours" in body
    # An image that could not be imported is left as a plain link to its old address.
    assert "[A missing picture](http://127.0.0.1:" in body
    assert "[corrupt.jpg](http://127.0.0.1:" in body
    assert "![A missing picture]" not in body
    sleep = Article.objects.get(slug="sleep-and-mood").published_version
    assert sleep.lead_image is None  # its featured image timed out
    assert "[A bedroom at night](http://127.0.0.1:" in sleep.body
    assert "“Sleep and mood” (wp:post_id 302" in problems
    assert "its featured image (attachment 205) could not be imported" in problems


@pytest.mark.django_db
def test_an_attachment_larger_than_the_limit_is_refused_without_reading_it_all(export, media_root):
    output = run_import(export, "--max-bytes", "400")
    assert "sunlight.jpg: the file is 0.0 MB; the limit is 0.0 MB" in output
    assert not Image.objects.filter(source_url__contains="sunlight").exists()
    assert Document.objects.count() == 1  # the leaflet is smaller than 400 bytes


# Images in the articles ------------------------------------------------------------------


@pytest.mark.django_db
def test_images_in_bodies_are_rewritten_to_the_library_in_every_form_wordpress_writes(
    export, media_root
):
    run_import(export)
    version = Article.objects.get(slug="ketamine-for-depression").published_version
    sunlight, chart = library_image("sunlight.jpg"), library_image("dose-chart.png")
    clinic = library_image("clinic.webp")
    body = version.body
    paragraphs = body.split("\n\n")

    # The featured image is the lead image.
    assert version.lead_image == sunlight
    # A classic <img> of a resized copy (-300x169), linked to its full size: the library image,
    # its alt the library's (so written as empty brackets).
    assert paragraphs[1] == f"![](image:{sunlight.pk})"
    # A [caption]: the image, its caption given to the library image that had none.
    assert paragraphs[2] == f"![](image:{chart.pk})"
    chart.refresh_from_db()
    assert chart.caption == "Doses used in the trials."
    assert "Doses used in the trials" not in body
    # A Gutenberg wp:image block: its own alt differs from the library's, so it is kept.
    assert paragraphs[3] == f"![A quiet clinic room](image:{clinic.pk})"
    clinic.refresh_from_db()
    assert clinic.caption == "The room where the infusion is given."
    # [gallery ids="201,210"]: each image in turn.
    assert paragraphs[4:6] == [f"![](image:{sunlight.pk})", f"![](image:{clinic.pk})"]
    # The leaflet's link leads to the copy kept here.
    leaflet = Document.objects.get()
    assert f"[leaflet for patients]({leaflet.file.url})" in body
    assert "/wp-content/uploads/2024/03/sunlight" not in body
    assert "[gallery" not in body and "[caption" not in body


def test_a_link_around_an_image_is_dropped_only_when_it_leads_to_the_image_itself():
    sunlight = LibraryFile("image", 7, "/media/images/sunlight.jpg", "Sunlight")

    def find(src="", attachment_id=None):
        return sunlight if attachment_id == 30 or "sunlight" in src else None

    image = (
        '<img class="wp-image-30" src="https://old.example.org/wp-content/uploads/sunlight.jpg">'
    )
    body = post_body_markdown(
        f'<p><a href="https://old.example.org/?attachment_id=30">{image}</a></p>'
        f'<p><a href="https://nhs.example.org/sun">{image}</a></p>',
        BodyMedia(find),
    )
    assert body == "![](image:7)\n\n![](image:7)\n\n<https://nhs.example.org/sun>"


@pytest.mark.django_db
def test_an_image_without_alt_text_is_imported_without_one_and_listed_for_the_editors(
    export, media_root
):
    output = run_import(export)
    chart = library_image("dose-chart.png")
    assert chart.alt_text == "" and chart.needs_alt_text
    assert line_of(output, "images that need alt text") == 1
    listed = output.split("Images without alt text", 1)[1]
    assert f"“Dose chart” (image {chart.pk}, from http://127.0.0.1:" in listed
    assert "Sunlight" not in listed


# Topics, tags and people -----------------------------------------------------------------


@pytest.mark.django_db
def test_categories_become_topics_with_their_hierarchy_and_tags_become_tags(export, media_root):
    output = run_import(export)
    depression = Topic.objects.get(slug="depression")
    assert depression.name == "Depression"
    assert depression.parent == Topic.objects.get(slug="mental-health", name="Mental health")
    assert Topic.objects.get(slug="sleep").name == "Sleep & rest"

    ketamine = Article.objects.get(slug="ketamine-for-depression")
    assert ketamine.primary_topic == depression  # the first category
    assert set(ketamine.topics.values_list("slug", flat=True)) == {"depression", "mental-health"}
    assert list(ketamine.tags.values_list("name", flat=True)) == ["Ketamine"]
    sleep = Article.objects.get(slug="sleep-and-mood")
    # A tag the channel does not list is made from the post's own <category>.
    assert set(sleep.tags.values_list("slug", flat=True)) == {"insomnia", "melatonin"}
    assert line_of(output, "topics added") == 3
    assert line_of(output, "tags added") == 3


@pytest.mark.django_db
def test_authors_become_people_with_their_display_names_linked_to_their_users(export, media_root):
    run_import(export)
    hannah = Person.objects.get(user__username="hannah")
    assert (hannah.name, hannah.slug) == ("Dr. Hannah Berg", "dr-hannah-berg")
    tomas = Person.objects.get(user__username="tomas")
    assert (tomas.name, tomas.slug) == ("Tomáš Dvořák", "tomas-dvorak")
    version = Article.objects.get(slug="sleep-and-mood").published_version
    assert version.author.person == tomas


# Old addresses ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_old_upload_and_archive_addresses_answer_301(export, media_root, client):
    run_import(export)
    sunlight = library_image("sunlight.jpg")
    leaflet = Document.objects.get()

    for old in ("sunlight.jpg", "sunlight-300x169.jpg", "sunlight-scaled.jpg"):
        response = client.get(f"/wp-content/uploads/2024/03/{old}")
        assert response.status_code == 301, old
        assert response["Location"] == sunlight.file.url
    response = client.get("/wp-content/uploads/2024/03/ketamine-leaflet.pdf")
    assert (response.status_code, response["Location"]) == (301, leaflet.file.url)
    # A file that was never imported (a 404 on the old site too) stays a 404.
    assert client.get("/wp-content/uploads/2024/03/missing.jpg").status_code == 404

    response = client.get("/category/mental-health/depression/")
    assert (response.status_code, response["Location"]) == (301, "/topics/depression/")
    response = client.get("/category/mental-health/")
    assert (response.status_code, response["Location"]) == (301, "/topics/mental-health/")
    response = client.get("/tag/ketamine/")
    assert (response.status_code, response["Location"]) == (301, "/tags/ketamine/")
    assert client.get("/tag/never-used/").status_code == 404
    # The article's own old addresses still lead to it.
    assert client.get("/?p=301")["Location"] == "/ketamine-for-depression/"


# Running it again, and dry runs ----------------------------------------------------------


@pytest.mark.django_db
def test_running_the_import_again_stores_nothing_twice(export, media_root):
    run_import(export)
    counts = [
        model.objects.count()
        for model in (Article, Image, Document, Topic, Tag, Person, LegacyAddress)
    ]
    files = sorted(path for path in media_root.rglob("*") if path.is_file())

    output = run_import(export)

    assert [
        model.objects.count()
        for model in (Article, Image, Document, Topic, Tag, Person, LegacyAddress)
    ] == counts
    assert sorted(path for path in media_root.rglob("*") if path.is_file()) == files
    assert line_of(output, "images imported") == 0
    assert line_of(output, "already imported, kept as they are") == 2
    assert "Already imported: http://127.0.0.1:" in output
    assert line_of(output, "topics added") == 0
    assert line_of(output, "people added") == 0


@pytest.mark.django_db
def test_dry_run_counts_the_media_and_saves_nothing(export, media_root, django_user_model):
    output = run_import(export, "--dry-run")
    assert "dry run: nothing was saved" in output
    assert line_of(output, "images imported") == 3
    assert line_of(output, "documents imported") == 1
    assert line_of(output, "could not be imported") == 5
    assert line_of(output, "lead images") == 1
    assert line_of(output, "topics added") == 3
    assert "slow.jpg: no complete answer" in output
    for model in (Article, Image, Document, Topic, Tag, Person, LegacyAddress):
        assert not model.objects.exists(), model
    assert not django_user_model.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# --uploads DIR, and what a download may not do -------------------------------------------


@pytest.mark.django_db
def test_uploads_folder_is_read_instead_of_downloading(tmp_path, uploads, media_root):
    export = tmp_path / "export.xml"
    text = (FIXTURES / "wordpress-media.xml").read_text(encoding="utf-8")
    # An address no test may reach: with --uploads nothing is downloaded.
    export.write_text(text.replace("OLD_SITE", "old.example.org"), encoding="utf-8")

    output = run_import(export, "--uploads", str(uploads))

    assert library_image("sunlight.jpg").source_url.startswith("http://old.example.org/")
    assert Document.objects.count() == 1
    assert "2024/03/missing.jpg is not in the uploads folder" in output
    # Read from disk: the slow file is no slower than any other.
    assert Image.objects.filter(source_url__endswith="slow.jpg").exists()


def test_the_uploads_folder_is_never_left(uploads):
    (uploads.parent / "secret.txt").write_text("not an upload")
    for address in (
        "http://old.example.org/wp-content/uploads/../secret.txt",
        "http://old.example.org/wp-content/uploads/2024/%2e%2e/%2e%2e/../secret.txt",
    ):
        with pytest.raises(UnreadableMedia, match="outside the uploads folder"):
            read_local(address, uploads, max_bytes=10_000)
    with pytest.raises(UnreadableMedia, match="not under /wp-content/uploads/"):
        read_local("http://old.example.org/etc/passwd", uploads, max_bytes=10_000)


def test_a_non_ascii_file_name_is_downloaded_and_a_malformed_address_is_reported(uploads, old_site):
    (uploads / "2024" / "03" / "søvn-og-humør.jpg").write_bytes(jpeg())
    data = download(
        f"http://{old_site}/wp-content/uploads/2024/03/søvn-og-humør.jpg",
        max_bytes=10_000,
        timeout=TIMEOUT,
    )
    assert data == jpeg()
    with pytest.raises(UnreadableMedia, match="not an http or https"):
        download("http://[not-an-address/x.jpg", max_bytes=10_000, timeout=TIMEOUT)
    with pytest.raises(UnreadableMedia, match="could not be downloaded"):
        download("http:///x.jpg", max_bytes=10_000, timeout=TIMEOUT)


@pytest.mark.django_db
def test_a_nul_or_a_malformed_attachment_address_is_reported_and_the_import_goes_on(
    tmp_path, uploads, media_root, client
):
    text = (FIXTURES / "wordpress-media.xml").read_text(encoding="utf-8")
    text = text.replace("2024/03/interview.mp4", "2024/03/inter%00view.jpg")
    text = text.replace("OLD_SITE/wp-content/uploads/2024/03/missing.jpg", "[old/missing.jpg")
    export = tmp_path / "export.xml"
    export.write_text(text.replace("OLD_SITE", "old.example.org"), encoding="utf-8")

    output = run_import(export, "--uploads", str(uploads))

    assert "inter%00view.jpg: could not be read (ValueError)" in output
    assert "http://[old/missing.jpg: its address is not an http or https one" in output
    assert Article.objects.filter(slug="ketamine-for-depression").exists()
    assert client.get("/wp-content/uploads/2024/03/inter%00view.jpg").status_code == 404


def test_only_http_and_https_addresses_are_downloaded(old_site):
    with pytest.raises(UnreadableMedia, match="not an http or https"):
        download("file:///etc/passwd", max_bytes=10_000, timeout=TIMEOUT)
    with pytest.raises(UnreadableMedia, match="HTTP 302"):
        download(f"http://{old_site}/redirect-to-a-file", max_bytes=10_000, timeout=TIMEOUT)
