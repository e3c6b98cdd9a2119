"""Readers with this site's cookies, through the real Varnish: the shared cached page, with
their own part (comments/reader_part.py) put in by Varnish's ESI.

A returning commenter, a reader with a comment awaiting moderation, a signed-in editor:
each gets the article page from the cache, with what only they may see, and nobody
else ever sees it. A forged cookie costs one render of that small part, never a page.
"""

import http.client
import urllib.parse

import pytest
from django.core import signing

from comments.models import Comment
from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT
from deploy.stack import get

from .caches import cached_page, purges_reach, read, read_after_change, varnish_stack

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.cache]

ARTICLE = "/sleep-and-health/"


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from varnish_stack(django_db_blocker, tmp_path_factory)


@pytest.fixture(autouse=True)
def _purges_reach_the_cache(settings, stack):
    purges_reach(settings, stack)


@pytest.fixture
def article(make_article):
    return make_article(slug="sleep-and-health", body="Sleep restores the body.")


def saved_details(name, email):
    details = {"name": name, "email": email, "website": ""}
    return f"{AUTHOR_COOKIE}={signing.dumps(details, salt=AUTHOR_SALT, compress=True)}"


def post_comment(stack, body, cookie=None):
    """Post a comment through the cache as a browser does; the cookies it sets, as one
    Cookie header."""
    fields = {"body": body, "name": "Pat Poster", "email": "pat@example.org", "token": ""}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{stack.cache_port}",
        "Sec-Fetch-Site": "same-origin",
    }
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection("127.0.0.1", stack.cache_port, timeout=30)
    try:
        connection.request("POST", f"{ARTICLE}comments/", urllib.parse.urlencode(fields), headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 303
    return "; ".join(value.split(";")[0] for value in response.msg.get_all("Set-Cookie"))


def test_saved_details_come_with_the_cached_page_and_to_nobody_else(stack, article):
    anonymous = cached_page(stack, ARTICLE)
    sam = saved_details("Saved Sam", "sam@example.org")
    page = cached_page(stack, ARTICLE, cookie=sam)  # the second read a hit, with the include
    status, headers, page = read(stack, ARTICLE, cookie=sam)
    assert headers["X-Cache"] == "hit"
    assert 'value="sam@example.org"' in page and 'value="Saved Sam"' in page
    assert "Sleep restores the body." in page and "esi:include" not in page
    assert headers["Cache-Control"] == "private, no-store"  # assembled for Sam alone
    assert "ETag" not in headers and "Set-Cookie" not in headers
    # Another returning reader gets the same shared page with their own details.
    other = read(stack, ARTICLE, cookie=saved_details("Other Olga", "olga@example.org"))[2]
    assert 'value="olga@example.org"' in other and "sam@example.org" not in other
    # Readers without the cookie: the very same bytes as before Sam came, and no include.
    status, headers, again = read(stack, ARTICLE)
    assert again == anonymous and headers["X-Cache"] == "hit"
    assert "sam@example.org" not in again and "esi:include" not in again


def test_a_pending_comment_and_the_message_come_with_the_cached_page(stack, article):
    sam = saved_details("Saved Sam", "sam@example.org")
    cached_page(stack, ARTICLE, cookie=sam)  # the shared page with the include is cached
    cookies = post_comment(stack, "My words wait for a moderator.")
    assert "messages=" in cookies and "cms_own_comments=" in cookies
    status, headers, page = read(stack, ARTICLE, cookie=cookies)
    assert headers["X-Cache"] == "hit"
    assert "Thank you: your comment is awaiting moderation." in page
    comment = Comment.objects.get(body="My words wait for a moderator.")
    assert f'id="comment-{comment.pk}"' in page and "your comment is awaiting moderation." in page
    assert f'href="/comments/{comment.pk}/edit/"' in page
    # Shown once: the browser is told to forget the message, as Django would tell it.
    assert headers["Set-Cookie"].startswith("messages=;")
    own = "; ".join(part for part in cookies.split("; ") if not part.startswith("messages="))
    page = read(stack, ARTICLE, cookie=own)[2]
    assert "My words wait for a moderator." in page and "Thank you:" not in page
    for other in (None, sam):
        page = read(stack, ARTICLE, cookie=other)[2]
        assert "My words wait" not in page and "awaiting moderation" not in page


def test_a_forged_cookie_gets_the_shared_page_and_costs_one_small_render(stack, article):
    forged = "sessionid=forged; messages=forged; cms_own_comments=forged"
    page = read(stack, ARTICLE, cookie=forged)[2]
    assert 'id="commentform"' in page and "Sleep restores the body." in page
    assert 'value="' not in page.split('id="commentform"')[1].split("id_token")[0]
    # The reader's part of that cookie is rendered once, then kept for it.
    part = f"/comments/you/{article.pk}/"
    assert read(stack, part, cookie=forged)[1]["X-Cache"] == "hit"
    assert read(stack, part, cookie=forged + "2")[1]["X-Cache"] == "miss"


def test_a_clients_claim_to_assemble_pages_is_ignored(stack, article):
    anonymous = cached_page(stack, ARTICLE)
    claim = {"Surrogate-Capability": 'varnish="ESI/1.0"'}
    status, headers, page = get(stack.cache_port, ARTICLE, headers=claim)
    assert headers["X-Cache"] == "hit" and page == anonymous


def test_a_signed_in_editor_gets_their_links_and_readers_do_not(stack, article, editor_client):
    session = f"sessionid={editor_client.cookies['sessionid'].value}"
    page = read(stack, ARTICLE, cookie=session)[2]
    assert f'href="/admin/articles/article/{article.pk}/change/"' in page
    assert "Edit this article" not in read(stack, ARTICLE)[2]
    sam = read(stack, ARTICLE, cookie=saved_details("Saved Sam", "sam@example.org"))[2]
    assert "Edit this article" not in sam


def test_a_purge_is_soft_and_the_approved_comment_shows_within_a_second(
    stack, article, make_comment
):
    cookies = post_comment(stack, "Soon approved.")
    own = "; ".join(part for part in cookies.split("; ") if not part.startswith("messages="))
    assert "Your comment is awaiting moderation." in cached_page(stack, ARTICLE, cookie=own)
    assert "Soon approved." not in cached_page(stack, ARTICLE)
    Comment.objects.get(body="Soon approved.").approve()
    # The reader who comes while the new copy renders gets the old one at once ...
    status, headers, page = read(stack, ARTICLE)
    assert status == 200 and headers["X-Cache"] == "grace" and "Soon approved." not in page
    # ... and the new copy is there within a second, for every reader.
    assert "Soon approved." in read_after_change(stack, ARTICLE)[2]
    page = read_after_change(stack, ARTICLE, cookie=own)[2]
    assert "Soon approved." in page and "awaiting moderation" not in page
