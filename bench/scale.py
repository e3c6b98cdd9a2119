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
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    add_server_arguments,
    production_settings,
    recreate_database,
)

ARTICLES = 10_000  # besides the demo article
COMMENTS = 200_000
ON_THE_BUSY_ARTICLE = 20_000
STATUSES = ["approved"] * 7 + ["pending"] + ["spam"] * 2  # 70%, 10%, 20%
RUNS = 3

WORDS = (  # noqa: SIM905 - words to a line read better than a list of strings
    "sleep heart blood pressure sugar insulin diet exercise walking running muscle bone joint "
    "vitamin mineral iron calcium magnesium protein fibre fat cholesterol liver kidney lung "
    "breathing asthma allergy pollen skin rash eczema infection virus bacteria antibiotic "
    "vaccine fever cough headache migraine pain inflammation arthritis back neck shoulder "
    "knee hip stress anxiety mood memory brain nerve hormone thyroid weight appetite "
    "digestion stomach gut bowel pregnancy child baby ageing elderly hearing vision eye tooth "
    "gum mouth smoking alcohol caffeine coffee tea water hydration salt potassium sodium "
    "treatment therapy medicine dose tablet injection side effects risk benefit study trial "
    "research evidence doctor nurse pharmacist clinic hospital symptom diagnosis test scan "
    "screening prevention recovery rest routine habit morning evening night daily weekly "
    "patients people adults women men families common rare mild severe chronic acute early "
    "late better worse improve reduce increase support manage avoid choose ask discuss"
).split()
RARE_WORDS = {"ketamine": 0.02, "depression": 0.08}  # share of paragraphs that mention them


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


def database_is_loaded():
    from comments.models import Comment

    try:
        return Comment.objects.count() >= COMMENTS
    except Exception:  # noqa: BLE001 - no database or no tables yet: load it
        return False


def copy_objects(model, objects):
    """COPY unsaved model instances, primary keys included, into the model's table.

    Every concrete field is written from the instance, so the defaults of the model apply;
    model.save() does not run, so fields it computes must be set by the caller.
    """
    from django.db import connection

    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                copy.write_row([getattr(instance, field.attname) for field in fields])
        # The next id after the copied ones (the table name is the model's, quoted).
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608
            [model._meta.db_table],
        )


