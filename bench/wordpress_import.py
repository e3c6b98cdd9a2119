"""How long `manage.py import_wordpress` takes for 10,000 comments: prints the figure.

Writes a WordPress export (WXR 1.2) of --posts posts with --comments comments in all,
in threads four deep, into a temporary folder; migrates a fresh database there (a SQLite
file, or the PostgreSQL database of BENCH_DATABASE_URL, which is emptied first); then
times the import command in its own process, Django's start-up included, and reports
the peak memory of that process.
Run: make bench-import   or   .venv/bin/python bench/wordpress_import.py
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wordpress-bench-") as folder:
        export = Path(folder) / "export.xml"
        write_export(export, arguments.posts, arguments.comments)
        environment = dict(os.environ, DEBUG="1", SECRET_KEY="bench-only-key-" + "x" * 40)
        database_url = os.environ.get("BENCH_DATABASE_URL")
        if database_url:
            empty_postgres(database_url)
        else:
            database_url = f"sqlite:///{folder}/bench.sqlite3"
        environment["DATABASE_URL"] = database_url
        environment.pop("REDIS_URL", None)
        manage(environment, "migrate", "--no-input", "--verbosity", "0")

        started = time.perf_counter()
        command = [sys.executable, str(ROOT / "manage.py"), "import_wordpress", str(export)]
        importing = subprocess.Popen(
            [*command, "-v", "0"], env=environment, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        # wait4 gives this one process's peak memory (the summary it prints is short).
        _pid, status, usage = os.wait4(importing.pid, 0)
        seconds = time.perf_counter() - started
        summary = importing.stdout.read()
        if os.waitstatus_to_exitcode(status) != 0:
            print(summary)
            return 1
        peak_mb = usage.ru_maxrss / 1024
        # CPU time depends less than wall time on what else the machine is doing.
        cpu_seconds = usage.ru_utime + usage.ru_stime

        database = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(summary)
        print(
            f"Imported {arguments.posts} posts and {arguments.comments:,} comments "
            f"({export.stat().st_size / 1e6:.1f} MB of WXR) into {database} in {seconds:.1f} s "
            f"(Django's start-up included; {cpu_seconds:.1f} s of CPU), peak memory "
            f"{peak_mb:.0f} MB. Target: under 60 s."
        )
        return 0 if seconds < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
