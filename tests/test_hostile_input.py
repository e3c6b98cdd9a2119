"""What a hostile or clumsy request gets: a 4xx or a normal page, never a 500, and the
reader's text kept with a message that says what happened."""

import copy
import socket
import threading

import pytest
from django.db import connections
from django.test import Client

from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    """A client that lets the site answer as it would in production: errors become pages."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("replyto", ["%C2%B2", "①", "⁹", "٣", "99999999999999999999999", "-1"])
def test_odd_digits_in_replyto_lead_to_the_page(reader, article, make_comment, replyto):
    make_comment(article, body="A comment")
    response = reader.get(f"{article.get_absolute_url()}?replyto={replyto}", follow=True)
    assert response.redirect_chain == [(article.get_absolute_url(), 301)]
    assert response.status_code == 200
    assert "Leave a Reply" in response.content.decode()


@pytest.mark.parametrize("cpage", ["99999999999999999999", "9" * 5000, "٣", "-4", "x"])
def test_any_comment_page_number_leads_to_a_page(
    reader, article, make_comment, comment_post, cpage
):
    make_comment(article, body="A comment")
    reader.cookies["cms_comment_author"] = "anything"  # a reader whose page is their own
    response = reader.get(article.get_absolute_url(), {"cpage": cpage}, follow=True)
    assert response.redirect_chain == [(article.get_absolute_url(), 301)]
    assert "A comment" in response.content.decode()
    posted = reader.post(f"/{article.slug}/comments/?cpage={cpage}", {"body": "No name"})
    assert posted.status_code == 200
    assert "Please enter your name." in posted.content.decode()


@pytest.mark.parametrize("path", ["/%00/", "/2019/04/02/%00/", "/sleep%00/"])
def test_a_nul_in_the_address_is_not_found(reader, article, path):
    assert reader.get(path).status_code == 404


@pytest.mark.parametrize("query", ["%00", "sleep%00health", "%01%02"])
def test_search_with_control_characters_is_a_normal_page(reader, article, query):
    response = reader.get(f"/search/?q={query}")
    assert response.status_code == 200


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "no-such-charset", "utf-32"])
def test_a_form_posted_in_another_charset_is_refused_with_a_page_that_says_why(
    reader, article, charset
):
    reader.get(article.get_absolute_url())  # the csrftoken cookie, as a browser has it
    response = reader.generic(
        "POST",
        f"/{article.slug}/comments/",
        "body=Hello&name=Ann&email=ann%40example.org".encode(charset, errors="ignore")
        if charset != "no-such-charset"
        else b"body=Hello",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "encoding other than UTF-8" in page
    assert "Leave a Reply" not in page and "<footer" in page  # the site's own page
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not Comment.objects.exists()


def test_a_utf8_form_is_still_read(client, article, comment_post):
    response = client.post(
        f"/{article.slug}/comments/",
        "body=Caf%C3%A9&name=Ann&email=ann%40example.org",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code in (200, 303)
    assert Comment.objects.get().body == "Café"


@pytest.mark.parametrize("replyto", ["abc", "1.5", "1 OR 1=1", "²"])
def test_a_damaged_replyto_is_dropped_with_a_message_and_the_text_kept(
    client, article, comment_post, replyto
):
    response = comment_post(article, body="My careful words", replyto=replyto)
    page = response.content.decode()
    assert response.status_code == 200
    assert "My careful words" in page
    assert "The link you used to reply was damaged" in page
    assert f'value="{replyto}"' not in page
    assert 'name="replyto" value=' not in page  # the hidden field is empty now
    assert not Comment.objects.exists()
    # Sent again as it now stands, it is posted as a new comment.
    assert comment_post(article, body="My careful words", replyto="").status_code == 303
    assert Comment.objects.get().parent is None


@pytest.mark.parametrize("path", ["moderate/approve/", "moderate/spam/", "reply/"])
def test_admin_posts_about_a_comment_id_that_is_not_a_number_are_404(moderator_client, path):
    moderator_client.raise_request_exception = False
    response = moderator_client.post(f"/admin/comments/comment/abc/{path}", {"body": "Hi"})
    assert response.status_code == 404


def test_static_files_carry_the_security_headers(settings):
    # whitenoise serves the files from the source folders, as in development.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_post_to_closed_comments_says_why_and_gives_the_text_back(
    client, make_article, comment_post
):
    closed = make_article(comments_open=False)
    response = comment_post(closed, body="Words I would hate to lose")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Comments are closed on this article, so your comment was not saved." in page
    assert "Words I would hate to lose" in page
    assert "<footer" in page  # the site's page, not a bare refusal
    assert not Comment.objects.exists()


def test_a_post_over_the_size_limit_gets_the_sites_page_saying_why(reader, article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = reader.post(
        f"/{article.slug}/comments/",
        {"body": "x" * 20_000, "name": "Ann", "email": "ann@example.org"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "larger than the 9 KB we accept" in page
    assert "<footer" in page
    assert not Comment.objects.exists()


def _database_unreachable():
    """Settings of the default database pointing nowhere: a closed port, a missing folder."""
    broken = copy.deepcopy(connections.settings["default"])
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = "/nonexistent-folder/for-this-test/db.sqlite3"
    else:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            broken["HOST"], broken["PORT"] = "127.0.0.1", probe.getsockname()[1]
    return broken


def test_with_the_database_down_a_post_says_so_and_gives_the_text_back(article, comment_post):
    """The post runs in a thread of its own, whose connection goes to a database that is
    not there; the test's own connection is left alone."""
    working = connections.settings["default"]
    answers = []

    def post():
        try:
            answers.append(comment_post(article, body="Typed while the database was down"))
        finally:
            connections["default"].close()

    connections.settings["default"] = _database_unreachable()
    try:
        thread = threading.Thread(target=post)
        thread.start()
        thread.join(timeout=30)
    finally:
        connections.settings["default"] = working
    (response,) = answers
    page = response.content.decode()
    assert response.status_code == 503
    assert "We could not reach our database" in page
    assert "Typed while the database was down" in page
