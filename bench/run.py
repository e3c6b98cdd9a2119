"""How fast the article page is under load: `make bench` (or `.venv/bin/python bench/run.py`).

What it does, all on this machine (127.0.0.1 only):

1. makes a fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cms_bench) and empties a Redis database
   (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14);
2. migrates, collects the static files and fills an article with 50 approved
   comments in threads, plus the same article without comments;
3. counts, in this process, the SQL queries and the bytes of the article page;
4. starts the production stack with deploy/stack.py, as `make serve` does:
   gunicorn (2 workers) behind Varnish; and nginx serving the article page's
   bytes as a static file (Debian's wrk, nginx and Varnish: `make bench` installs
   them first, this script only stops and says so when one is missing);
5. measures with wrk, in one run, each request asking for gzip as browsers do:
   (a) the article page through the shared cache, (b) the same bytes from nginx
   (with its pre-compressed copy), (c) the page for a reader with a cookie (saved
   details), rendered by Django; then (d) posts comments 16 at once through the
   cache and checks that every one was saved exactly once;
6. prints a table (also written to bench/results/) and exits 0; under it, the time the
   crisis and personal-data moderation rules take per comment (bench/moderation_rules.py).

The server under test runs with COMMENTS_MIN_SECONDS=0 and COMMENTS_RATE_LIMIT=0:
otherwise the anti-spam rules would (rightly) treat a benchmark as a bot.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import moderation_rules  # noqa: E402
from bench.common import (  # noqa: E402
    add_server_arguments,
    production_settings,
    recreate_database,
)
from bench.traffic import post_comments, require_program, run_wrk, start_nginx  # noqa: E402
from deploy.stack import Stack, get, require_varnish  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

TARGETS = {
    "page_vs_static": 0.5,  # the page through the cache: at least half nginx's static rate
    "p99_ms": 50.0,
    "cookie_rps": 500,  # a reader with a cookie, rendered by Django
    "queries": 5,
    "empty_page_bytes": 20 * 1024,  # HTML + CSS of the page without comments
    "bytes_per_comment": 600,
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--comments", type=int, default=50, help="approved comments to fill")
    parser.add_argument("--posts", type=int, default=300, help="comments to post under load")
    add_server_arguments(
        parser,
        database=("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_bench"),
        redis=("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    )
    return parser.parse_args()


def server_environment(arguments):
    """The production configuration, on loopback and plain HTTP."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COMMENTS_", "PYTEST"))
    }
    environment.update(
        production_settings(
            arguments.database_url,
            arguments.redis_url,
            ALLOWED_HOSTS="127.0.0.1,testserver",
            CACHE_KEY_PREFIX="bench",
            # A benchmark posts faster than a person and from one address: see the docstring.
            COMMENTS_MIN_SECONDS="0",
            COMMENTS_RATE_LIMIT="0",
            LOG_LEVEL="WARNING",
            MEDIA_ROOT=str(RESULTS / "media"),
            WEB_CONCURRENCY=str(arguments.workers),
        )
    )
    return environment


def manage(environment, *command):
    subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=environment, check=True, stdout=sys.stderr
    )


def library_images():
    """Four photo-like images in the library (a lead image and three for the body), as an
    editor's uploads would be: the page then carries their <picture> markup."""
    import io

    from PIL import Image as Pillow

    from articles.images import store_image

    images = []
    for number in range(4):
        picture = Pillow.effect_noise((1600, 1000), 40 + number * 10).convert("RGB")
        data = io.BytesIO()
        picture.save(data, "JPEG", quality=85)
        images.append(
            store_image(
                data.getvalue(),
                name=f"bench-{number}.jpg",
                alt_text=f"Benchmark picture {number}",
                caption=f"A caption for picture {number}.",
                credit="Benchmark",
            )
        )
    return images


def with_figures(body, figures):
    """``body`` with a library figure after each of its first sections' first paragraph."""
    parts = body.split("\n## ")
    for index, image in enumerate(figures, start=1):
        if index < len(parts):
            head, _, rest = parts[index].partition("\n\n")
            parts[index] = f"{head}\n\n![](image:{image.pk})\n\n{rest}"
    return "\n## ".join(parts)


