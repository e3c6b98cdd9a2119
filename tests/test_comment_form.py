"""What a reader gets from the "Leave a Reply" form."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment


def test_article_page_has_the_leave_a_reply_form(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Leave a Reply" in page
    assert "Your email address will not be published." in page
    assert "Required fields are marked" in page
    for label in ("Comment", "Name", "Email", "Website"):
        assert re.search(rf"<label[^>]*>\s*{label}(<span|\s*</label>)", page)
    assert 'name="body"' in page and 'name="email"' in page and 'name="website"' in page
    assert "Save my name, email, and website in this browser for the next time I comment." in page
    assert 'value="Post Comment"' in page
    assert page.count('class="asteriskField"') == 3


def test_posting_saves_a_pending_comment_and_redirects_to_it(client, article, comment_post):
    response = comment_post(article)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/{article.slug}/#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING
    assert comment.article_version_id == article.published_version_id
    assert comment.ip_address == "127.0.0.1"


def test_the_author_sees_their_pending_comment_and_a_message(client, article, comment_post):
    page = comment_post(article, follow=True).content.decode()
    assert "Thank you: your comment is awaiting moderation." in page
    assert "Very clear, thank you." in page
    # The next visit: the comment still says it waits (tests/test_after_posting.py).
    assert "Your comment is awaiting moderation." in client.get(page_url(article)).content.decode()


def page_url(article):
    return article.get_absolute_url()


def test_pending_comment_is_hidden_from_other_readers(client, article, comment_post):
    from django.test import Client

    comment_post(article)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Very clear, thank you." not in page
    assert "awaiting moderation" not in page


def test_approved_comment_is_shown_to_everyone(client, article, comment_post):
    from django.test import Client

    comment_post(article)
    Comment.objects.get().approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Very clear, thank you." in page
    assert "1 Response" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "", "Please write a comment."),
        ("body", "   \n  ", "Please write a comment."),
        ("name", "", "Please enter your name."),
        ("email", "", "Please enter your email address."),
        ("email", "not-an-email", "Please enter a valid email address"),
        ("website", "ftp://files.example.org", "starting with http:// or https://"),
        ("website", "javascript:alert(1)", "starting with http:// or https://"),
        ("name", "x" * 101, "at most 100 characters"),
        ("body", "x" * 5001, "at most 5000 characters"),
        ("email", "a" * 250 + "@example.org", "at most 254 characters"),
        ("website", "https://example.org/" + "a" * 200, "at most 200 characters"),
    ],
)
def test_invalid_fields_keep_the_text_and_show_the_error_next_to_the_field(
    client, article, comment_post, field, value, message
):
    response = comment_post(article, **{"body": "My kept words", field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    # Said next to the field (and first in the form's summary: test_comment_form_guidance.py).
    field_at = page.index(f'id="div_id_{field}"')
    error_at = page.index(message, field_at)
    assert field_at < error_at < page.index("</div>", page.index(f'name="{field}"')) + 200
    if field != "body":
        assert "My kept words" in page
    assert not Comment.objects.exists()


def test_whitespace_is_stripped_and_control_characters_removed(client, article, comment_post):
    comment_post(article, name="  Zoë\x07 Ångström  ", body="  Line one\x00\x1b\r\nLine two  ")
    comment = Comment.objects.get()
    assert comment.name == "Zoë Ångström"
    assert comment.body == "Line one\nLine two"


def test_unicode_is_kept_exactly(client, article, comment_post):
    text = "Ketamin hjälpte mig 💊 — 谢谢 — مرحبا — e\u0301"
    comment_post(article, name="李小龍", body=text)
    comment = Comment.objects.get()
    assert comment.body == text
    assert comment.name == "李小龍"


def test_html_in_a_comment_is_escaped_or_sanitised(client, article, comment_post):
    comment_post(
        article,
        body='<script>alert(1)</script> <strong>ok</strong> <a href="javascript:x">l</a> '
        "see https://example.org/info",
    )
    comment = Comment.objects.get()
    comment.approve()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>ok</strong>" in page
    assert 'href="javascript' not in page
    assert '<a href="https://example.org/info" rel="nofollow ugc">' in page


def test_website_links_the_name_with_nofollow_ugc_noopener(client, article, comment_post):
    comment_post(article, website="example.org/me")
    comment = Comment.objects.get()
    assert comment.website == "https://example.org/me"
    comment.approve()
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<a href="https://example.org/me" rel="nofollow ugc noopener">Ada Reader</a>' in page


def test_comment_shows_date_permalink_and_local_avatar(client, article, make_comment):
    comment = make_comment(article, name="Grace Hopper")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in page
    assert f'href="#comment-{comment.pk}"' in page
    assert f'<time datetime="{comment.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")}">' in page
    # The time says its time zone (TIME_ZONE, UTC in the tests).
    assert comment.created_at.strftime("%-d %B %Y at %H:%M UTC</time>") in page
    assert f'class="avatar avatar-{comment.avatar_colour}" aria-hidden="true">GH</span>' in page
    assert "gravatar" not in page.lower()


def test_save_details_fills_the_form_next_time(client, article, comment_post):
    response = comment_post(article, save_details="on", website="https://ada.example.org")
    cookie = response.cookies["cms_comment_author"]
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert cookie["httponly"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Ada Reader"' in page
    assert 'value="ada@example.org"' in page
    assert 'value="https://ada.example.org"' in page
    assert 'id="id_save_details" checked' in page


def test_without_the_tick_nothing_is_remembered(client, article, comment_post):
    response = comment_post(article)
    assert "cms_comment_author" not in response.cookies
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Ada Reader"' not in page


def test_unticking_forgets_saved_details(client, article, comment_post):
    comment_post(article, save_details="on")
    response = comment_post(article, body="Second comment")
    assert response.cookies["cms_comment_author"].value == ""
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="Ada Reader"' not in page


def test_a_forged_remember_cookie_is_ignored(client, article):
    client.cookies["cms_comment_author"] = '{"name": "Mallory", "email": "m@example.org"}'
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Mallory" not in page


def test_a_forged_own_comments_cookie_shows_nothing(client, article, make_comment):
    pending = make_comment(article, status=Comment.Status.PENDING, body="Not yours to see")
    client.cookies["cms_own_comments"] = f"[{pending.pk}]"
    assert "Not yours to see" not in client.get(article.get_absolute_url()).content.decode()


CROSS_SITE = [
    {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://sub.testserver"},
    {"HTTP_ORIGIN": "https://evil.example"},  # an older browser: no Fetch Metadata
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_post_is_refused_with_the_readers_text(article, headers):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    fields = {"body": "My <b>long</b> answer", "name": "n", "email": "e@example.org"}
    response = strict.post(f"/{article.slug}/comments/", fields, **headers)
    page = response.content.decode()
    assert response.status_code == 403
    assert "This form could not be sent" in page
    assert "My &lt;b&gt;long&lt;/b&gt; answer" in page  # kept, and escaped
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # not a browser: nothing for a cross-site attack to ride on
    ],
)
def test_a_same_origin_post_needs_no_token(article, headers):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    fields = {"body": "Fine", "name": "n", "email": "e@example.org"}
    response = strict.post(f"/{article.slug}/comments/", fields, **headers)
    assert response.status_code == 303
    assert Comment.objects.get().body == "Fine"


def test_the_shared_article_page_holds_no_token_and_sets_no_cookie(client, article):
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert 'name="token" value=' not in page
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_admin_keeps_its_csrf_token(article, moderator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)
    response = strict.post("/admin/comments/comment/", {"action": "approve_comments"})
    assert response.status_code == 403


def test_closed_comments_show_a_notice_and_refuse_posts(client, make_article, comment_post):
    closed = make_article(comments_open=False)
    page = client.get(closed.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert 'id="commentform"' not in page
    response = comment_post(closed)
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_comments_close_after_the_configured_days(client, make_article, comment_post, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_article(publish_at=timezone.now() - timedelta(days=31))
    fresh = make_article(publish_at=timezone.now() - timedelta(days=29))
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert comment_post(old).status_code == 403
    assert comment_post(fresh).status_code == 303


def test_posting_to_an_unpublished_article_is_404(client, make_article, comment_post):
    assert comment_post(make_article(publish=False)).status_code == 404


def test_opening_the_post_address_leads_to_the_form(client, article):
    # After a form error the address bar shows /<slug>/comments/#respond: reloading or
    # sharing it leads to the article's form, not to a blank error.
    response = client.get(f"/{article.slug}/comments/")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#respond"
    assert client.get(response["Location"]).status_code == 200
    assert client.put(f"/{article.slug}/comments/").status_code == 405
    assert client.get("/no-such-article/comments/").status_code == 404
