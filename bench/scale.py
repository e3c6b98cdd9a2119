"""The site at a publisher's scale: `make bench-scale` (or `.venv/bin/python bench/scale.py`).

What it does, all on this machine (127.0.0.1 only):

1. makes a fresh PostgreSQL database (--database-url, default BENCH_SCALE_DATABASE_URL or
   postgres://postgres@127.0.0.1:5432/cms_scale), migrates it and empties the Redis
   database of --redis-url (default BENCH_SCALE_REDIS_URL or redis://127.0.0.1:6379/15);
2. loads the data set of issues 16 and 20 with COPY: the demo article, 10,000 more
   published articles, and 200,000 comments (20,000 of them on the demo article, a quarter
   of those replies; 70% approved, 10% pending, 20% spam), 200 topics (20 top-level, 9
   subtopics each) and 300 tags, each article with a primary topic, 0 to 2 other topics
   and 0 to 3 tags; then stores the search vectors the way publishing does and runs
   VACUUM ANALYZE (bench/scale_data.py);
3. with production settings (DEBUG off) in this process, fetches each page with Django's
   test client RUNS times and prints the first time, the median, the SQL queries and the
   bytes. A "first render" empties the caches Django renders from (the fragment cache and
   the shared one) before each fetch; the test client has no HTTP cache in front.

`--reuse` skips steps 1 and 2 when the database already holds the data set;
`--articles` and `--comments` load a smaller one on a slow machine; `--only queue` measures
only the pages whose label holds "queue" (a small data set has no 40th page of search
results). Issue 22's queue figure: `--articles 1000 --comments 10000 --only queue`, which
holds 1,000 pending comments.
"""

import argparse
import os
import statistics
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
from bench.scale_data import (  # noqa: E402
    ARTICLES,
    COMMENTS,
    database_is_loaded,
    load_data_set,
)

