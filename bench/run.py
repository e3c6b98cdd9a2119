"""How fast the article page is under load: `make bench` (or `.venv/bin/python bench/run.py`).

What it does, all on this machine (127.0.0.1 only):

1. makes a fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/cms_bench) and empties a Redis database
   (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14);
2. migrates, collects the static files (whitenoise's compressed manifest) and
   fills an article with 200 approved comments in threads, plus the same
   article without comments;
3. counts, in this process, the SQL queries and the bytes of the article page;
4. starts the production configuration: DEBUG off, gunicorn with 2 workers;
5. measures with wrk (installed from Debian's packages when missing) the
   article page and a static file of the same size from the same server, then
   posts comments from 16 threads at once and checks every one was saved once;
6. prints a table (also written to bench/results/) and exits 0.

The server under test runs with COMMENTS_MIN_SECONDS=0 and COMMENTS_RATE_LIMIT=0:
otherwise the anti-spam rules would (rightly) treat a benchmark as a bot.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

TARGETS = {
    "page_vs_static": 0.5,  # article page at least half the static file's rate
    "p99_ms": 50.0,
    "queries": 5,
    "empty_page_bytes": 20 * 1024,  # HTML + CSS of the page without comments
    "bytes_per_comment": 600,
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--comments", type=int, default=200, help="approved comments to fill")
    parser.add_argument("--posts", type=int, default=300, help="comments to post under load")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    return parser.parse_args()


def ensure_wrk():
    """wrk from Debian's package; installed with apt-get the first time."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("wrk is missing: installing Debian's package (apt-get install wrk)...", flush=True)
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    subprocess.run([*apt, "update", "-qq"], check=True)
    subprocess.run(
        [*apt, "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(database_url):
    """Drop and create the bench database, so every run starts from the same state."""
    import psycopg

    parsed = urllib.parse.urlsplit(database_url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"bench database name {name!r}: use lowercase letters, digits and _")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def server_environment(arguments, port):
    """The production configuration, on loopback and plain HTTP."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COMMENTS_", "PYTEST"))
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        HTTPS="0",
        DATABASE_URL=arguments.database_url,
        REDIS_URL=arguments.redis_url,
        CACHE_KEY_PREFIX="bench",
        # A benchmark posts faster than a person and from one address: see the docstring.
        COMMENTS_MIN_SECONDS="0",
        COMMENTS_RATE_LIMIT="0",
        LOG_LEVEL="WARNING",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(arguments.workers),
        DJANGO_SETTINGS_MODULE="cms.settings",
    )
    return environment


def manage(environment, *command):
    subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=environment, check=True, stdout=sys.stderr
    )


def fill_article(slug, comment_count, author=None):
    """A published article with ``comment_count`` approved comments: a quarter top-level,
    each with a reply, a reply to that reply, and a second reply."""
    from django.utils import timezone

    from articles.models import Article
    from comments.models import Comment

    body = (ROOT / "articles" / "demo" / "ketamine.md").read_text()
    article = Article.objects.create(slug=slug)
    article.publish(
        article.add_version(
            title="What is Ketamine Used For?",
            summary="Ketamine, first an anaesthetic, now treats depression, PTSD and pain.",
            body=body,
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
        "page_bytes": len(page.content),
        "empty_page_bytes": len(empty.content),
        "css_bytes": css_bytes,
        "css_name": css_name,
        "comments_on_page": shown,
        "comments_total": Comment.objects.approved().filter(article__slug=slug).count(),
        "bytes_per_comment": (len(page.content) - len(empty.content)) / max(shown, 1),
        "url": url,
    }


def static_file_of_size(size):
    """A file under STATIC_ROOT of ``size`` bytes, served by whitenoise like site.css."""
    from django.conf import settings

    path = Path(settings.STATIC_ROOT) / "bench" / "same-size-as-article.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = b"<p>A static file exactly as long as the article page.</p>\n"
    path.write_bytes((line * (size // len(line) + 1))[:size])
    return "/static/bench/same-size-as-article.html"


def start_server(environment, port):
    log = open(RESULTS / "server.log", "w")  # noqa: SIM115 (closed in stop_server)
    server = subprocess.Popen(
        [GUNICORN, "cms.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server.log = log
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start: see {RESULTS / 'server.log'}")
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not answer /healthz within 30 seconds")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    server.log.close()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(wrk, port, path, arguments):
    """Requests per second and p50/p99 latency (ms) of one path, from wrk's report."""
    url = f"http://127.0.0.1:{port}{path}"
    # A short warm-up fills the cache and opens the database connections first.
    subprocess.run([wrk, "-t2", "-c4", "-d2s", url], check=True, capture_output=True)
    output = subprocess.run(
        [wrk, "-t2", f"-c{arguments.connections}", f"-d{arguments.duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (RESULTS / f"wrk-{path.strip('/').replace('/', '-') or 'root'}.txt").write_text(output)

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def post_comments(port, article_url, count, concurrency):
    """Post ``count`` comments from ``concurrency`` threads at once; check each was saved once."""
    from comments.models import Comment

    status, headers, body = request(port, "GET", article_url)
    html = body.decode()
    csrf_cookie = next(
        value.split(";")[0] for name, value in headers if name.lower() == "set-cookie"
    )
    fields = {
        name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
        for name in ("csrfmiddlewaretoken", "token")
    }
    marker = f"bench-{secrets.token_hex(4)}"

    def post(number):
        form = {
            **fields,
            "name": f"Load tester {number}",
            "email": f"load{number}@example.org",
            "body": f"Posted under load ({marker}) number {number}.",
        }
        status, _, _ = request(
            port,
            "POST",
            article_url + "comments/",
            body=urllib.parse.urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": csrf_cookie,
                "Referer": f"http://127.0.0.1:{port}{article_url}",
            },
        )
        return status

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(post, range(count)))
    elapsed = time.monotonic() - started
    saved = Comment.objects.filter(body__contains=marker)
    distinct = saved.values("body").distinct().count()
    return {
        "posted": count,
        "answered_303": statuses.count(303),
        "saved": saved.count(),
        "saved_distinct": distinct,
        "per_second": count / elapsed,
    }


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
        ("(a) article page, requests/s", f"{page['rps']:.0f}", ""),
        ("(a) article page, p50 / p99 ms", f"{page['p50_ms']:.1f} / {page['p99_ms']:.1f}",
         check(page["p99_ms"] < TARGETS["p99_ms"], "p99 < 50 ms")),
        ("(b) static file, same size, requests/s", f"{static['rps']:.0f}", ""),
        ("(b) static file, p50 / p99 ms", f"{static['p50_ms']:.1f} / {static['p99_ms']:.1f}", ""),
        ("(a)/(b) page rate / static rate", f"{ratio:.2f}",
         check(ratio >= TARGETS["page_vs_static"], ">= 0.50")),
        ("(c) comments posted per second", f"{posts['per_second']:.0f}", ""),
        ("(c) posted / answered 303 / saved once",
         f"{posts['posted']} / {posts['answered_303']} / {posts['saved_distinct']}",
         check(posts["posted"] == posts["answered_303"] == posts["saved"]
               == posts["saved_distinct"], "none lost")),
        ("(d) SQL queries per page, cached / after a change",
         f"{sizes['queries_warm']} / {sizes['queries_cold']}",
         check(max(sizes["queries_warm"], sizes["queries_cold"]) <= TARGETS["queries"], "<= 5")),
        (f"(d) page bytes, {sizes['comments_on_page']} comments shown", f"{sizes['page_bytes']}",
         ""),
        ("(d) page without comments, HTML + CSS bytes",
         f"{sizes['empty_page_bytes']} + {sizes['css_bytes']} = {empty_total}",
         check(empty_total < TARGETS["empty_page_bytes"], "< 20 KB")),
        ("(d) HTML bytes per comment", f"{sizes['bytes_per_comment']:.0f}",
         check(sizes["bytes_per_comment"] < TARGETS["bytes_per_comment"], "< 600")),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    lines = [
        f"gunicorn {arguments.workers} workers, wrk {arguments.connections} connections "
        f"x {arguments.duration} s, PostgreSQL + Redis, {sizes['comments_total']} approved "
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
    wrk = ensure_wrk()
    port = free_port()
    environment = server_environment(arguments, port)

    print("Preparing PostgreSQL, Redis and the static files...", flush=True)
    fresh_database(arguments.database_url)
    import redis

    redis.Redis.from_url(arguments.redis_url).flushdb()
    manage(environment, "migrate", "--no-input", "--verbosity", "0")
    manage(environment, "collectstatic", "--no-input", "--clear", "--verbosity", "0")

    os.environ.update(environment)
    import django

    django.setup()
    article = fill_article("ketamine-200-comments", arguments.comments)
    fill_article("ketamine-no-comments", 0)
    sizes = measure_in_process(article.slug, "ketamine-no-comments")
    static_path = static_file_of_size(sizes["page_bytes"])
    from django.db import connection

    connection.close()  # the server's workers open their own

    print(f"Starting gunicorn ({arguments.workers} workers) on 127.0.0.1:{port}...", flush=True)
    server = start_server(environment, port)
    try:
        print("Measuring the article page and the static file with wrk...", flush=True)
        results = {
            "page": run_wrk(wrk, port, sizes["url"], arguments),
            "static": run_wrk(wrk, port, static_path, arguments),
        }
        print(f"Posting {arguments.posts} comments, {arguments.connections} at once...")
        results["posts"] = post_comments(port, sizes["url"], arguments.posts, arguments.connections)
    finally:
        stop_server(server)
    results["sizes"] = sizes
    report = table(results, arguments)
    print()
    print(report)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.txt").write_text(report + "\n")
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}/bench-{stamp}.txt")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
