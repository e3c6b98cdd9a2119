"""The site at a publisher's scale: `make bench-scale` (or `.venv/bin/python bench/scale.py`).

What it does, all on this machine (127.0.0.1 only):

1. makes a fresh PostgreSQL database (--database-url, default BENCH_SCALE_DATABASE_URL or
   postgres://postgres@127.0.0.1:5432/cms_scale), migrates it and empties the Redis
   database of --redis-url (default BENCH_SCALE_REDIS_URL or redis://127.0.0.1:6379/15);
2. loads the data set of issue 16 with COPY: the demo article, 10,000 more published
   articles, and 200,000 comments (20,000 of them on the demo article, a quarter of those
   replies; 70% approved, 10% pending, 20% spam), then stores the search vectors the way
   publishing does and runs VACUUM ANALYZE;
3. with production settings (DEBUG off) in this process, fetches each page with Django's
   test client three times and prints the best time, the SQL queries and the bytes.

`--reuse` skips steps 1 and 2 when the database already holds the data set.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    add_server_arguments,
    production_settings,
    recreate_database,
)
from bench.scale_data import database_is_loaded, load_data_set  # noqa: E402

RUNS = 3


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_server_arguments(
        parser,
        database=("BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_scale"),
        redis=("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/15"),
        redis_help="the shared cache, as in production; an empty value uses local memory",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database loaded before")
    return parser.parse_args()


def production_environment(arguments):
    """The settings of `make serve`, pointed at the benchmark's database and Redis."""
    os.environ.update(
        production_settings(
            arguments.database_url,
            arguments.redis_url,
            secret_key=os.environ.get("SECRET_KEY"),
            ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
            STATIC_ROOT=str(Path(tempfile.gettempdir()) / "cms-scale-static"),
        )
    )


def measure(client, address, before=None):
    """Best time of RUNS fetches of ``address``, with its query count and size in bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, size = None, 0, 0
    for _ in range(RUNS):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(address)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{address}: HTTP {response.status_code}")
        if best is None or elapsed < best:
            best = elapsed
        queries, size = len(captured), len(response.content)
    return best * 1000, queries, size


def measure_pages(demo):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from articles.models import Article

    def changed(article):
        def change():
            # What an approved comment does: a new page stamp, so Django renders the
            # thread and the article again (the shared HTTP cache is purged too).
            Article.objects.filter(pk=article.pk).expire_pages()

        return change

    reader = Client()
    moderator = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True, "is_superuser": True}
    )
    moderator.force_login(user)
    cache.clear()
    busy = f"/{demo.slug}/"
    queue = "/admin/comments/comment/"
    some_article = Article.objects.published().newest_first()[500]
    pages = [
        ("`/search/?q=ketamine+depression`", reader, "/search/?q=ketamine+depression", None),
        ("`/search/?q=zzzz` (no result)", reader, "/search/?q=zzzz", None),
        ("`/search/?q=ketamine+depression&page=40`", reader,
         "/search/?q=ketamine+depression&page=40", None),
        ("`/search/?q=sleep` (a word in nearly every article)", reader, "/search/?q=sleep", None),
        ("`/sitemap.xml` (the index)", reader, "/sitemap.xml", None),
        ("`/sitemap-articles.xml` (10,000 addresses)", reader, "/sitemap-articles.xml", None),
        ("admin comment queue (pending)", moderator, queue, None),
        ("admin comment queue, All", moderator, f"{queue}?status=all", None),
        ("admin comment queue, All, page 100", moderator, f"{queue}?status=all&p=100", None),
        ("admin comment queue, search for an email", moderator,
         f"{queue}?status=all&q=reader1234%40example.org", None),
        ("admin comment queue, search for a common word", moderator,
         f"{queue}?status=all&q=sleep", None),
        ("admin comment queue, one article", moderator,
         f"{queue}?status=all&article={some_article.slug}", None),
        ("article page with 20,000 comments, first render after a change", reader, busy,
         changed(demo)),
        ("the same page again (thread and article from the fragment cache)", reader, busy, None),
        ("article page with 18 comments, first render after a change", reader,
         f"/{some_article.slug}/", changed(some_article)),
        ("front page", reader, "/", None),
        ("feed `/feed/rss/`", reader, "/feed/rss/", None),
        ("feed `/feed/atom/`", reader, "/feed/atom/", None),
        ("change log of the busy article", reader, f"/{demo.slug}/changes/", None),
    ]  # fmt: skip
    rows = [(label, *measure(client, address, before)) for label, client, address, before in pages]
    return rows


def print_table(rows, load_seconds):
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    print()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"PostgreSQL {server}, Django {django.get_version()}, Python {sys.version.split()[0]}; "
        f"load: {load_seconds}"
    )
    print()
    print("| page | time (best of 3) | queries | bytes |")
    print("|---|---:|---:|---:|")
    for label, milliseconds, queries, size in rows:
        print(f"| {label} | {milliseconds:,.1f} ms | {queries} | {size / 1024:,.1f} KB |")


def main():
    arguments = parse_arguments()
    production_environment(arguments)
    import django

    django.setup()
    from django.core.management import call_command

    load_seconds = "reused"
    if not (arguments.reuse and database_is_loaded()):
        from django.db import connections

        connections.close_all()
        recreate_database(arguments.database_url)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        demo = load_data_set()
        load_seconds = f"{time.perf_counter() - started:.1f} s"
        print(f"Loaded the data set in {load_seconds}.", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    from articles.models import Article
    from comments.management.commands.load_demo import DEMO_SLUG

    demo = Article.objects.get(slug=DEMO_SLUG)
    rows = measure_pages(demo)
    print_table(rows, load_seconds)


if __name__ == "__main__":
    main()
