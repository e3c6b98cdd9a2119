"""The reader's address behind any chain of proxies (cms/addresses.py, TRUSTED_PROXIES).

The unit tests read requests as Django gets them; the last two go through the real
Varnish and gunicorn, as readers reach them: straight to Varnish, and through a load
balancer (127.0.0.3 on this machine) that appends the reader's address.
"""

import socket

import pytest
from django.test import RequestFactory

from cms.addresses import client_address, normalise_address
from comments.models import Comment
from deploy.stack import Stack
from tests.caches import app_server_environment, varnish_or_skip


def address_of(settings, remote, forwarded=None, *, trusted=("127.0.0.0/8", "::1")):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = list(trusted)
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_behind_a_balancer_the_reader_is_the_right_most_untrusted_entry(settings):
    # reader -> balancer (10.0.0.2) -> Varnish (10.0.0.11) -> gunicorn
    trusted = ["10.0.0.0/24"]
    assert address_of(settings, "10.0.0.11", "203.0.113.7, 10.0.0.2", trusted=trusted) == (
        "203.0.113.7"
    )
    # What the reader sends on the left is never believed.
    forged = "198.51.100.1, 203.0.113.7, 10.0.0.2"
    assert address_of(settings, "10.0.0.11", forged, trusted=trusted) == "203.0.113.7"


def test_without_a_balancer_the_reader_is_the_address_varnish_appended(settings):
    assert address_of(settings, "127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"


def test_a_request_from_an_untrusted_address_keeps_its_own_address(settings):
    assert address_of(settings, "203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "127.0.0.1"


def test_ipv4_mapped_ipv6_addresses_are_their_ipv4_address(settings):
    assert address_of(settings, "::ffff:127.0.0.1", "::ffff:10.9.8.7") == "10.9.8.7"
    assert normalise_address("[2001:DB8::1]") == "2001:db8::1"
    assert normalise_address("::ffff:10.9.8.7") == "10.9.8.7"


def test_an_unparsable_entry_is_never_the_readers_address(settings):
    assert address_of(settings, "127.0.0.1", "evil, 127.0.0.5") == "127.0.0.5"
    assert address_of(settings, "127.0.0.1", "203.0.113.9, <script>") == "127.0.0.1"
    assert address_of(settings, "127.0.0.1", "") == "127.0.0.1"
    assert address_of(settings, "not-an-address", "203.0.113.9") is None


# Through the real Varnish and gunicorn.

BALANCER = "127.0.0.3"  # stands for the load balancer in front of Varnish
READERS_MACHINE = "127.0.0.4"  # a reader reaching Varnish itself


@pytest.fixture(scope="module")
def proxied_stack(django_db_setup, django_db_blocker, tmp_path_factory):
    varnish_or_skip()
    workdir = tmp_path_factory.mktemp("proxied")
    environment = app_server_environment(
        workdir,
        COMMENTS_MIN_SECONDS="0",
        COMMENTS_RATE_LIMIT="2",
        COMMENTS_RATE_PERIOD="3600",
        # Varnish connects from 127.0.0.1; the balancer is 127.0.0.3.
        TRUSTED_PROXIES=f"127.0.0.1,{BALANCER}",
        REDIS_URL=None,  # one worker process: its memory holds the limits
    )
    with django_db_blocker.unblock(), Stack(environment, workdir) as stack:
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        stack.start_app_server(workers=1)
        stack.start_cache()
        yield stack


def post_comment(stack, slug, body, *, source, forwarded=None):
    """POST a comment to Varnish from the address ``source``; the answer's status."""
    form = f"body={body}&name=Cara&email=cara%40example.org&token=".encode()
    headers = [
        f"POST /{slug}/comments/ HTTP/1.1",
        f"Host: 127.0.0.1:{stack.cache_port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(form)}",
        f"Origin: http://127.0.0.1:{stack.cache_port}",
        "Sec-Fetch-Site: same-origin",
        "Connection: close",
    ]
    if forwarded:
        headers.append(f"X-Forwarded-For: {forwarded}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode() + form
    with socket.create_connection(
        ("127.0.0.1", stack.cache_port), timeout=30, source_address=(source, 0)
    ) as connection:
        connection.sendall(request)
        status_line = connection.recv(100).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


@pytest.mark.cache
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readers_behind_a_balancer_are_told_apart_through_varnish(proxied_stack, make_article):
    make_article(slug="through-a-balancer")
    statuses = [
        post_comment(
            proxied_stack,
            "through-a-balancer",
            f"Reader+{number}",
            source=BALANCER,
            forwarded=f"203.0.113.{number}",
        )
        for number in range(1, 6)
    ]
    assert statuses == [303] * 5  # five readers, one balancer: no one is limited
    stored = dict(Comment.objects.values_list("body", "ip_address"))
    assert stored == {f"Reader {number}": f"203.0.113.{number}" for number in range(1, 6)}
    # Each reader still has their own limit (2 an hour here).
    again = [
        post_comment(
            proxied_stack,
            "through-a-balancer",
            f"Again+{n}",
            source=BALANCER,
            forwarded="203.0.113.1",
        )
        for n in range(2)
    ]
    assert again == [303, 429]


@pytest.mark.cache
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_reaching_varnish_cannot_choose_their_address(proxied_stack, make_article):
    make_article(slug="straight-to-varnish")
    statuses = [
        post_comment(
            proxied_stack,
            "straight-to-varnish",
            f"Forged+{number}",
            source=READERS_MACHINE,
            forwarded=f"198.51.100.{number}",
        )
        for number in range(1, 4)
    ]
    assert statuses == [303, 303, 429]
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {READERS_MACHINE}
