"""`make drill`: the production stack on loopback, each part failed in turn, and a table
of what readers saw and what was lost.

Everything runs on 127.0.0.1 and is the drill's own: a throwaway SQLite database with
the demo article, a Redis server on a free port, an SMTP server (aiosmtpd) that counts
what it receives, and deploy/stack.py's Varnish, two gunicorns and the mail worker,
revived by the stack's supervisor as `make serve` does. Readers are a loop of plain
requests: the cached article, the article with a personal cookie (always Django), and a
comment post (each one queues an email to the moderators). Bounded: about two minutes.

The faults: kill the worker mid-send, kill every gunicorn, Redis closed, Redis hanging
(SIGSTOP), SMTP refusing, and the database closed for the second app server.
"""

import collections
import email
import email.policy
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from deploy.stack import Stack, free_port, get, require_varnish  # noqa: E402

READ_SECONDS = 5  # readers' loop during each fault
SETTLE_SECONDS = 25  # at most, for mail to be delivered after a fault


class CountingSmtpServer:
    """aiosmtpd that keeps the subject of every message it accepted; may refuse (451)."""

    def __init__(self):
        self.subjects = []
        self.refusing = False
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refusing:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.subjects.append(message["Message-ID"])
        return "250 OK"


class Readers:
    """What readers saw: one counter per kind of request, and the posts answered 303."""

    def __init__(self, stack, slug):
        self.stack, self.slug = stack, slug
        self.seen = collections.defaultdict(collections.Counter)
        self.posted = 0
        self.slowest = 0.0

    def _request(self, kind, path, **options):
        started = time.monotonic()
        try:
            status, _headers, page = get(self.stack.cache_port, path, timeout=40, **options)
        except OSError as error:
            self.seen[kind][type(error).__name__] += 1
            return
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)
        label = str(status)
        if status == 503 and "may not have been saved" in page:
            label = "503 may-not-be-saved"
        elif status == 200 and kind == "cached":
            label = "200"
        self.seen[kind][label] += 1
        if kind == "post" and status == 303:
            self.posted += 1

    def read_for(self, seconds):
        deadline = time.monotonic() + seconds
        number = 0
        while time.monotonic() < deadline:
            number += 1
            self._request("cached", f"/{self.slug}/")
            self._request("app", f"/{self.slug}/", headers={"Cookie": "cms_own_comments=x"})
            if number % 3 == 0:
                self.post()
            time.sleep(0.1)

    def post(self):
        """Post one comment through Varnish (each queues an email to the moderators)."""
        words = f"Drill+comment+{secrets.token_hex(4)}"
        self._request(
            "post",
            f"/{self.slug}/comments/",
            method="POST",
            body=f"name=Drill&email=drill%40example.org&body={words}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
                "Origin": f"http://127.0.0.1:{self.stack.cache_port}",
            },
        )

    def summary(self):
        parts = []
        for kind in ("cached", "app", "post"):
            counts = self.seen.get(kind)
            if counts:
                shown = ", ".join(f"{n}x {label}" for label, n in sorted(counts.items()))
                parts.append(f"{kind}: {shown}")
        return "; ".join(parts) + f"; slowest answer {self.slowest:.1f} s"


