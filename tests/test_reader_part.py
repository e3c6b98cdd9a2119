"""The reader's own part of the article page (comments/reader_part.py), as Django answers
it: in the page without Varnish, or at its own address for Varnish's <esi:include>.
tests/test_varnish_readers.py reads the same through the real Varnish."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from comments.readers import AUTHOR_COOKIE, AUTHOR_SALT, OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT

THROUGH_VARNISH = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}


def reader_with(**cookies):
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def saved_details():
    details = {"name": "Saved Sam", "email": "sam@example.org", "website": ""}
    return {AUTHOR_COOKIE: signing.dumps(details, salt=AUTHOR_SALT, compress=True)}


def test_behind_varnish_the_page_holds_an_include_and_nothing_of_the_reader(article):
    response = reader_with(**saved_details()).get(article.get_absolute_url(), **THROUGH_VARNISH)
    page = response.content.decode()
    assert f'<esi:include src="/comments/you/{article.pk}/"/>' in page
    assert "sam@example.org" not in page and 'id="commentform"' not in page
    # Shared by every reader with a cookie: one copy, apart from the one without.
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=3600"
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert "Surrogate-Capability" in response["Vary"]
    assert not response.cookies


def test_without_varnish_the_page_holds_the_readers_part_and_is_private(article):
    response = reader_with(**saved_details()).get(article.get_absolute_url())
    page = response.content.decode()
    assert 'value="sam@example.org"' in page and "esi:include" not in page
    assert response["Cache-Control"] == "private, no-store"
    anonymous = Client().get(article.get_absolute_url())
    assert "Surrogate-Capability" in anonymous["Vary"] and "Surrogate-Control" not in anonymous


def test_a_reply_page_includes_the_part_that_answers_that_comment(article, make_comment):
    parent = make_comment(article, name="Parent Poster")
    address = f"{article.get_absolute_url()}?replyto={parent.pk}"
    page = reader_with(**saved_details()).get(address, **THROUGH_VARNISH).content.decode()
    assert f'src="/comments/you/{article.pk}/?replyto={parent.pk}"' in page
    part = reader_with(**saved_details()).get(f"/comments/you/{article.pk}/?replyto={parent.pk}")
    part = part.content.decode()
    assert "Reply to Parent Poster" in part and f'name="replyto" value="{parent.pk}"' in part
    assert 'value="sam@example.org"' in part


def test_the_part_is_kept_for_this_reader_only_and_purged_with_the_article(article, settings):
    settings.PERSONAL_PART_SECONDS = 300
    response = reader_with(**saved_details()).get(f"/comments/you/{article.pk}/")
    assert response.status_code == 200
    assert 'value="sam@example.org"' in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["Surrogate-Control"] == "max-age=300"
    assert response["Surrogate-Key"] == f"article-{article.pk} site"


def test_the_part_is_kept_no_longer_than_its_edit_links(article, make_comment, settings):
    settings.COMMENTS_EDIT_MINUTES = 15
    mine = make_comment(article, body="Mine, still editable")
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=14))
    cookie = signing.dumps([mine.pk], salt=OWN_COMMENTS_SALT)
    response = reader_with(**{OWN_COMMENTS_COOKIE: cookie}).get(f"/comments/you/{article.pk}/")
    assert f'href="/comments/{mine.pk}/edit/"' in response.content.decode()
    assert 55 <= int(response["Surrogate-Control"].removeprefix("max-age=")) <= 61


def test_the_part_costs_a_few_queries_and_never_the_thread(
    article, make_comment, comment_post, client, django_assert_max_num_queries
):
    for number in range(30):
        make_comment(article, body=f"Thread comment {number}")
    comment_post(article, body="My pending words")
    with django_assert_max_num_queries(2):  # the article, the reader's own comments
        part = client.get(f"/comments/you/{article.pk}/").content.decode()
    assert "My pending words" in part and "Thread comment" not in part
    assert "Thank you: your comment is awaiting moderation." in part


def test_the_part_of_an_unpublished_article_is_not_found(article):
    article.unpublish()
    assert reader_with(**saved_details()).get(f"/comments/you/{article.pk}/").status_code == 404


@pytest.mark.parametrize("query", ["?replyto=abc", "?replyto=99999999", "?cpage=x&replyto=-1"])
def test_odd_addresses_of_the_part_give_the_plain_form(article, query):
    response = Client().get(f"/comments/you/{article.pk}/{query}")
    assert response.status_code == 200
    assert "Leave a Reply" in response.content.decode()