RUNS = 5


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_server_arguments(
        parser,
        database=("BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_scale"),
        redis=("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/15"),
        redis_help="the shared cache, as in production; an empty value uses local memory",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database loaded before")
    parser.add_argument("--articles", type=int, default=ARTICLES, help="besides the demo one")
    parser.add_argument("--comments", type=int, default=COMMENTS)
    parser.add_argument(
        "--only", default="", help="measure only the pages whose label holds this text (queue)"
    )
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
    """The first time and the median of RUNS fetches of ``address``, in milliseconds, with
    its query count and size in bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(address)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{address}: HTTP {response.status_code}")
        times.append(elapsed * 1000)
        queries, size = len(captured), len(response.content)
    return times[0], statistics.median(times), queries, size


def first_render():
    """Empty the caches Django renders from: the fragment cache and the shared one."""
    from django.core.cache import caches

    caches["fragments"].clear()
    caches["default"].clear()


def topic_pages():
    """The topic, tag and front pages of issue 20, each rendered afresh."""
    from django.db.models import Count

    from articles.models import Tag, Topic

    # The busiest of each kind: the top-level topic with the most articles under it (its
    # subtopics' included), a subtopic and a tag with the most articles of their own.
    root = Topic.objects.roots().annotate(filed=Count("children__primary_articles")).latest("filed")
    subtopic = root.children.annotate(filed=Count("primary_articles")).latest("filed")
    tag = Tag.objects.annotate(filed=Count("articles")).latest("filed")
    return [
        (f"topic page, top-level (`/topics/{root.slug}/`), first render",
         root.get_absolute_url(), first_render),
        ("the same, last page", f"{root.get_absolute_url()}?page=last", first_render),
        (f"topic page, subtopic (`/topics/{subtopic.slug}/`), first render",
         subtopic.get_absolute_url(), first_render),
        (f"tag page (`/tags/{tag.slug}/`), first render", tag.get_absolute_url(), first_render),
        ("`/topics/` (the A–Z of 200 topics), first render", "/topics/", first_render),
        ("front page, first render", "/", first_render),
    ]  # fmt: skip


LONG_ARTICLE_SLUG = "bench-a-long-article"
LONG_ARTICLE_WORDS = 5_000


def long_article(author):
    """An article of 5,000 words (10 sections of 10 paragraphs, 9 references) with a second
    version that changes one sentence and one reference: what Compare and the review page
    show of a long article (issue 21). Made once; kept with the data set."""
    from articles.models import Article

    article = Article.objects.filter(slug=LONG_ARTICLE_SLUG).first()
    if article is not None:
        return article
    sentence = "Sleep restores the body and helps the mind sort what the day brought in. "
    paragraph = sentence * 4  # 52 words
    sections = [
        f"## Section {number}\n\n" + "\n\n".join([paragraph] * 10) for number in range(1, 11)
    ]
    notes = [
        f"[^{number}]: Author {number}. A study of sleep, {2000 + number}."
        for number in range(1, 10)
    ]
    body = (
        "\n\n".join(sections) + "\n\nA claim with sources.[^1][^2][^3][^4][^5][^6][^7][^8][^9]\n\n"
    )
    body += "\n\n".join(notes)
    assert len(body.split()) >= LONG_ARTICLE_WORDS
    article = Article.objects.create(slug=LONG_ARTICLE_SLUG)
    first = article.add_version(
        title="A long article",
        summary="Five thousand words.",
        body=body,
        author=author,
        key_takeaways="Sleep restores the body.\nSleep helps the mind.",
    )
    article.publish(first)
    changed = body.replace("## Section 6\n\n" + sentence, "## Section 6\n\nSleep mends. ", 1)
    changed = changed.replace("A study of sleep, 2005.", "A study of sleep, 2006 update.")
    second = article.add_version(
        title=first.title,
        summary=first.summary,
        body=changed,
        author=author,
        key_takeaways=first.key_takeaways,
        change_note="One sentence and one reference.",
    )
    article.publish(second)
    return article


def comparison_pages(reader, moderator, author):
    """Compare and the medical review page of the long article, and its change log, each a
    first render: (label, client, address, before)."""
    from django.urls import NoReverseMatch, reverse

    article = long_article(author)
    pages = [
        ("admin Compare, a 5,000-word article, first render", moderator,
         reverse("admin:articles_article_compare", args=[article.pk]) + "?from=1&to=2",
         first_render),
        ("change log of the 5,000-word article, first render", reader,
         f"/{article.slug}/changes/", first_render),
    ]  # fmt: skip
    try:  # the review page is rebuilt in another branch; measured while its address holds
        review = reverse("admin:articles_article_review", args=[article.pk, 2])
    except NoReverseMatch:
        return pages
    return [
        *pages,
        ("admin review page, a 5,000-word article, first render", moderator, review, first_render),
    ]


def measure_pages(demo, only=""):
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
        ("admin comment queue, pending, oldest first", moderator, f"{queue}?o=4", None),
        ("admin comment queue, held for a possible crisis", moderator,
         f"{queue}?reason=crisis", None),
        ("admin comment queue, held as a new commenter, oldest first", moderator,
         f"{queue}?reason=new_commenter&o=4", None),
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
        ("its page 200 of the thread, first render after a change", reader,
         f"{busy}?cpage=200", changed(demo)),
        ("article page with 18 comments, first render after a change", reader,
         f"/{some_article.slug}/", changed(some_article)),
        *((label, reader, address, before) for label, address, before in topic_pages()),
        ("front page again", reader, "/", None),
        ("feed `/feed/rss/`", reader, "/feed/rss/", None),
        ("feed `/feed/atom/`", reader, "/feed/atom/", None),
        ("change log of the busy article", reader, f"/{demo.slug}/changes/", None),
        *comparison_pages(reader, moderator, user),
    ]  # fmt: skip
    rows = [
        (label, *measure(client, address, before))
        for label, client, address, before in pages
        if only in label
    ]
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
    print(f"| page | first | median of {RUNS} | queries | bytes |")
    print("|---|---:|---:|---:|---:|")
    for label, first, median, queries, size in rows:
        print(
            f"| {label} | {first:,.1f} ms | {median:,.1f} ms | {queries} | {size / 1024:,.1f} KB |"
        )


def main():
    arguments = parse_arguments()
    production_environment(arguments)
    import django

    django.setup()
    from django.core.management import call_command

    load_seconds = "reused"
    if not (arguments.reuse and database_is_loaded(arguments.comments)):
        from django.db import connections

        connections.close_all()
        recreate_database(arguments.database_url)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        demo = load_data_set(arguments.articles, arguments.comments)
        load_seconds = f"{time.perf_counter() - started:.1f} s"
        print(f"Loaded the data set in {load_seconds}.", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    from articles.models import Article
    from comments.management.commands.load_demo import DEMO_SLUG

    demo = Article.objects.get(slug=DEMO_SLUG)
    rows = measure_pages(demo, arguments.only)
    print_table(rows, load_seconds)


if __name__ == "__main__":
    main()
