"""With Redis unreachable (a closed port) or hanging (a socket that never answers), a
comment is still posted and saved and the admin sign-in still works: the rate limits
fail open with a warning in the log, and /healthz keeps saying 503 for the cache.
Also: the sign-in limit counts atomically, so parallel guesses never get past it."""

import socket
import threading
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import signing
from django.db import connection
from django.test import Client

from comments.models import Comment
from comments.readers import OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def closed_port_redis():
    return f"redis://127.0.0.1:{_closed_port()}/0"


@pytest.fixture
def hanging_redis():
    """A socket that accepts connections (the kernel completes them) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.fixture(params=["closed_port_redis", "hanging_redis"])
def cut_off_redis(request, settings):
    """Call it to switch to the production cache setup (cms/settings.py with REDIS_URL)
    pointed at a Redis that is not there or does not answer."""
    location = request.getfixturevalue(request.param)

    def cut_off():
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": location,
                "OPTIONS": {
                    "IGNORE_EXCEPTIONS": True,
                    "SOCKET_CONNECT_TIMEOUT": 0.5,
                    "SOCKET_TIMEOUT": 0.5,
                },
            },
        }

    return cut_off


def test_pages_render_from_the_database_without_redis(
    cut_off_redis, article, make_comment, settings
):
    from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT

    make_comment(article, body="Still readable")
    cut_off_redis()
    saved_details = Client()
    details = {"name": "Sam", "email": "sam@example.org", "website": ""}
    saved_details.cookies[AUTHOR_COOKIE] = signing.dumps(details, salt=AUTHOR_SALT, compress=True)
    for reader in (Client(), saved_details):
        response = reader.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Still readable" in response.content.decode()


def test_a_comment_is_posted_and_saved_without_redis(
    cut_off_redis, client, article, comment_post, caplog
):
    cut_off_redis()
    started = time.monotonic()
    response = comment_post(article, body="Saved despite the cache")
    assert response.status_code == 303
    assert Comment.objects.get().body == "Saved despite the cache"
    assert "the comment rate limit is not applied" in caplog.text
    assert time.monotonic() - started < 10


# Committed for real; serialized_rollback: the flush after this test must not leave later
# tests without the groups and content types that migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_trusted_comment_published_at_once_is_saved_without_redis(
    cut_off_redis, client, article, make_comment, comment_post, caplog
):
    """Committed for real: a published comment expires the cached pages after the commit."""
    earlier = make_comment(article, email="known@example.org")
    cut_off_redis()
    client.cookies[OWN_COMMENTS_COOKIE] = signing.dumps([earlier.pk], salt=OWN_COMMENTS_SALT)
    response = comment_post(article, email="known@example.org", body="Published, no cache")
    assert response.status_code == 303
    comment = Comment.objects.get(body="Published, no cache")
    assert comment.status == Comment.Status.APPROVED


@pytest.fixture
def staff_password(django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", "the-right-password-1")
    return "the-right-password-1"


def test_the_admin_sign_in_works_without_redis(cut_off_redis, client, staff_password, caplog):
    cut_off_redis()
    wrong = client.post("/admin/login/", {"username": "root", "password": "guess"})
    assert wrong.status_code == 200
    assert "Please enter the correct username and password" in wrong.content.decode()
    right = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": staff_password}
    )
    assert right.status_code == 302
    assert "the admin sign-in limit is not applied" in caplog.text


def test_healthz_stays_up_and_the_status_report_names_the_cache_down(cut_off_redis, client, db):
    cut_off_redis()
    # Pages are served without Redis, so a load balancer must keep this app server.
    assert client.get("/healthz").status_code == 200
    report = client.get("/healthz/status")
    assert report.status_code == 200
    assert report.json()["status"] == "degraded"
    assert report.json()["parts"]["cache"]["state"] == "degraded"
    assert "cache" in report.json()["degraded"]


class QuickPBKDF2Hasher(PBKDF2PasswordHasher):
    """A real, deliberately slow password check, quicker than production's for the suite."""

    iterations = 30_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(settings, django_user_model):
    settings.PASSWORD_HASHERS = [f"{__name__}.QuickPBKDF2Hasher"]
    settings.ADMIN_LOGIN_FAILURE_LIMIT = 5
    django_user_model.objects.create_superuser("root", "root@example.org", "the-right-password-1")
    attempts = 60
    start = threading.Barrier(attempts)
    answers = []

    def guess(number):
        client = Client()
        start.wait()
        try:
            page = client.post("/admin/login/", {"username": "root", "password": f"guess-{number}"})
            answers.append(page.content.decode())
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = sum("Please enter the correct username and password" in page for page in answers)
    refused = sum("Too many failed sign-in attempts" in page for page in answers)
    assert (checked, refused) == (5, attempts - 5)
