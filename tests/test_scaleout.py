"""Scale-out, proved on this machine: two app servers sharing one database, one Redis and
one shared HTTP cache in front of them.

Each server is gunicorn with the production configuration (DEBUG off) on a free
loopback port, started with Varnish in front by deploy/stack.py. With a
PostgreSQL DATABASE_URL the servers share a database this module creates,
migrates and drops itself (the test database's name + "_scaleout"); otherwise
they share a SQLite file in the module's temporary directory, whose writers
wait for each other (cms/settings.py). The cache is REDIS_URL, or else the
Redis at 127.0.0.1:6379 (database 14), under a key prefix of its own; only when
no Redis answers at all are these tests skipped. What one server does, the
other shows at once, and so does the shared cache.

The servers run with COMMENTS_MIN_SECONDS=0 and COMMENTS_RATE_LIMIT=0: the
tests post faster than a person and from one address, which the anti-spam
rules would (rightly) stop.
"""

import contextlib
import http.cookiejar
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from deploy.stack import Stack, find_varnishd, get

from .caches import read_after_change

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith(("postgres://", "postgresql://"))
REDIS_URL = os.environ.get("REDIS_URL", "")
# Where a developer's (and CI's) Redis answers when REDIS_URL is not set; database 14 keeps
# these keys away from a development site's default database 0.
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/14"
SLUG = "sleep-and-health"
ADMIN_PASSWORD = secrets.token_urlsafe(16)

pytestmark = [pytest.mark.scaleout, pytest.mark.cache]

SETUP = f"""
from django.contrib.auth import get_user_model
from articles.models import Article
article = Article.objects.create(slug={SLUG!r})
article.publish(article.add_version(
    title="Sleep and Health", summary="Why sleep matters.", body="Sleep restores the body."))
get_user_model().objects.create_superuser("root", "root@example.org", {ADMIN_PASSWORD!r})
"""


def database_named(url, name):
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def sql(url, statement, *parameters, autocommit=False):
    """Run one statement on the servers' database, PostgreSQL or SQLite, and return its rows.

    Statements use psycopg's %s placeholders; for sqlite3 they become "?".
    """
    if url.startswith("sqlite:"):
        path = url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path, timeout=20)) as connection, connection:
            cursor = connection.execute(statement.replace("%s", "?"), parameters)
            return cursor.fetchall() if cursor.description else None

    import psycopg

    with psycopg.connect(url, autocommit=autocommit) as connection:
        cursor = connection.execute(statement, parameters or None)
        return cursor.fetchall() if cursor.description else None


