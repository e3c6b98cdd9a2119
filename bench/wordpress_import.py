"""How long `manage.py import_wordpress` takes for 10,000 comments, and for 200 images
downloaded from a local HTTP server: prints the figures.

Comments: writes a WordPress export (WXR 1.2) of --posts posts with --comments comments in
all, in threads four deep, into a temporary folder; migrates a fresh database there (a
SQLite file, or the PostgreSQL database of BENCH_DATABASE_URL, which is emptied first);
then times the import command in its own process, Django's start-up included, and reports
the peak memory of that process.
Images: makes --images JPEGs (--image-size, photo-like, made with Pillow) in a
wp-content/uploads folder served by http.server on 127.0.0.1, writes an export of one post
per two images (a featured image and one in its body, a resized copy's address), and times
the import into a fresh database the same way: downloads, decoding, stripping, every
rendition (IMAGES_WIDTHS x IMAGES_FORMATS and the fallback) and the articles.
Run: make bench-import   or   .venv/bin/python bench/wordpress_import.py [--comments 0]
"""

import argparse
import functools
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
STATUSES = ["1"] * 16 + ["0", "0", "spam", "trash"]  # mostly approved, as on a real site

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Benchmark site</title><link>https://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>
<wp:author_email>editor@old.example.org</wp:author_email>
<wp:author_display_name>Dr. Bench Mark</wp:author_display_name></wp:author>
"""

POST = """<item><title>Article number {number}</title><dc:creator>editor</dc:creator>
<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>The lede of article {number}, with a <a href="https://example.org/{number}">link</a>.</p>
<!-- /wp:paragraph -->
<h2>A section</h2><ul><li>One point</li><li>Another <em>point</em></li></ul>
[caption id="" align="alignnone"]<img src="https://old.example.org/{number}.jpg" alt="A picture" />
Its caption[/caption]]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id><wp:post_date>2020-01-02 10:00:00</wp:post_date>
<wp:post_date_gmt>2020-01-02 09:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>article-number-{number}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
"""

COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {id} Ødegård]]></wp:comment_author>
<wp:comment_author_email>reader{id}@mail.example.net</wp:comment_author_email>
<wp:comment_author_url>https://reader{id}.example.net</wp:comment_author_url>
<wp:comment_author_IP>192.0.2.{ip}</wp:comment_author_IP>
<wp:comment_date>2020-02-01 10:00:00</wp:comment_date>
<wp:comment_date_gmt>2020-02-01 09:{minute:02d}:00</wp:comment_date_gmt>
<wp:comment_content>{content}</wp:comment_content>
<wp:comment_approved>{status}</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>{user}</wp:comment_user_id>
</wp:comment>
"""


def write_export(path, posts, comments):
    """A WXR file of ``posts`` posts sharing ``comments`` comments, in threads of four."""
    per_post = comments // posts
    comment_id = 1000
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(1, posts + 1):
            out.write(POST.format(number=number))
            for index in range(per_post):
                comment_id += 1
                parent = 0 if index % 4 == 0 else comment_id - 1
                content = escape(
                    f"<p>Comment {comment_id}: thank you &amp; a question about the "
                    f"<strong>dose</strong>.</p><p>See https://example.org/{comment_id}</p>"
                )
                out.write(
                    COMMENT.format(
                        id=comment_id,
                        ip=comment_id % 250 + 1,
                        minute=index % 60,
                        content=content,
                        status=STATUSES[comment_id % len(STATUSES)],
                        parent=parent,
                        user=1 if index % 4 == 3 else 0,
                    )
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def manage(environment, *arguments):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments], env=environment, cwd=ROOT, check=True
    )


