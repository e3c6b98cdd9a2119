"""The reader's comforts around the comment form: the reply form under the comment it
answers (?replyto= without JavaScript), the preview endpoint, the "(edited)" mark, and the
page parts the form's script (static/js/comment-form.js) works from."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.markup import quote_of, render_comment
from comments.models import Comment


def page_of(client, article, **query):
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 200
    return response.content.decode()


# --- The reply form under the comment it answers, without JavaScript ---------------------


def test_replyto_opens_the_form_under_that_comment_before_its_replies(
    client, article, make_comment
):
    first = make_comment(article, name="Grace", body="First words", created_at=_ago(30))
    answered = make_comment(article, name="Hal", body="Answered words", created_at=_ago(20))
    reply = make_comment(article, parent=answered, body="A reply below", created_at=_ago(10))
    page = page_of(client, article, replyto=answered.pk)
    form_at = page.index('id="commentform"')
    assert page.index(f'id="comment-{answered.pk}"') < page.index("Answered words") < form_at
    assert page.index(f'id="comment-{first.pk}"') < form_at
    assert form_at < page.index('<ol class="children">') < page.index(f'id="comment-{reply.pk}"')
    assert page.count('id="commentform"') == 1
    assert '<h2 id="reply-title">Reply to Hal</h2>' in page
    assert '<blockquote class="reply-quote">Answered words</blockquote>' in page
    assert f'name="replyto" value="{answered.pk}"' in page
    assert f'<a href="{article.get_absolute_url()}#respond" rel="nofollow">Cancel reply</a>' in page


def test_without_replyto_the_form_follows_the_thread_and_quotes_nothing(
    client, article, make_comment
):
    comment = make_comment(article, body="Some words")
    page = page_of(client, article)
    assert page.index(f'id="comment-{comment.pk}"') < page.index('id="commentform"')
    assert page.index('id="respond-home"') < page.index('id="commentform"')
    assert "Leave a Reply" in page
    assert "Cancel reply" not in page and "reply-quote" not in page
    assert 'name="replyto" value=' not in page


def test_the_quote_is_escaped_and_shortened(client, article, make_comment):
    long_text = "<script>alert(1)</script> Fish & chips " + "word " * 100
    answered = make_comment(article, name="<b>Ivy</b>", body=long_text)
    page = page_of(client, article, replyto=answered.pk)
    quote = re.search(r'<blockquote class="reply-quote">(.*?)</blockquote>', page, re.S)[1]
    assert quote.startswith("&lt;script&gt;alert(1)&lt;/script&gt; Fish &amp; chips word")
    assert quote.endswith("…")
    assert "<script>alert" not in page
    assert "Reply to &lt;b&gt;Ivy&lt;/b&gt;" in page


def test_a_comment_cannot_fake_the_marker_that_places_the_form(client, article, make_comment):
    answered = make_comment(article, name="Hal", body="Answered words", created_at=_ago(20))
    forger = make_comment(
        article,
        name=f"<!--reply:{answered.pk}-->",
        body=f"Before <!--reply:{answered.pk}--> &lt;!--reply:{answered.pk}--&gt; after",
        created_at=_ago(30),
    )
    page = page_of(client, article, replyto=answered.pk)
    assert page.count(f"<!--reply:{answered.pk}-->") == 1
    assert page.index(f'id="comment-{forger.pk}"') < page.index(f'id="comment-{answered.pk}"')
    assert page.index("Answered words") < page.index('id="commentform"')


def test_quote_of_gives_the_plain_text_on_one_line():
    assert quote_of("<p>One<br>two</p>\n\n<p>Three &amp; <a href='x'>four</a></p>") == (
        "One two Three & four"
    )
    assert len(quote_of("<p>" + "a" * 500 + "</p>")) == 200


def moved_to(client, article, **query):
    """Where the article page at this address sends the reader (a 301)."""
    response = client.get(article.get_absolute_url(), query)
    assert response.status_code == 301
    return response["Location"]


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_replyto_a_hidden_comment_leads_to_the_normal_form(client, article, make_comment, status):
    make_comment(article, body="Visible")
    hidden = make_comment(article, status=status, body="Hidden words")
    assert moved_to(client, article, replyto=hidden.pk) == article.get_absolute_url()
    page = page_of(client, article)
    assert "Leave a Reply" in page and "Reply to" not in page.replace('aria-label="Reply to', "")
    assert 'name="replyto" value=' not in page
    assert "Hidden words" not in page


def test_replyto_an_approved_comment_under_a_hidden_one_leads_to_the_normal_form(
    client, article, make_comment
):
    hidden = make_comment(article, status=Comment.Status.PENDING)
    below = make_comment(article, parent=hidden, body="Below a hidden one")
    assert moved_to(client, article, replyto=below.pk) == article.get_absolute_url()


def test_replyto_a_comment_of_another_article_leads_to_the_normal_form(
    client, article, make_article, make_comment
):
    elsewhere = make_comment(make_article(title="Other"), name="Elsewhere")
    assert moved_to(client, article, replyto=elsewhere.pk) == article.get_absolute_url()


def test_replyto_a_comment_on_another_page_leads_to_that_page(
    client, article, make_comment, settings
):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, created_at=_ago(20))
    later = make_comment(article, created_at=_ago(10))
    location = moved_to(client, article, replyto=later.pk, cpage=1)
    assert location == f"{article.get_absolute_url()}?cpage=2&replyto={later.pk}"


def test_reply_links_on_a_later_page_keep_the_page(client, article, make_comment, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, created_at=_ago(20))
    later = make_comment(article, name="Later", body="On page two", created_at=_ago(10))
    page = page_of(client, article, cpage=2)
    assert f'href="?cpage=2&amp;replyto={later.pk}#respond"' in page
    reply_page = page_of(client, article, cpage=2, replyto=later.pk)
    assert "Reply to Later" in reply_page
    assert reply_page.index("On page two") < reply_page.index('id="commentform"')
    assert f'href="{article.get_absolute_url()}?cpage=2#respond"' in reply_page


def test_the_replyto_page_reads_only_the_answered_comment_beyond_the_cached_thread(
    client, article, make_comment, django_assert_num_queries
):
    answered = make_comment(article, name="Hal")
    for _ in range(20):
        make_comment(article, parent=answered)
    page_of(Client(), article)  # the thread is in the fragment cache now
    # The article (with its page stamp), the comment answered and the place of its page
    # (the address is checked first), then its name and text for the form: the article,
    # its header and the thread come from the fragment cache, the thread is not read again.
    with django_assert_num_queries(4):
        page = page_of(client, article, replyto=answered.pk)
    assert "Reply to Hal" in page


def test_a_replyto_page_is_shared_by_the_cache_and_holds_nothing_of_a_reader(
    client, article, make_comment
):
    answered = make_comment(article, name="Hal", email="hal@example.org")
    response = client.get(article.get_absolute_url(), {"replyto": answered.pk})
    assert "public" in response["Cache-Control"]
    assert f"article-{article.pk}" in response["Surrogate-Key"]
    assert "hal@example.org" not in response.content.decode()


def test_a_posted_reply_with_an_error_keeps_the_form_under_the_comment(
    client, article, make_comment, comment_post
):
    answered = make_comment(article, name="Hal", body="Answered words")
    response = comment_post(article, replyto=answered.pk, body="My answer", email="not an email")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Hal" in page
    # The form, with the reader's text, stands inside the answered comment's item.
    comment_at = page.index(f'id="comment-{answered.pk}"')
    # (The form's error summary is a list of its own: the item closes after the form.)
    closing = page.index("</li>", page.index("</form>", comment_at))
    assert comment_at < page.index("Answered words") < page.index("My answer") < closing
    assert f'name="replyto" value="{answered.pk}"' in page


def test_a_closed_article_shows_no_reply_form_even_after_replyto(
    client, make_article, make_comment
):
    article = make_article(comments_open=False)
    answered = make_comment(article, name="Hal")
    assert moved_to(client, article, replyto=answered.pk) == article.get_absolute_url()
    page = page_of(client, article)
    assert "Comments are closed." in page
    assert 'id="commentform"' not in page and "<!--reply:" not in page


def test_the_form_names_its_preview_address_and_the_reply_links_their_comment(
    client, article, make_comment
):
    comment = make_comment(article)
    page = page_of(client, article)
    assert f'data-preview-url="/comments/preview/{article.pk}/"' in page
    assert f'data-replyto="{comment.pk}"' in page
    assert 'src="/static/js/comment-form.js"' in page


# --- The preview -------------------------------------------------------------------------


def preview(client, article, **fields):
    data = {"body": "Hello", "name": "Ada Reader", "email": "ada@example.org", "website": ""}
    data.update(fields)
    return client.post(f"/comments/preview/{article.pk}/", data)


def test_the_preview_renders_the_comment_as_the_page_will(client, article):
    body = "See https://www.nih.gov/health and <script>alert(1)</script>\n\nBye"
    response = preview(client, article, body=body, website="ada.example.org")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.json()["html"]
    assert f'<div class="comment-body">{render_comment(body)}</div>' in html
    assert '<a href="https://www.nih.gov/health" rel="nofollow ugc">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert '<a href="https://ada.example.org" rel="nofollow ugc noopener">Ada Reader</a>' in html
    assert '<span class="avatar" aria-hidden="true">AR</span>' in html
    assert ">AR</span>" in html
    assert "ada@example.org" not in response.content.decode()
    assert not Comment.objects.exists()


def test_the_preview_escapes_the_name_and_drops_a_bad_website(client, article):
    html = preview(client, article, name="<i>Eve</i>", website="javascript:alert(1)").json()["html"]
    assert "&lt;i&gt;Eve&lt;/i&gt;" in html
    assert "javascript:" not in html and "<a " not in html.split('class="comment-body"')[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "nothing to preview"), ("x" * 5001, "5001 characters long; the limit is 5000")],
)
def test_the_preview_refuses_an_empty_or_too_long_text_with_a_message(
    client, article, body, message
):
    response = preview(client, article, body=body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert "no-store" in response["Cache-Control"]


def test_the_preview_is_rate_limited(client, article, monkeypatch):
    from comments import views

    monkeypatch.setattr(views, "PREVIEW_LIMIT", 3)
    assert [preview(client, article).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "wait a minute" in preview(client, article).json()["error"]


def test_the_preview_tells_nothing_of_the_email(client, article):
    """The avatar's colour comes from the email (comments/avatars.py): a preview in that
    colour would let anyone test, thirty times a minute, whether an address is the one
    behind a published comment. The preview shows the plain avatar instead."""
    answers = {
        preview(client, article, email=email).content
        for email in ("ada@example.org", "someone.else@example.org", "")
    }
    assert len(answers) == 1


def test_the_preview_refuses_cross_site_posts(article):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/comments/preview/{article.pk}/",
        {"body": "Hello"},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    ok = strict.post(
        f"/comments/preview/{article.pk}/",
        {"body": "Hello"},
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert ok.status_code == 200


def test_the_preview_answers_only_posts_for_published_articles(client, article, make_article):
    assert client.get(f"/comments/preview/{article.pk}/").status_code == 405
    draft = make_article(publish=False)
    assert preview(client, draft).status_code == 404
    assert client.post("/comments/preview/999999/", {"body": "x"}).status_code == 404


def test_the_preview_never_fails_on_odd_input(client, article):
    for fields in (
        {"body": "\x00\x1b" + "é" * 10},
        {"body": "ok", "name": "n" * 5000, "email": "x" * 9000, "website": "http://" + "a" * 900},
        {"body": ["one", "two"]},
    ):
        response = client.post(f"/comments/preview/{article.pk}/", fields)
        assert response.status_code in (200, 400)
        json.loads(response.content)


# --- "(edited)" ----------------------------------------------------------------------------


@pytest.fixture
def own_comment(article, comment_post):
    assert comment_post(article, body="My first thought.").status_code == 303
    comment = Comment.objects.get()
    comment.approve()
    return comment


def test_an_author_edit_marks_the_comment_edited_for_every_reader(client, article, own_comment):
    assert own_comment.edited_at is None
    assert "(edited)" not in page_of(Client(), article)
    client.post(f"/comments/{own_comment.pk}/edit/", {"body": "My second thought."})
    own_comment.refresh_from_db()
    assert own_comment.edited_at is not None
    page = page_of(Client(), article)  # a new reader: the thread's cache was renewed
    assert "My second thought." in page
    mark = re.search(r'<time class="comment-edited" datetime="([^"]+)" title="([^"]+)">', page)
    assert mark and "(edited)</time>" in page
    assert mark[1] == own_comment.edited_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert mark[2].startswith("Edited by its author on ")


def test_sending_the_same_text_again_is_no_edit(client, article, own_comment):
    client.post(f"/comments/{own_comment.pk}/edit/", {"body": "My first thought."})
    own_comment.refresh_from_db()
    assert own_comment.edited_at is None
    assert "(edited)" not in page_of(Client(), article)


def test_a_moderators_decision_is_no_edit(article, own_comment):
    own_comment.mark_spam()
    own_comment.approve()
    own_comment.refresh_from_db()
    assert own_comment.edited_at is None


def test_an_edit_purges_the_article_from_the_shared_cache(
    client, article, own_comment, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from cms import caching

    settings.HTTP_CACHE_NODES = ["http://127.0.0.1:6081"]
    purged = []
    monkeypatch.setattr(caching, "purge", lambda *keys: purged.append(keys))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/comments/{own_comment.pk}/edit/", {"body": "Changed."})
    assert any(f"article-{article.pk}" in keys for keys in purged)


def _ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)
