"""The article page through the real shared HTTP cache: Varnish in front of gunicorn.

The stack (deploy/stack.py) runs the production configuration (DEBUG off) on
the test database itself, so each test changes the article through the models
in this process, with real commits, and reads the pages at once through
Varnish, as a reader would. No change may leave a stale page behind for more than a second.

Purges are soft (docs/http-cache.md): a reader who comes while the new copy renders gets
the old one, so each read after a change waits until the new copy is there, a second at
most (tests/caches.py, read_after_change).

The tests skip without Varnish (with the command that installs it); with
REQUIRE_CACHE=1, as .ci/run sets it, they fail instead.
"""

import collections
import http.client
import logging
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, MedicalReview
from comments.editing import delete_own_comment
from comments.models import Comment
from comments.privacy import erase_commenter_data
from deploy.stack import get

from .caches import cached_page, purges_reach, read, read_after_change, varnish_stack

# serialized_rollback: like the other tests that commit (tests/e2e), each test starts from the
# data the migrations made (groups), and leaves it behind for the next.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.cache]

BODY = "Sleep restores the body."


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from varnish_stack(django_db_blocker, tmp_path_factory)


@pytest.fixture(autouse=True)
def _purges_reach_the_cache(settings, stack):
    purges_reach(settings, stack)


@pytest.fixture
def article(make_article):
    return make_article(slug="sleep-and-health", body=BODY)


def test_a_readers_page_is_served_from_the_cache(stack, article):
    page = cached_page(stack, "/sleep-and-health/")
    assert BODY in page and "csrfmiddlewaretoken" not in page
    _, headers, _ = read_after_change(stack, "/sleep-and-health/?utm_source=newsletter")
    assert headers["X-Cache"] == "hit"  # campaign tags share the one copy
    assert "Set-Cookie" not in headers


def test_a_new_published_version_shows_at_once_everywhere(stack, article):
    addresses = ["/sleep-and-health/", "/", "/feed/rss/", "/sitemap.xml",
                 "/sitemap-articles.xml", "/sleep-and-health/changes/"]  # fmt: skip
    before = {address: cached_page(stack, address) for address in addresses}
    article.publish(article.add_version(title="Sleep, revised", summary="New lede.", body="New."))
    for address in addresses:
        status, headers, page = read_after_change(stack, address)
        if address.startswith("/sitemap"):
            # Addresses and dates, not titles: the index's lastmod is the new version's time.
            assert address == "/sitemap-articles.xml" or page != before[address]
        else:
            assert "Sleep, revised" in page, address


def test_a_scheduled_update_shows_within_a_second_of_its_time(stack, article):
    when = timezone.now() + timedelta(seconds=2)
    article.publish(article.add_version(title="On time", summary="S", body="Scheduled."), when=when)
    assert "Scheduled." not in cached_page(stack, "/sleep-and-health/")
    cached_page(stack, "/")
    time.sleep(max(0, (when - timezone.now()).total_seconds()) + 1)
    assert "Scheduled." in read_after_change(stack, "/sleep-and-health/")[2]
    assert "On time" in read_after_change(stack, "/")[2]


def test_a_withdrawal_answers_410_or_301_at_its_time(stack, article, make_article):
    replacement = make_article(slug="new-guidance", title="New guidance")
    replaced = make_article(slug="old-guidance", title="Old guidance")
    when = timezone.now() + timedelta(seconds=2)
    article.withdraw_at, article.withdrawal_note = when, "Superseded by newer advice."
    article.save()
    replaced.withdraw_at, replaced.replaced_by = when, replacement
    replaced.save()
    for address in ("/sleep-and-health/", "/old-guidance/", "/", "/feed/rss/"):
        cached_page(stack, address)

    # No worker runs here: the cache lets the pages go at their time, Django answers anew.
    time.sleep(max(0, (when - timezone.now()).total_seconds()) + 1)
    status, _, page = read_after_change(stack, "/sleep-and-health/")
    assert status == 410 and "Superseded by newer advice." in page
    status, headers, _ = read_after_change(stack, "/old-guidance/")
    assert status == 301 and headers["Location"].endswith("/new-guidance/")
    for address in ("/", "/feed/rss/"):
        assert "/sleep-and-health/" not in read_after_change(stack, address)[2], address


