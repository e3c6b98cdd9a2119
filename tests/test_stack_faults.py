"""The stack survives its parts, through the real servers (deploy/stack.py, as `make serve`
runs them): Varnish with deploy/varnish/default.vcl in front of gunicorn, the mail worker,
and Redis closed (REDIS_URL names a port nobody listens on) for the whole module.

- /healthz stays 200 with Redis down, and overlapping probes never see 503 (issue 24, 4).
- A killed gunicorn or worker is started again, Varnish never stops; while gunicorn is
  down readers get the last good copy, a comment post gets the site's own refusal page,
  and once it is back pages are fresh again (issue 24, 5).
- Varnish refuses what is too large or too long with the site's pages, refuses TRACE, and
  keys the cache on one spelling of the host (issue 24, 11).
"""

import concurrent.futures
import os
import re
import signal
import socket
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from deploy.stack import Stack, get
from tests.caches import (
    app_server_environment,
    closed_port,
    varnish_or_skip,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.cache]

BODY = "Sleep restores the body."
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    varnish_or_skip()
    workdir = tmp_path_factory.mktemp("faults")
    environment = app_server_environment(
        workdir,
        WEB_CONCURRENCY="2",
        # Redis is down for the whole module: the stack must start and serve without it.
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
        # Pages go stale within seconds, so that grace (or its absence) shows.
        PAGE_CACHE_SECONDS="2",
    )
    with django_db_blocker.unblock(), Stack(environment, workdir) as stack:
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        stack.start_app_server()
        stack.start_cache()
        stack.start_worker()
        yield stack


@pytest.fixture
def article(make_article):
    return make_article(slug="sleep-and-health", body=BODY)


def read(stack, path, **headers):
    return get(stack.cache_port, path, headers=headers)


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def answers(stack, path="/healthz"):
    try:
        return get(stack.app_ports[0], path, timeout=5)[0] == 200
    except OSError:
        return False


def revive(stack, name):
    """Let the stack's supervisor start ``name`` again (its first back-off is a second)."""
    assert wait_until(lambda: name in stack.revive(), 10), f"{name} was not started again"


def test_healthz_stays_200_without_redis_and_under_overlapping_probes(stack):
    # The stack started with Redis closed, which `make serve` could not do before.
    with concurrent.futures.ThreadPoolExecutor(4) as probes:
        statuses = list(probes.map(lambda _: get(stack.app_ports[0], "/healthz")[0], range(100)))
    assert statuses == [200] * 100
    status, _, body = get(stack.app_ports[0], "/healthz/status")
    assert status == 200
    assert '"cache": {"state": "degraded"' in body


def test_gunicorn_killed_readers_get_the_last_good_copy_and_posts_the_sites_refusal(stack, article):
    assert read(stack, "/sleep-and-health/")[0] == 200
    gunicorn = f"gunicorn-{stack.app_ports[0]}"
    os.killpg(stack.process(gunicorn).pid, signal.SIGKILL)
    time.sleep(2.5)  # the copy is past its s-maxage: only grace can serve it now

    status, headers, page = read(stack, "/sleep-and-health/")
    assert (status, headers["X-Cache"]) == (200, "grace")  # a stale copy, kept by grace
    assert BODY in page

    status, headers, page = get(
        stack.cache_port,
        "/sleep-and-health/comments/",
        method="POST",
        body="name=Ada&email=ada%40example.org&body=Kept+text",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 503, (headers, page)
    assert "Your comment may not have been saved" in page
    assert "do not send it again straight away" in page
    assert 'href="/sleep-and-health/"' in page  # the way to check whether it was saved
    assert "your text is still in the form" not in page

    status, _, page = read(stack, "/no-such-page-ever-cached/")
    assert status == 503 and "Back in a moment" in page
    # The load balancer keeps this cache node: it still has pages to give.
    assert read(stack, "/healthz/cache")[0] == 200

    revive(stack, gunicorn)
    assert wait_until(lambda: answers(stack))
    # Healthy again: an expired page is fetched anew, never served stale.
    time.sleep(2.5)
    assert wait_until(lambda: read(stack, "/sleep-and-health/")[1]["X-Cache"] == "miss", 10)


def test_a_killed_worker_is_started_again_and_varnish_never_stops(stack, article):
    varnish = stack.process("varnish")
    worker = stack.process("worker")
    with stack.supervise():
        worker.send_signal(signal.SIGKILL)
        assert wait_until(lambda: stack.process("worker").pid != worker.pid, 10)
        assert read(stack, "/sleep-and-health/")[0] == 200
    assert stack.process("worker").poll() is None
    assert stack.process("varnish") is varnish and varnish.poll() is None


def raw_request(stack, head):
    """Send a request head as it is (bodies too large to send), read the answer."""
    with socket.create_connection(("127.0.0.1", stack.cache_port), timeout=10) as connection:
        connection.sendall(head.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            if b"</html>" in answer:
                break
    status = int(answer.split(b" ", 2)[1])
    return status, answer.decode(errors="replace")


def test_varnish_refuses_what_is_too_long_or_too_large_with_the_sites_pages(stack):
    status, _, page = read(stack, "/search/?q=" + "a" * 19_000)
    assert status == 414 and "That address is too long" in page
    assert "Back to the articles" in page  # the site's page, not Varnish's

    status, _, page = read(stack, "/", Cookie="c=" + "x" * 5000)
    assert status == 431 and "cookies" in page

    status, page = raw_request(
        stack,
        "POST /sleep-and-health/comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {6 * 1024 * 1024}\r\n\r\n",
    )
    assert status == 413
    assert "too large" in page and 'href="/sleep-and-health/"' in page

    status, _ = raw_request(stack, "TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status == 405


def test_the_body_limit_in_the_vcl_is_djangos():
    [limit] = re.findall(r"Content-Length, fallback = 0\) > (\d+)", VCL.read_text())
    assert int(limit) == django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_every_spelling_of_the_host_shares_one_cached_page(stack, article):
    assert read(stack, "/sleep-and-health/", Host="127.0.0.1")[0] == 200
    for spelling in ("127.0.0.1.", "127.0.0.1:8000", "127.0.0.1.:80"):
        status, headers, _ = read(stack, "/sleep-and-health/", Host=spelling)
        assert (status, headers["X-Cache"]) == (200, "hit"), spelling


def test_a_part_that_keeps_dying_waits_longer_each_time_and_alone(tmp_path):
    with Stack({**os.environ}, tmp_path) as stack:
        stack._start("steady", ["sleep", "60"])
        stack._start("flaky", ["false"])
        stack.process("flaky").wait()
        started = []
        clock = 0.0
        for _ in range(4):
            # Step a pretend clock until the flaky part is started again.
            while "flaky" not in stack.revive(now=clock):
                clock += 0.25
                assert clock < 60
            started.append(clock)
            stack.process("flaky").wait()
        waits = [later - earlier for earlier, later in zip(started, started[1:], strict=False)]
        assert waits == [2.0, 4.0, 8.0]  # 1 s, doubling while it keeps dying
        assert stack.process("steady").poll() is None  # never stopped for the other
        assert stack.restarts == {"flaky": 4}