def count(environment, sql):
    """One number from the drill's database (sqlite3, no Django in this process)."""
    import sqlite3  # noqa: PLC0415 - only the drill's own database, only here

    path = environment["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=10) as database:
        return database.execute(sql).fetchone()[0]


def mail_outcome(stack, smtp):
    """Wait for the queue to empty; (lost, sent twice) among the moderators' emails."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        waiting = count(
            stack.environment, "SELECT count(*) FROM comments_outgoingemail WHERE status != 'sent'"
        )
        if waiting == 0:
            break
        time.sleep(0.5)
    queued = count(stack.environment, "SELECT count(*) FROM comments_outgoingemail")
    received = collections.Counter(smtp.subjects)
    lost = queued - len(received)
    twice = sum(n - 1 for n in received.values() if n > 1)
    return lost, twice


def drill():
    require_varnish()
    workdir = Path(tempfile.mkdtemp(prefix="cms-drill-"))
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    smtp = CountingSmtpServer()
    smtp.controller.start()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'drill.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "STATIC_ROOT": str(workdir / "static"),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "ERROR",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        "EMAIL_RETRY_SECONDS": "1",
        "EMAIL_MAX_ATTEMPTS": "12",
        "TASK_LEASE_SECONDS": "3",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "COMMENTS_MODERATORS": "moira@example.org",
        "COMMENTS_RATE_LIMIT": "100000",
        "PAGE_CACHE_SECONDS": "3",
    }
    rows = []
    stack = Stack(environment, workdir)
    try:
        stack.manage("migrate", "--no-input")
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        stack.manage("load_demo")
        slug = "what-is-ketamine-used-for"
        first = stack.start_app_server()
        second = stack.start_app_server()
        stack.start_cache()
        stack.start_worker()
        with stack.supervise():

            def fault(name, start, stop, seconds=READ_SECONDS):
                readers = Readers(stack, slug)
                readers.read_for(1)  # before: warm
                note = start(readers)
                readers.read_for(seconds)
                stop()
                readers.read_for(2)  # after
                lost, twice = mail_outcome(stack, smtp)
                saved = count(environment, "SELECT count(*) FROM comments_comment")
                lost_posts = max(0, readers.posted + fault.saved_before - saved)
                fault.saved_before = saved
                rows.append(
                    (
                        name,
                        readers.summary(),
                        f"{lost_posts} comments, {lost} emails lost; {twice} emails sent twice"
                        + (note or ""),
                    )
                )
                print(f"  {name}: done", flush=True)

            fault.saved_before = count(environment, "SELECT count(*) FROM comments_comment")

            def nothing():
                return None

            def kill_worker_mid_send(readers):
                # Ten posts at once: ten emails queued, and the worker killed among them.
                for _ in range(10):
                    readers.post()
                time.sleep(0.2)
                os.killpg(stack.process("worker").pid, signal.SIGKILL)
                unsent = count(
                    environment,
                    "SELECT count(*) FROM comments_outgoingemail WHERE status != 'sent'",
                )
                sending = count(
                    environment,
                    "SELECT count(*) FROM comments_outgoingemail WHERE status = 'sending'",
                )
                return f" (killed with {unsent} unsent, {sending} in the middle of sending)"

            fault("kill -9 the mail worker, 10 emails in flight", kill_worker_mid_send, nothing)

            def kill_every_gunicorn(_readers):
                for port in (first, second):
                    os.killpg(stack.process(f"gunicorn-{port}").pid, signal.SIGKILL)

            fault("kill -9 every gunicorn", kill_every_gunicorn, nothing, seconds=8)

            def redis_closed(_readers):
                redis.send_signal(signal.SIGSTOP)
                redis.send_signal(signal.SIGKILL)

            def redis_back():
                nonlocal redis
                redis.wait()
                redis = subprocess.Popen(
                    ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip

            fault("Redis closed", redis_closed, redis_back)
            fault(
                "Redis hanging (SIGSTOP)",
                lambda _readers: redis.send_signal(signal.SIGSTOP),
                lambda: redis.send_signal(signal.SIGCONT),
            )

            def refuse(_readers):
                smtp.refusing = True

            def accept():
                smtp.refusing = False

            fault("SMTP refusing (451)", refuse, accept)

            name = f"gunicorn-{second}"
            command, _ = stack.commands[name]

            def close_database(_readers):
                # The second app server's database is a port nobody listens on.
                closed = {"DATABASE_URL": f"postgres://drill@127.0.0.1:{free_port()}/drill"}
                os.killpg(stack.process(name).pid, signal.SIGTERM)
                stack.process(name).wait()
                stack._start(name, command, closed)
                time.sleep(4)  # its probe fails twice: Varnish leaves it out

            def open_database():
                os.killpg(stack.process(name).pid, signal.SIGTERM)
                stack.process(name).wait()
                stack._start(name, command, None)

            fault("database closed for the second app server", close_database, open_database)
    finally:
        stack.stop()
        smtp.controller.stop()
        redis.send_signal(signal.SIGCONT)
        redis.terminate()
        redis.wait()
    return rows


def main():
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print("Fault drill: the production stack on 127.0.0.1, each part failed in turn.", flush=True)
    rows = drill()
    print(f"\nFault drill, {started} (make drill)\n")
    print("| fault | what readers saw | anything lost |")
    print("| --- | --- | --- |")
    for name, seen, lost in rows:
        print(f"| {name} | {seen} | {lost} |")


if __name__ == "__main__":
    main()
