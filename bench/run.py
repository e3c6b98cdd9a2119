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
   (with its pre-compressed copy), (c) the page for readers with one of the site's
   cookies, served from the cache with their own part put in by ESI: saved details,
   a comment awaiting moderation, a forged session cookie, a forged messages cookie;
   (e) the page while comments on it are approved 5 times a second (each purges it),
   with the time until each approved comment shows; then (d) posts comments 16 at
   once through the cache and checks that every one was saved exactly once; and
   reads the resident memory of each gunicorn worker after all that load
   (bench/readers.py);
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
from bench.article_data import fill_article  # noqa: E402
from bench.common import (  # noqa: E402
    add_server_arguments,
    production_settings,
    recreate_database,
)
from bench.readers import (  # noqa: E402
    FORGED_MESSAGES,
    FORGED_SESSION,
    approvals_under_load,
    pending_comment_cookie,
    worker_memory,
)
from bench.traffic import post_comments, require_program, run_wrk, start_nginx  # noqa: E402
from deploy.stack import Stack, get, require_varnish  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

TARGETS = {
    "page_vs_static": 0.5,  # the page through the cache: at least half nginx's static rate
    "p99_ms": 50.0,
    "cookie_rps": 3000,  # a reader with a cookie: the cached page and their part (ESI)
    "cookie_p99_ms": 20.0,
    "approvals_p99_ms": 10.0,  # reading while comments are approved 5 times a second
    "approval_shown_s": 1.0,
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
    parser.add_argument(
        "--approvals-per-second", type=float, default=5.0, help="approvals while reading (e)"
    )
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


def their_part_shown(port, url, key, cookie):
    """True when the page read with ``cookie`` through the cache shows that reader's part:
    the saved email, the comment awaiting moderation, or (forged) the plain form."""
    _, headers, page = get(port, url, headers={"Cookie": cookie})
    wanted = {
        "saved": 'value="bench@example.org"',
        "pending": "Your comment is awaiting moderation.",
    }.get(key, 'id="commentform"')
    return headers.get("X-Cache") == "hit" and wanted in page and "esi:include" not in page


def saved_details_cookie():
    """The cookie of a reader who ticked "Save my name...": their own part of the page
    (their details in the form) comes from Django, into the cached page (ESI)."""
    from django.core import signing

    from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT

    details = {"name": "Bench Reader", "email": "bench@example.org", "website": ""}
    return f"{AUTHOR_COOKIE}={signing.dumps(details, salt=AUTHOR_SALT, compress=True)}"


def table(results, arguments):
    page, static, posts, sizes = (
        results["page"],
        results["static"],
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
        *cookie_rows(results),
        *approval_rows(results["approvals"]),
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
    rows.append(
        ("resident memory of each gunicorn worker after the load, MB",
         " / ".join(f"{size:.0f}" for size in results["worker_memory_mb"]), "")
    )  # fmt: skip
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


COOKIE_READERS = {
    "saved": "saved details",
    "pending": "a comment awaiting moderation",
    "forged_session": "a forged session cookie",
    "forged_messages": "a forged messages cookie",
}


def cookie_rows(results):
    """(c): each reader with a cookie, served the cached page with their part (ESI)."""
    rows = []
    for key, who in COOKIE_READERS.items():
        figures = results["cookies"][key]
        rows.append(
            (f"(c) {who}, requests/s / p50 / p99 ms",
             f"{figures['rps']:.0f} / {figures['p50_ms']:.2f} / {figures['p99_ms']:.2f}",
             check(figures["rps"] >= TARGETS["cookie_rps"]
                   and (key.startswith("forged") or figures["p99_ms"] < TARGETS["cookie_p99_ms"])
                   and figures["shows_their_part"],
                   ">= 3000/s" + ("" if key.startswith("forged") else ", p99 < 20 ms")
                   + ", their part shown"))
        )  # fmt: skip
    return rows


def approval_rows(approvals):
    """(e): reading the page while comments on it are approved (each approval purges it)."""
    shown = [delay for delay in approvals["shown_after_s"] if delay is not None]
    slowest = max(shown) if shown else float("nan")
    all_shown = len(shown) == approvals["approvals"] and slowest <= TARGETS["approval_shown_s"]
    return [
        ("(e) while approving 5/s: requests/s / p50 / p99 ms",
         f"{approvals['rps']:.0f} / {approvals['p50_ms']:.2f} / {approvals['p99_ms']:.2f}",
         check(approvals["p99_ms"] < TARGETS["approvals_p99_ms"], "p99 < 10 ms")),
        ("(e) approved comments shown: count, median / slowest ms",
         f"{len(shown)}/{approvals['approvals']}, "
         f"{sorted(shown)[len(shown) // 2] * 1000 if shown else 0:.0f} / {slowest * 1000:.0f}",
         check(all_shown, "all within 1 s")),
    ]  # fmt: skip


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
    cookies = {
        "saved": saved_details_cookie(),
        "pending": pending_comment_cookie(article),
        "forged_session": FORGED_SESSION,
        "forged_messages": FORGED_MESSAGES,
    }
    from django.db import connection

    connection.close()  # the server's workers open their own

    print(f"Starting Varnish and gunicorn ({arguments.workers} workers)...", flush=True)
    with Stack(environment, RESULTS / "stack") as stack:
        stack.start_app_server(workers=arguments.workers)
        port = stack.start_cache()
        page_bytes = get(port, sizes["url"])[2].encode()
        static_server, static_port = start_nginx(nginx, page_bytes, arguments.workers)
        try:
            print("Measuring (a) the page through Varnish, (b) nginx...", flush=True)
            load = {"connections": arguments.connections, "duration": arguments.duration}
            results = {
                "page": run_wrk(wrk, port, sizes["url"], RESULTS / "wrk-page.txt", **load),
                "static": run_wrk(
                    wrk, static_port, "/page.html", RESULTS / "wrk-static.txt", **load
                ),
            }
        finally:
            static_server.terminate()
            static_server.wait()
        print("Measuring (c) readers with a cookie (ESI)...", flush=True)
        results["cookies"] = {}
        for key, cookie in cookies.items():
            figures = run_wrk(
                wrk, port, sizes["url"], RESULTS / f"wrk-cookie-{key}.txt",
                headers=[f"Cookie: {cookie}"], **load,
            )  # fmt: skip
            figures["shows_their_part"] = their_part_shown(port, sizes["url"], key, cookie)
            results["cookies"][key] = figures
        print(f"Measuring (e) while approving {arguments.approvals_per_second}/s...", flush=True)
        results["approvals"] = approvals_under_load(
            wrk, port, sizes["url"], article, RESULTS / "wrk-approvals.txt",
            rate=arguments.approvals_per_second, **load,
        )  # fmt: skip
        print(f"Posting {arguments.posts} comments, {arguments.connections} at once...")
        results["posts"] = post_comments(port, sizes["url"], arguments.posts, arguments.connections)
        results["worker_memory_mb"] = worker_memory(stack)
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