def test_comment_changes_show_at_once(stack, article, make_comment):
    pending = make_comment(article, status=Comment.Status.PENDING, body="Held for a moment")
    assert "Held for a moment" not in cached_page(stack, "/sleep-and-health/")
    cached_page(stack, "/sleep-and-health/comments/feed/")
    pending.approve()
    assert "Held for a moment" in read_after_change(stack, "/sleep-and-health/")[2]
    assert "Held for a moment" in read_after_change(stack, "/sleep-and-health/comments/feed/")[2]

    cached_page(stack, "/sleep-and-health/")
    pending.body = "Edited by a moderator"
    pending.save_edit()
    assert "Edited by a moderator" in read_after_change(stack, "/sleep-and-health/")[2]

    cached_page(stack, "/sleep-and-health/")
    pending.remove()
    assert "Edited by a moderator" not in read_after_change(stack, "/sleep-and-health/")[2]


def test_a_decision_and_its_undo_in_the_queue_each_reach_the_cache(
    stack, article, make_comment, moderator_client
):
    """Issue 22: Undo purges the shared cache as the decision did, both ways."""
    pending = make_comment(article, status=Comment.Status.PENDING, body="Approved by mistake")
    assert "Approved by mistake" not in cached_page(stack, "/sleep-and-health/")
    decided = moderator_client.post(
        reverse("admin:comments_comment_moderate", args=[pending.pk, "approve"]), follow=True
    )
    assert "Approved by mistake" in read_after_change(stack, "/sleep-and-health/")[2]

    token = re.search(r'name="undo" value="([^"]+)"', decided.content.decode())[1]
    moderator_client.post(reverse("admin:comments_comment_undo"), {"undo": token})

    assert "Approved by mistake" not in read_after_change(stack, "/sleep-and-health/")[2]
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING and pending.moderated_by is None


def test_the_front_page_counts_comments_and_reviews_at_once(
    stack, article, make_comment, make_reviewer
):
    pending = make_comment(article, status=Comment.Status.PENDING)
    assert "No comments yet" in cached_page(stack, "/")
    pending.approve()
    assert "1 comment<" in read_after_change(stack, "/")[2]
    assert "Medically reviewed" not in cached_page(stack, "/")
    approve = MedicalReview.Decision.APPROVE
    MedicalReview.sign(article.published_version, make_reviewer(), approve, credentials="MD")
    assert "Medically reviewed" in read_after_change(stack, "/")[2]


def test_deleted_comments_disappear_at_once(stack, article, make_comment):
    by_author = make_comment(article, body="Deleted by its author")
    in_admin = make_comment(article, body="Deleted in the admin")
    cached_page(stack, "/sleep-and-health/")
    delete_own_comment(by_author)
    assert "Deleted by its author" not in read_after_change(stack, "/sleep-and-health/")[2]
    cached_page(stack, "/sleep-and-health/")
    Comment.objects.filter(pk=in_admin.pk).delete()  # the admin's bulk delete
    assert "Deleted in the admin" not in read_after_change(stack, "/sleep-and-health/")[2]


def test_closing_comments_and_an_erasure_show_at_once(stack, article, make_comment):
    make_comment(article, name="Erin Erased", email="erin@example.org")
    assert "Leave a Reply" in cached_page(stack, "/sleep-and-health/")
    article.comments_open = False
    article.save(update_fields=["comments_open"])
    page = read_after_change(stack, "/sleep-and-health/")[2]
    assert "Comments are closed." in page and "Erin Erased" in page
    cached_page(stack, "/sleep-and-health/")
    erase_commenter_data("erin@example.org")
    assert "Erin Erased" not in read_after_change(stack, "/sleep-and-health/")[2]