def paragraph_pool(randomness, size=300):
    """Paragraphs of health words, some mentioning the rare words of the searches."""
    pool = []
    for _ in range(size):
        words = randomness.choices(WORDS, k=randomness.randint(40, 90))
        for word, share in RARE_WORDS.items():
            if randomness.random() < share:
                words[randomness.randrange(len(words))] = word
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def load_data_set():
    """The articles and comments of issue 16, with COPY. Returns the demo article."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.markup import render_markdown
    from articles.models import Article, ArticleVersion
    from comments.avatars import avatar_colour
    from comments.management.commands.load_demo import DEMO_SLUG
    from comments.markup import render_comment
    from comments.models import Comment

    randomness = random.Random(16)
    started = time.perf_counter()

    def clock():
        return f"{time.perf_counter() - started:5.1f} s"

    call_command("load_demo", verbosity=0)
    demo = Article.objects.get(slug=DEMO_SLUG)
    now = timezone.now()

    # Articles: each body is a heading and six paragraphs of a pool rendered once each (the
    # HTML of Markdown paragraphs is the HTML of each paragraph, joined).
    pool = paragraph_pool(randomness)
    pool_html = [render_markdown(text) for text in pool]
    first_article = Article.objects.order_by("-pk").first().pk + 1
    first_version = ArticleVersion.objects.order_by("-pk").first().pk + 1
    articles, versions = [], []
    for number in range(ARTICLES):
        published = now - timedelta(days=3 * 365) + timedelta(minutes=150 * number)
        chosen = randomness.sample(range(len(pool)), 6)
        title = " ".join(randomness.choices(WORDS, k=4)).capitalize() + f" {number}"
        body = "## " + " ".join(randomness.choices(WORDS, k=3)).capitalize() + "\n\n"
        body += "\n\n".join(pool[index] for index in chosen)
        body_html = "<h2>" + body.split("\n")[0][3:] + "</h2>\n"
        body_html += "".join(pool_html[index] for index in chosen)
        article_id, version_id = first_article + number, first_version + number
        articles.append(
            Article(
                pk=article_id,
                slug=f"article-{number}-" + "-".join(title.lower().split()[:3]),
                created_at=published,
                published_version_id=version_id,
                publish_at=published,
                first_published_at=published,
            )
        )
        versions.append(
            ArticleVersion(
                pk=version_id,
                article_id=article_id,
                number=1,
                title=title,
                summary=" ".join(randomness.choices(WORDS, k=25)).capitalize() + ".",
                body=body,
                body_html=body_html,
                created_at=published,
                published_at=published,
            )
        )

    # Comments: a pool of texts rendered once; a quarter of the busy article's are replies.
    texts = [" ".join(randomness.choices(WORDS, k=randomness.randint(8, 60))) for _ in range(200)]
    texts_html = [render_comment(text) for text in texts]
    emails = [f"reader{number}@example.org" for number in range(40_000)]
    colours = [avatar_colour(email) for email in emails]
    first_comment = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    already, already_on_demo = Comment.objects.count(), Comment.objects.filter(article=demo).count()
    comments = []
    approved_on_demo = [
        comment.pk for comment in Comment.objects.filter(article=demo, parent__isnull=True)
    ]
    for number in range(COMMENTS - already):
        on_demo = number < ON_THE_BUSY_ARTICLE - already_on_demo
        article = demo if on_demo else articles[(number * 7919) % ARTICLES]
        status = STATUSES[number % len(STATUSES)]
        parent_id, depth = None, 1
        if on_demo and status == "approved" and approved_on_demo and number % 4 == 0:
            # A reply to one of the 200 newest top-level comments: an earlier number, so
            # written before the reply.
            parent_id, depth = randomness.choice(approved_on_demo[-200:]), 2
        text = number % len(texts)
        reader = randomness.randrange(len(emails))
        comment_id = first_comment + number
        if on_demo:  # over the week since the demo article was published
            created = article.publish_at + timedelta(seconds=25 * (number + 1))
        else:
            created = max(
                article.publish_at + timedelta(minutes=5),
                now - timedelta(minutes=(COMMENTS - number) * 3),
            )
        comments.append(
            Comment(
                pk=comment_id,
                article_id=article.pk,
                article_version_id=article.published_version_id,
                parent_id=parent_id,
                depth=depth,
                name=f"Reader {reader}",
                email=emails[reader],
                body=texts[text],
                body_html=texts_html[text],
                avatar_colour=colours[reader],
                status=status,
                ip_address=f"198.51.100.{reader % 250 + 1}",
                user_agent="Mozilla/5.0 (bench)",
                created_at=created,
            )
        )
        if on_demo and status == "approved" and parent_id is None:
            approved_on_demo.append(comment_id)

    print(f"  {clock()} data made in Python", flush=True)

    # As for any bulk load: the indexes of the models are built once, after the rows are in,
    # rather than updated row by row.
    indexed = [
        (model, index) for model in (ArticleVersion, Comment) for index in model._meta.indexes
    ]
    with connection.schema_editor() as editor:
        for model, index in indexed:
            editor.remove_index(model, index)
    with transaction.atomic():  # the article <-> version foreign keys are checked at commit
        copy_objects(Article, articles)
        copy_objects(ArticleVersion, versions)
        copy_objects(Comment, comments)
    print(f"  {clock()} rows copied", flush=True)
    # What Article.publish() stores for each version it publishes, in one statement.
    ArticleVersion.objects.filter(search_vector__isnull=True, published_at__isnull=False).update(
        **ArticleVersion.search_vector_update()
    )
    print(f"  {clock()} search vectors stored", flush=True)
    with connection.schema_editor() as editor:
        for model, index in indexed:
            editor.add_index(model, index)
    print(f"  {clock()} indexes built", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return demo


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
