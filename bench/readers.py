"""The readers of `make bench` (bench/run.py) who carry one of the site's cookies, a moderator
approving comments while the page is read, and the app servers' memory after the load.

- Cookies: a reader who saved their details, one with a comment awaiting moderation,
  and forged session and messages cookies. Each is served the shared page from Varnish
  with its own part put in by ESI (docs/http-cache.md).
- Approvals: wrk reads the article while comments on it are approved RATE times a
  second; each approval purges the article (softly), and a reader polls the page until
  the approved comment shows.
- Memory: the resident memory of each gunicorn worker once the load has run.
"""

import subprocess
import time
from pathlib import Path

from deploy.stack import get

# A reader's cookie that Django cannot read: an attacker's way past the cache before.
FORGED_SESSION = "sessionid=forged0123456789abcdefghijklmnop"
FORGED_MESSAGES = "messages=forged"


def pending_comment_cookie(article):
    """A comment awaiting moderation on ``article`` and the cookie of the browser that posted
    it (signed as the app servers sign it: the same SECRET_KEY)."""
    from django.core import signing

    from comments.models import Comment
    from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT

    comment = Comment(
        article=article,
        article_version=article.published_version,
        name="Waiting Reader",
        email="waiting@example.org",
        body="Does this treatment interact with my blood pressure tablets?",
        status=Comment.Status.PENDING,
    )
    comment.submit()
    return f"{OWN_COMMENTS_COOKIE}={signing.dumps([comment.pk], salt=OWN_COMMENTS_SALT)}"


def approvals_under_load(wrk, port, path, article, save_as, *, connections, duration, rate):
    """wrk reads ``path`` for ``duration`` seconds while a comment on ``article`` is approved
    ``rate`` times a second. Returns wrk's figures and, for each approval, the seconds until
    a reader saw the comment on the page (None: not within two seconds)."""
    from django.conf import settings

    from bench.traffic import BROWSER_HEADERS, parse_wrk
    from comments.models import Comment

    settings.HTTP_CACHE_NODES = [f"http://127.0.0.1:{port}"]  # this process approves
    options = [argument for header in BROWSER_HEADERS for argument in ("-H", header)]
    command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *options]
    load = subprocess.Popen(
        [*command, f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True
    )
    # Replies to the first comment, so that each shows on the first page, however many.
    first = Comment.objects.approved().filter(article=article, parent=None).earliest("created_at")
    delays = []
    started = time.monotonic()
    number = 0
    time.sleep(0.5)  # wrk connected
    while time.monotonic() - started < duration - 2.5:
        slot = time.monotonic()
        body = f"Approved under load, number {number}."
        comment = Comment(
            article=article,
            article_version=article.published_version,
            name="Moderated Reader",
            email="moderated@example.org",
            body=body,
            status=Comment.Status.PENDING,
        )
        comment.reply_to(first)
        comment.submit()
        comment.approve()  # purges the article's pages after the commit
        approved = time.monotonic()
        delays.append(_seconds_until_shown(port, path, body, approved))
        number += 1
        time.sleep(max(0.0, 1 / rate - (time.monotonic() - slot)))
    output, _ = load.communicate()
    Path(save_as).write_text(output)
    return {**parse_wrk(output), "approvals": len(delays), "shown_after_s": delays}


def _seconds_until_shown(port, path, body, since, within=2.0):
    while time.monotonic() - since < within:
        if body in get(port, path)[2]:
            return time.monotonic() - since
        time.sleep(0.005)
    return None


def worker_memory(stack):
    """The resident memory (MB) of each gunicorn worker of ``stack``, from /proc."""
    masters = [process.pid for name, process, _ in stack.processes if name.startswith("gunicorn")]
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:  # the process ended while we looked
            continue
        if int(fields.get("PPid", "0")) in masters and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)