def test_a_new_slug_moves_the_page_at_once(stack, article):
    cached_page(stack, "/sleep-and-health/")
    cached_page(stack, "/")
    article.slug = "sleep-matters"
    article.save()
    assert read_after_change(stack, "/sleep-and-health/")[0] == 404
    assert BODY in read_after_change(stack, "/sleep-matters/")[2]
    assert "/sleep-matters/" in read_after_change(stack, "/")[2]


def test_an_unpublished_or_deleted_article_is_gone_at_once(stack, article, make_article):
    other = make_article(slug="soon-deleted")
    cached_page(stack, "/sleep-and-health/")
    cached_page(stack, "/soon-deleted/")
    article.unpublish()
    Article.objects.filter(pk=other.pk).delete()
    assert read_after_change(stack, "/sleep-and-health/")[0] == 404
    assert read_after_change(stack, "/soon-deleted/")[0] == 404


def test_a_missing_article_takes_no_place_in_the_cache(stack, db):
    assert read_after_change(stack, "/not-yet-written/")[0] == 404
    article = Article.objects.create(slug="not-yet-written")
    article.publish(article.add_version(title="Now written", summary="S", body="B"))
    assert "Now written" in read_after_change(stack, "/not-yet-written/")[2]


def test_purging_everything_after_new_static_files(stack, article):
    cached_page(stack, "/sleep-and-health/")
    cached_page(stack, "/privacy/")
    call_command("purge_http_cache")  # not soft: the old pages may name static files gone
    assert read(stack, "/sleep-and-health/")[1]["X-Cache"] == "miss"
    assert read(stack, "/privacy/")[1]["X-Cache"] == "miss"