def fill_article(slug, comment_count, author=None):
    """A published article with ``comment_count`` approved comments: a quarter top-level,
    each with a reply, a reply to that reply, and a second reply."""
    from django.utils import timezone

    from articles.models import Article
    from comments.models import Comment

    lead, *figures = library_images()
    body = with_figures((ROOT / "articles" / "demo" / "ketamine.md").read_text(), figures)
    article = Article.objects.create(slug=slug)
    article.publish(
        article.add_version(
            title="What is Ketamine Used For?",
            summary="Ketamine, first an anaesthetic, now treats depression, PTSD and pain.",
            body=body,
            lead_image=lead,
        )
    )
    started = timezone.now() - timezone.timedelta(days=10)
    made = 0

    def add(parent, number):
        comment = Comment(
            article=article,
            article_version=article.published_version,
            parent=parent,
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
            website="https://example.org/" if number % 5 == 0 else "",
            body=f"Comment number {number}. I found this useful; thank you for the "
            "clear explanation of how the treatment works and what it costs.",
            status=Comment.Status.APPROVED,
            created_at=started + timezone.timedelta(minutes=number),
        )
        comment.save()
        return comment

    while made < comment_count:
        root = add(None, made)
        made += 1
        replies = []
        for parent in (root, None, root):
            if made >= comment_count:
                break
            replies.append(add(parent or replies[-1], made))
            made += 1
    article.refresh_from_db()
    return article