def shared_redis_url():
    """REDIS_URL if set, else the local Redis if one answers; skip when there is none."""
    if REDIS_URL:
        return REDIS_URL
    import redis

    client = redis.Redis.from_url(LOCAL_REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(
            f"no Redis answers at {LOCAL_REDIS_URL} and REDIS_URL is not set: start "
            "redis-server (CI and the development machine run one) to prove the scale-out"
        )
    finally:
        client.close()
    return LOCAL_REDIS_URL


class Cluster:
    """The servers, their database and how to run Django code beside them."""

    def __init__(self, tmp_path, redis_url):
        if ON_POSTGRESQL:
            base_name = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/") or "cms"
            self.database_name = re.sub(r"\W", "_", f"{base_name}_scaleout").lower()
            self.maintenance_url = database_named(DATABASE_URL, "postgres")
            self.database_url = database_named(DATABASE_URL, self.database_name)
        else:
            # tmp_path is absolute, so this is sqlite://// + the path: a file both servers open.
            self.database_url = f"sqlite:///{tmp_path / 'scaleout.sqlite3'}"
        self.environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"scaleout-{secrets.token_hex(4)}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "COMMENTS_MIN_SECONDS": "0",
            "COMMENTS_RATE_LIMIT": "0",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "cms.settings",
        }
        # Nothing runs yet: the stack knows the servers' environment, and where its cache will
        # listen (a purge before it does is logged and forgotten, as in production).
        self.stack = Stack(self.environment, tmp_path)
        self.environment = self.stack.environment

    def drop_database(self):
        # A SQLite file goes with the temporary directory.
        if ON_POSTGRESQL:
            sql(
                self.maintenance_url,
                f"DROP DATABASE IF EXISTS {self.database_name} WITH (FORCE)",
                autocommit=True,
            )

    def prepare(self):
        if ON_POSTGRESQL:
            self.drop_database()
            sql(self.maintenance_url, f"CREATE DATABASE {self.database_name}", autocommit=True)
        self.stack.manage("migrate", "--no-input")
        self.stack.manage("collectstatic", "--no-input")
        self.shell(SETUP)

    def shell(self, code, stdin=None):
        """Run Django code against the servers' database, as a third process would."""
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=self.environment,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self):
        """Two app servers, then Varnish in front of both."""
        self.first = self.stack.start_app_server()
        self.second = self.stack.start_app_server()
        self.cache = self.stack.start_cache()

    def stop(self):
        self.stack.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if find_varnishd() is None:
        reason = "Varnish is not installed: apt-get install varnish varnish-modules"
        if os.environ.get("REQUIRE_CACHE", "").strip().lower() in {"1", "true", "yes", "on"}:
            pytest.fail(f"REQUIRE_CACHE=1: {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = Cluster(tmp_path_factory.mktemp("scaleout"), shared_redis_url())
    cluster.prepare()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        cluster.drop_database()


def fetch(port, method, path, body=None, headers=None):
    status, headers, page = get(port, path, headers=headers, method=method, body=body)
    return status, list(headers.items()), page


def article_page(port):
    """The article page from ``port``. Through the cache, after a change: purges are soft,
    so a reader who comes while the new copy renders gets the old one (X-Cache: grace);
    the new one is there within a second (tests/caches.py, read_after_change)."""
    status, _, page = read_after_change(SimpleNamespace(cache_port=port), f"/{SLUG}/")
    assert status == 200
    return page


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


class Browser:
    """A person's browser on one server: cookies kept, redirects followed."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data)
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()


def post_comment(port, body, email):
    """Post through the form as a reader's browser would: the page, the form's token (fetched
    by its script), then the form, from the same origin."""
    status, _, page = fetch(port, "GET", f"/{SLUG}/")
    token_url = re.search(r'data-token-url="([^"]+)"', page).group(1)
    token = re.search(r'"token": "([^"]+)"', fetch(port, "GET", token_url)[2]).group(1)
    fields = {"token": token, "name": "Scale Reader", "email": email, "body": body}
    status, _, _ = fetch(
        port,
        "POST",
        f"/{SLUG}/comments/",
        body=urllib.parse.urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{port}",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    return status


def test_a_comment_approved_on_one_server_shows_on_both_at_once(cluster):
    for port in (cluster.first, cluster.second, cluster.cache, cluster.cache):
        assert "No responses yet." in article_page(port)  # the cache keeps the page now
    assert post_comment(cluster.cache, "Posted on the first server", "new@example.org") == 303
    (comment_id,) = sql(
        cluster.database_url,
        "SELECT id FROM comments_comment WHERE body = %s AND status = 'pending'",
        "Posted on the first server",
    )[0]
    for port in (cluster.first, cluster.second, cluster.cache):
        assert "Posted on the first server" not in article_page(port)

    moderator = Browser(cluster.second)
    login = moderator.get("/admin/login/")
    moderator.post(
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": hidden(login, "csrfmiddlewaretoken"),
            "username": "root",
            "password": ADMIN_PASSWORD,
            "next": "/admin/",
        },
    )
    queue = moderator.get("/admin/comments/comment/")
    moderator.post(
        "/admin/comments/comment/",
        {
            "csrfmiddlewaretoken": hidden(queue, "csrfmiddlewaretoken"),
            "action": "approve_selected",
            "_selected_action": comment_id,
            "index": 0,
        },
    )
    status = sql(
        cluster.database_url, "SELECT status FROM comments_comment WHERE id = %s", comment_id
    )
    assert status == [("approved",)]
    for port in (cluster.first, cluster.second, cluster.cache):
        page = article_page(port)
        assert "Posted on the first server" in page and "1 Response" in page
        assert "new@example.org" not in page


def test_a_new_version_published_elsewhere_shows_on_both_at_once(cluster):
    for port in (cluster.first, cluster.second, cluster.cache, cluster.cache):
        assert "Sleep restores the body." in article_page(port)
    editor = cluster.shell(
        "from articles.models import Article\n"
        f"article = Article.objects.get(slug={SLUG!r})\n"
        "article.publish(article.add_version(title='Sleep and Health', summary='Revised.', "
        "body='Sleep, revised for every server.'))\n"
    )
    assert editor.wait(timeout=60) == 0, editor.stderr.read()
    for port in (cluster.first, cluster.second, cluster.cache):
        page = article_page(port)
        assert "Sleep, revised for every server." in page
        assert "Sleep restores the body." not in page


def test_fifty_comments_posted_at_once_are_all_saved_exactly_once(cluster):
    marker = secrets.token_hex(6)

    def post(number):
        port = (cluster.first, cluster.second, cluster.cache)[number % 3]
        return post_comment(port, f"At once {marker} number {number}", f"crowd{number}@example.org")

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(post, range(50)))
    assert statuses == [303] * 50
    saved = sql(
        cluster.database_url,
        "SELECT body FROM comments_comment WHERE body LIKE %s",
        f"At once {marker} number %",
    )
    assert sorted(body for (body,) in saved) == sorted(
        f"At once {marker} number {number}" for number in range(50)
    )


def test_two_editors_publishing_at_the_same_moment_get_distinct_version_numbers(cluster):
    # Each editor process says "ready" once Django is loaded and waits for a line on its
    # input; both get it at once. No clock to guess: a slow start only delays the test.
    editors = [
        cluster.shell(
            "import sys\n"
            "from articles.models import Article\n"
            f"article = Article.objects.get(slug={SLUG!r})\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n"
            f"article.publish(article.add_version(title='Editor {name}', summary='S', "
            f"body='Written by editor {name}.'))\n",
            stdin=subprocess.PIPE,
        )
        for name in ("one", "two")
    ]
    for editor in editors:
        assert editor.stdout.readline().strip() == "ready", editor.stderr.read()
    for editor in editors:
        editor.stdin.write("go\n")
        editor.stdin.flush()
    for editor in editors:
        assert editor.wait(timeout=60) == 0, editor.stderr.read()
    rows = sql(
        cluster.database_url,
        "SELECT v.number, v.title FROM articles_articleversion v "
        "JOIN articles_article a ON a.id = v.article_id WHERE a.slug = %s ORDER BY v.number",
        SLUG,
    )
    numbers = [number for number, _ in rows]
    assert numbers == list(range(1, len(rows) + 1))  # no duplicate, no gap
    assert {"Editor one", "Editor two"} <= {title for _, title in rows}

    if ON_POSTGRESQL:
        import psycopg

        duplicate_refused = psycopg.errors.UniqueViolation
    else:
        duplicate_refused = sqlite3.IntegrityError
    # The database itself refuses a duplicate number, whatever the code does.
    with pytest.raises(duplicate_refused, match="(?i)unique"):
        sql(
            cluster.database_url,
            "INSERT INTO articles_articleversion (article_id, number, title, summary, body, "
            "body_html, change_note, created_at, is_correction, correction_note, images, "
            "key_takeaways, key_takeaways_html) "
            "SELECT article_id, number, title, summary, body, body_html, change_note, "
            "CURRENT_TIMESTAMP, FALSE, '', images, key_takeaways, key_takeaways_html "
            "FROM articles_articleversion WHERE number = 1 AND article_id = "
            "(SELECT id FROM articles_article WHERE slug = %s)",
            SLUG,
        )