def test_a_comment_posted_through_the_cache_reaches_django(stack, article):
    page = cached_page(stack, "/sleep-and-health/")
    assert 'id="commentform"' in page
    fields = "body=Through+the+cache&name=Cara&email=cara%40example.org&token="
    status, headers, _ = get(
        stack.cache_port,
        "/sleep-and-health/comments/",
        method="POST",
        body=fields,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{stack.cache_port}",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    assert status == 303
    assert Comment.objects.get(body="Through the cache").status == Comment.Status.PENDING
    # A cross-site post through the cache is refused by Django, with the text shown back.
    status, _, page = get(
        stack.cache_port,
        "/sleep-and-health/comments/",
        method="POST",
        body=fields.replace("Through", "Forged"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example",
            "Sec-Fetch-Site": "cross-site",
        },
    )
    assert status == 403 and "Forged the cache" in page


def test_only_the_app_servers_may_purge(stack, article):
    cached_page(stack, "/sleep-and-health/")
    # 127.0.0.2 is this machine too, but not an app server's address (acl purgers).
    with socket.create_connection(
        ("127.0.0.1", stack.cache_port), timeout=5, source_address=("127.0.0.2", 0)
    ) as outsider:
        outsider.sendall(b"PURGE / HTTP/1.1\r\nHost: x\r\nxkey-purge: site\r\n\r\n")
        assert outsider.recv(200).startswith(b"HTTP/1.1 403")
    assert read_after_change(stack, "/sleep-and-health/")[1]["X-Cache"] == "hit"


def test_a_purge_that_fails_is_logged_and_the_change_stands(settings, article, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.HTTP_CACHE_NODES = [f"http://127.0.0.1:{closed.getsockname()[1]}"]
        with caplog.at_level(logging.WARNING, logger="cms.caching"):
            article.publish(article.add_version(title="Still published", summary="S", body="B"))
    article.refresh_from_db()
    assert article.published_version.title == "Still published"
    assert "Could not purge" in caplog.text


def test_pages_go_out_gzipped_to_browsers_that_accept_it(stack, article):
    import gzip
    import http.client

    plain = cached_page(stack, "/sleep-and-health/")
    connection = http.client.HTTPConnection("127.0.0.1", stack.cache_port, timeout=30)
    try:
        connection.request("GET", "/sleep-and-health/", headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("X-Cache") == "hit"
    assert gzip.decompress(body).decode() == plain
    assert len(body) < len(plain.encode()) / 2


def test_a_comment_whose_answer_never_came_is_not_posted_twice(stack, article):
    """The app servers stall (stopped), the reader's browser gives up waiting, the comment
    is saved when they resume: sending it again shows that comment, it is not saved twice
    (comments/resubmission.py; without the script, keyed by the reader's address as the
    app reads it through the cache)."""
    fields = "body=Said+once&name=Cara&email=cara%40example.org&token="
    path = "/sleep-and-health/comments/"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{stack.cache_port}",
        "Sec-Fetch-Site": "same-origin",
    }
    (app_server,) = [process for name, process, _ in stack.processes if name.startswith("gunicorn")]
    os.killpg(app_server.pid, signal.SIGSTOP)
    try:
        with pytest.raises(TimeoutError):
            get(stack.cache_port, path, headers, method="POST", body=fields, timeout=1)
    finally:
        os.killpg(app_server.pid, signal.SIGCONT)
    deadline = time.monotonic() + 20
    while not Comment.objects.filter(body="Said once").exists():
        assert time.monotonic() < deadline, "the first post was never saved"
        time.sleep(0.1)

    status, answer, _ = get(stack.cache_port, path, headers, method="POST", body=fields)
    comment = Comment.objects.get(body="Said once")
    assert status == 303
    assert answer["Location"].endswith(f"/sleep-and-health/#comment-{comment.pk}")


# --- One cached copy per real page (deploy/varnish/query_parameters.vcl) -----------------


def cache_counters(stack):
    """Varnish's count of objects in the cache and of requests it sent to the app servers."""
    varnishstat = shutil.which("varnishstat", path=f"{os.environ.get('PATH', '')}:/usr/bin")
    output = subprocess.run(
        [varnishstat, "-n", str(stack.workdir / "varnish"), "-1",
         "-f", "MAIN.n_object", "-f", "MAIN.backend_req"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    counters = dict(line.split()[:2] for line in output.splitlines() if line.strip())
    return int(counters["MAIN.n_object"]), int(counters["MAIN.backend_req"])


def test_a_thousand_random_query_strings_add_a_handful_of_objects(stack, article, make_comment):
    answered = make_comment(article, name="Hal")
    page = cached_page(stack, "/sleep-and-health/")
    reply_page = cached_page(stack, f"/sleep-and-health/?replyto={answered.pk}")
    assert "Reply to Hal<" in reply_page and "Reply to Hal<" not in page
    objects, to_django = cache_counters(stack)
    randomness = random.Random(25)

    def token():
        return "".join(randomness.choices(string.ascii_letters + string.digits, k=8))

    kinds = [
        lambda: f"{token()}={token()}",  # a parameter no page reads
        lambda: f"utm_source={token()}&fbclid={token()}",  # campaign tags
        lambda: f"cpage={token()}",  # not a page number
        lambda: f"cpage={randomness.randint(2, 10**9)}",  # past the last page
        lambda: f"replyto={randomness.randint(10**6, 10**12)}",  # no such comment
    ]
    answers = collections.Counter()
    connection = http.client.HTTPConnection("127.0.0.1", stack.cache_port, timeout=30)
    try:
        for number in range(1000):
            connection.request("GET", f"/sleep-and-health/?{kinds[number % 5]()}&{token()}=1")
            response = connection.getresponse()
            body = response.read().decode()
            if response.status == 200:
                assert body == page
            else:
                assert response.getheader("Location") == "/sleep-and-health/"
            answers[response.status] += 1
    finally:
        connection.close()
    assert answers == {200: 400, 301: 600}
    # A redirect is passed on with a TTL of 0 (query_parameters.vcl): gone once Varnish's
    # expiry thread has seen it, a moment later on a loaded machine.
    deadline = time.monotonic() + 20
    while (more := cache_counters(stack))[0] - objects > 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    more_objects, more_to_django = more
    assert more_objects - objects <= 5
    # Unknown parameters and campaign tags never reach Django; values it must judge do,
    # and cost it a redirect, not a page.
    assert more_to_django - to_django <= 600
    status, headers, _ = read(stack, f"/sleep-and-health/?replyto={answered.pk}&x=1")
    assert status == 200 and headers["X-Cache"] == "hit"  # one object per real comment