def measure_in_process(slug, empty_slug):
    """Queries and bytes of the article page, through Django's test client."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from articles.models import Article
    from comments.models import Comment

    client = Client()
    url = Article.objects.get(slug=slug).get_absolute_url()
    cache.clear()
    cold, warm = [], []

    def counted(into):
        def wrapper(execute, sql, params, many, context):
            into.append(sql)
            return execute(sql, params, many, context)

        return connection.execute_wrapper(wrapper)

    with counted(cold):
        page = client.get(url)
    with counted(warm):
        client.get(url)
    personal = []
    with counted(personal):
        client.get(url, headers={"Cookie": saved_details_cookie()})
    assert page.status_code == 200, page.status_code
    empty = client.get(Article.objects.get(slug=empty_slug).get_absolute_url())
    css_name = re.search(rb'href="(/static/css/site[^"]*\.css)"', page.content).group(1).decode()
    css = client.get(css_name)
    css_bytes = len(b"".join(css.streaming_content))
    css.close()
    html = page.content.decode()
    shown = html.count('class="comment"') + html.count('class="comment ')
    return {
        "queries_cold": len(cold),
        "queries_warm": len(warm),
        "queries_personal": len(personal),
        "page_bytes": len(page.content),
        "empty_page_bytes": len(empty.content),
        "css_bytes": css_bytes,
        "css_name": css_name,
        "comments_on_page": shown,
        "comments_total": Comment.objects.approved().filter(article__slug=slug).count(),
        "bytes_per_comment": (len(page.content) - len(empty.content)) / max(shown, 1),
        "url": url,
    }


def saved_details_cookie():
    """The cookie of a reader who ticked "Save my name...": their page is rendered by Django."""
    from django.core import signing

    from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT

    details = {"name": "Bench Reader", "email": "bench@example.org", "website": ""}
    return f"{AUTHOR_COOKIE}={signing.dumps(details, salt=AUTHOR_SALT, compress=True)}"


def table(results, arguments):
    page, static, personal, posts, sizes = (
        results["page"],
        results["static"],
        results["personal"],
        results["posts"],
        results["sizes"],
    )
    ratio = page["rps"] / static["rps"]
    empty_total = sizes["empty_page_bytes"] + sizes["css_bytes"]
    rows = [
        ("(a) article page through Varnish, requests/s", f"{page['rps']:.0f}", ""),
        ("(a) article page, p50 / p99 ms", f"{page['p50_ms']:.2f} / {page['p99_ms']:.2f}",
         check(page["p99_ms"] < TARGETS["p99_ms"], "p99 < 50 ms")),
        ("(b) nginx, the same bytes as a static file, requests/s", f"{static['rps']:.0f}", ""),
        ("(b) static file, p50 / p99 ms", f"{static['p50_ms']:.2f} / {static['p99_ms']:.2f}",
         ""),
        ("(a)/(b) page rate / static rate", f"{ratio:.2f}",
         check(ratio >= TARGETS["page_vs_static"], ">= 0.50")),
        ("(c) reader with a cookie (Django), requests/s", f"{personal['rps']:.0f}",
         check(personal["rps"] >= TARGETS["cookie_rps"], ">= 500")),
        ("(c) reader with a cookie, p50 / p99 ms",
         f"{personal['p50_ms']:.1f} / {personal['p99_ms']:.1f}",
         check(personal["p99_ms"] < TARGETS["p99_ms"], "p99 < 50 ms")),
        ("(d) comments posted per second", f"{posts['per_second']:.0f}", ""),
        ("(d) posted / answered 303 / saved once",
         f"{posts['posted']} / {posts['answered_303']} / {posts['saved_distinct']}",
         check(posts["posted"] == posts["answered_303"] == posts["saved"]
               == posts["saved_distinct"], "none lost")),
        ("queries per Django page: thread cached / after a change / cookie",
         f"{sizes['queries_warm']} / {sizes['queries_cold']} / {sizes['queries_personal']}",
         check(max(sizes["queries_warm"], sizes["queries_cold"]) <= TARGETS["queries"], "<= 5")),
        (f"page bytes, {sizes['comments_on_page']} comments shown", f"{sizes['page_bytes']}",
         ""),
        ("page without comments, HTML + CSS bytes",
         f"{sizes['empty_page_bytes']} + {sizes['css_bytes']} = {empty_total}",
         check(empty_total < TARGETS["empty_page_bytes"], "< 20 KB")),
        ("HTML bytes per comment", f"{sizes['bytes_per_comment']:.0f}",
         check(sizes["bytes_per_comment"] < TARGETS["bytes_per_comment"], "< 600")),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    lines = [
        f"{time.strftime('%Y-%m-%d')}: Varnish, gunicorn {arguments.workers} workers, "
        f"wrk {arguments.connections} connections x {arguments.duration} s, PostgreSQL + Redis, "
        f"{sizes['comments_total']} approved "
        f"comments ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end:"
        " other work on the machine lowers every figure)",
        "",
        f"{'measure'.ljust(width)} | {'value':>20} | target",
        f"{'-' * width}-|-{'-' * 20}-|-------",
    ]
    lines += [f"{name.ljust(width)} | {value:>20} | {target}" for name, value, target in rows]
    return "\n".join(lines)


def check(passed, target):
    return f"{target} {'ok' if passed else 'MISSED'}"


def main():
    arguments = parse_arguments()
    RESULTS.mkdir(parents=True, exist_ok=True)
    wrk = require_program("wrk", "wrk")
    nginx = require_program("nginx", "nginx")
    require_varnish()  # Stack checks too, but only once the data is made: stop before that
    environment = server_environment(arguments)
    # Cheap and on its own: the moderation rules on the crisis corpus (bench/moderation_rules.py).
    rules = moderation_rules.report(moderation_rules.measure())
    print(rules, flush=True)

    print("Preparing PostgreSQL, Redis and the static files...", flush=True)
    recreate_database(arguments.database_url)
    import redis

    redis.Redis.from_url(arguments.redis_url).flushdb()
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "collectstatic", "--no-input", "--clear", "--verbosity", "0")

    os.environ.update(environment)
    import django

    django.setup()
    article = fill_article("ketamine-with-comments", arguments.comments)
    fill_article("ketamine-no-comments", 0)
    sizes = measure_in_process(article.slug, "ketamine-no-comments")
    from django.db import connection

    connection.close()  # the server's workers open their own

    print(f"Starting Varnish and gunicorn ({arguments.workers} workers)...", flush=True)
    with Stack(environment, RESULTS / "stack") as stack:
        stack.start_app_server(workers=arguments.workers)
        port = stack.start_cache()
        page_bytes = get(port, sizes["url"])[2].encode()
        static_server, static_port = start_nginx(nginx, page_bytes, arguments.workers)
        try:
            print("Measuring (a) the page through Varnish, (b) nginx, (c) Django...", flush=True)
            cookie = [f"Cookie: {saved_details_cookie()}"]
            load = {"connections": arguments.connections, "duration": arguments.duration}
            results = {
                "page": run_wrk(wrk, port, sizes["url"], RESULTS / "wrk-page.txt", **load),
                "static": run_wrk(
                    wrk, static_port, "/page.html", RESULTS / "wrk-static.txt", **load
                ),
                "personal": run_wrk(
                    wrk, port, sizes["url"], RESULTS / "wrk-cookie.txt", headers=cookie, **load
                ),
            }
        finally:
            static_server.terminate()
            static_server.wait()
        print(f"Posting {arguments.posts} comments, {arguments.connections} at once...")
        results["posts"] = post_comments(port, sizes["url"], arguments.posts, arguments.connections)
    results["sizes"] = sizes
    report = table(results, arguments) + "\n\n" + rules
    print()
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.txt").write_text(report + "\n")
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}/bench-{stamp}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