def empty_postgres(url):
    """Drop and create the benchmark's PostgreSQL database (never the one of the site)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def fresh_database(folder):
    """The environment of a command run against a new, migrated database in ``folder``."""
    environment = dict(os.environ, DEBUG="1", SECRET_KEY="bench-only-key-" + "x" * 40)
    database_url = os.environ.get("BENCH_DATABASE_URL")
    if database_url:
        empty_postgres(database_url)
    else:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    environment["DATABASE_URL"] = database_url
    environment["MEDIA_ROOT"] = str(Path(folder) / "media")
    environment.pop("REDIS_URL", None)
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    return environment


def timed_import(environment, export, *options):
    """Run import_wordpress in its own process: (exit code, summary, seconds, CPU s, peak MB)."""
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "manage.py"), "import_wordpress", str(export)]
    importing = subprocess.Popen(
        [*command, *options, "-v", "0"],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    # wait4 gives this one process's peak memory (the summary it prints is short).
    _pid, status, usage = os.wait4(importing.pid, 0)
    seconds = time.perf_counter() - started
    summary = importing.stdout.read()
    # CPU time depends less than wall time on what else the machine is doing.
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return os.waitstatus_to_exitcode(status), summary, seconds, cpu_seconds, usage.ru_maxrss / 1024


def database_name(environment):
    return "PostgreSQL" if environment["DATABASE_URL"].startswith("postgres") else "SQLite"


def comments_benchmark(arguments):
    with tempfile.TemporaryDirectory(prefix="wordpress-bench-") as folder:
        export = Path(folder) / "export.xml"
        write_export(export, arguments.posts, arguments.comments)
        environment = fresh_database(folder)
        code, summary, seconds, cpu_seconds, peak_mb = timed_import(environment, export)
        print(summary)
        if code != 0:
            return 1
        print(
            f"Imported {arguments.posts} posts and {arguments.comments:,} comments "
            f"({export.stat().st_size / 1e6:.1f} MB of WXR) into {database_name(environment)} "
            f"in {seconds:.1f} s (Django's start-up included; {cpu_seconds:.1f} s of CPU), "
            f"peak memory {peak_mb:.0f} MB. Target: under 60 s."
        )
        return 0 if seconds < 60 else 1


def photo_like(width, height, number):
    """A JPEG that compresses like a photograph (gradients and grain), different each time."""
    base = Image.radial_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 12)
    picture = Image.merge("RGB", (base, grain, Image.linear_gradient("L").resize((width, height))))
    ImageDraw.Draw(picture).rectangle(
        (number % width, 0, number % width + 40, 40), fill=(number % 256, 80, 160)
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


ATTACHMENT = """<item><title>Photo {id}</title><dc:creator>editor</dc:creator>
<content:encoded><![CDATA[]]></content:encoded>
<excerpt:encoded><![CDATA[A caption]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date>2024-03-01 10:00:00</wp:post_date>
<wp:post_name>photo-{id}</wp:post_name><wp:status>inherit</wp:status>
<wp:post_parent>{parent}</wp:post_parent>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{site}/wp-content/uploads/2024/03/photo-{id}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>Photo {id}</wp:meta_value></wp:postmeta>
</item>
"""
IMAGE_POST = """<item><title>Illustrated article {number}</title><dc:creator>editor</dc:creator>
<content:encoded><![CDATA[<p>The lede of article {number}.</p>
<figure class="wp-block-image"><img
 src="{site}/wp-content/uploads/2024/03/photo-{body}-1024x683.jpg"
 alt="Photo {body}" class="wp-image-{body}"/><figcaption>Its caption</figcaption></figure>
<p>More text.</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{number}</wp:post_id><wp:post_date>2024-03-02 10:00:00</wp:post_date>
<wp:post_date_gmt>2024-03-02 09:00:00</wp:post_date_gmt><wp:comment_status>open</wp:comment_status>
<wp:post_name>illustrated-article-{number}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
<category domain="category" nicename="topic-{topic}"><![CDATA[Topic {topic}]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{lead}</wp:meta_value></wp:postmeta>
</item>
"""


def write_image_export(path, uploads, site, images, size):
    """``images`` JPEGs in ``uploads``/2024/03, and an export of one post per two of them."""
    width, height = size
    folder = uploads / "2024" / "03"
    folder.mkdir(parents=True)
    first = 100_000
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for index in range(images):
            attachment = first + index
            (folder / f"photo-{attachment}.jpg").write_bytes(photo_like(width, height, index))
            out.write(ATTACHMENT.format(id=attachment, parent=index // 2 + 1, site=site))
        for number in range(1, images // 2 + 1):
            lead, body = first + 2 * (number - 1), first + 2 * (number - 1) + 1
            out.write(
                IMAGE_POST.format(number=number, lead=lead, body=body, site=site, topic=number % 10)
            )
        out.write("</channel>\n</rss>\n")
    return sum(each.stat().st_size for each in folder.iterdir())


class QuietFiles(SimpleHTTPRequestHandler):
    def translate_path(self, path):
        return super().translate_path(path.replace("/wp-content/uploads", "", 1))

    def log_message(self, *args):
        pass


def images_benchmark(arguments):
    size = tuple(int(each) for each in arguments.image_size.split("x"))
    with tempfile.TemporaryDirectory(prefix="wordpress-images-bench-") as folder:
        uploads = Path(folder) / "uploads"
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(uploads))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_address[1]}"
        export = Path(folder) / "export.xml"
        total = write_image_export(export, uploads, site, arguments.images, size)
        environment = fresh_database(folder)
        try:
            code, summary, seconds, cpu_seconds, peak_mb = timed_import(environment, export)
        finally:
            server.shutdown()
        print(summary)
        if code != 0:
            return 1
        stored = sum(
            each.stat().st_size for each in (Path(folder) / "media").rglob("*") if each.is_file()
        )
        print(
            f"Imported {arguments.images} images ({size[0]} x {size[1]} JPEG, {total / 1e6:.1f} MB "
            f"downloaded from 127.0.0.1) and {arguments.images // 2} posts into "
            f"{database_name(environment)} in {seconds:.1f} s (Django's start-up included; "
            f"{cpu_seconds:.1f} s of CPU; {seconds / arguments.images:.2f} s an image), peak "
            f"memory {peak_mb:.0f} MB; {stored / 1e6:.1f} MB stored (originals and renditions)."
        )
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000, help="0: no comment import")
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--images", type=int, default=200, help="0: no image import")
    parser.add_argument("--image-size", default="1600x1067", help="WIDTHxHEIGHT of each image")
    arguments = parser.parse_args()
    failed = 0
    if arguments.comments:
        failed |= comments_benchmark(arguments)
    if arguments.images:
        failed |= images_benchmark(arguments)
    return failed


if __name__ == "__main__":
    sys.exit(main())
