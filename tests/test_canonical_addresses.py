"""One cached copy per real page: an article page answers only the query parameters it
reads, with values it can use; any other address of it is a 301 to the one it means
(articles/page_parameters.py, comments/threads.py). The HTTP cache side is in
tests/test_varnish.py."""

import re
from pathlib import Path

import pytest
from django.test import Client

from articles import page_parameters
from articles.legacy_addresses import OLD_ID_PARAMETERS
from articles.views import ArticleListView

ROOT = Path(__file__).resolve().parent.parent


def moved_to(client, address):
    response = client.get(address)
    assert response.status_code == 301, address
    return response["Location"]


@pytest.fixture
def two_pages(article, make_comment, settings):
    """An article whose thread has two pages (one top-level comment each)."""
    settings.COMMENTS_PER_PAGE = 1
    older = make_comment(article, name="Older")
    newer = make_comment(article, name="Newer")
    older.created_at, newer.created_at = newer.created_at, older.created_at  # older first
    older.save()
    newer.save()
    return older, newer


@pytest.mark.parametrize(
    "query",
    ["z123=1", "page=2", "cpage", "cpage=", "cpage=abc", "cpage=01", "cpage=1", "cpage=0",
     "replyto=", "replyto=abc", "replyto=999999", "cpage=2&cpage=2", "replyto=x&zz=1"],
)  # fmt: skip
def test_an_address_the_article_page_cannot_use_leads_to_the_page(client, article, query):
    assert moved_to(client, f"{article.get_absolute_url()}?{query}") == article.get_absolute_url()


def test_a_thread_page_past_the_end_leads_to_the_last_one(client, article, two_pages):
    url = article.get_absolute_url()
    assert moved_to(client, f"{url}?cpage=9999") == f"{url}?cpage=2"
    tagged = f"{url}?cpage=2&utm_source=mail"
    assert moved_to(client, f"{tagged}&x=1") == tagged
    assert client.get(f"{url}?cpage=2").status_code == 200


def test_every_real_reply_address_is_a_page_of_its_own(client, article, two_pages):
    older, newer = two_pages
    url = article.get_absolute_url()
    assert client.get(f"{url}?replyto={older.pk}").status_code == 200
    assert client.get(f"{url}?cpage=2&replyto={newer.pk}").status_code == 200
    # The same comment asked on the wrong page: the page that shows it.
    assert moved_to(client, f"{url}?replyto={newer.pk}") == f"{url}?cpage=2&replyto={newer.pk}"
    # Parameters in another order are the same page: no redirect (the cache sorts them).
    assert client.get(f"{url}?replyto={newer.pk}&cpage=2").status_code == 200


def test_campaign_tags_never_move_the_reader(client, article):
    response = client.get(f"{article.get_absolute_url()}?utm_source=newsletter&fbclid=abc")
    assert response.status_code == 200


def test_the_thread_links_to_its_first_page_without_a_page_number(client, article, two_pages):
    page = client.get(f"{article.get_absolute_url()}?cpage=2").content.decode()
    assert f'href="{article.get_absolute_url()}#comments">&larr; Newer' in page
    assert "cpage=1" not in page


@pytest.mark.parametrize(
    "address",
    ["/?page=1", "/search/?q=sleep&page=1", "/feed/rss/", "/sitemap.xml", "/topics/"],
)
def test_other_pages_keep_their_own_parameters(client, article, address):
    assert Client().get(address).status_code == 200


def test_the_change_log_keeps_its_comparison(client, article):
    article.publish(article.add_version(title="Sleep, revised", summary="S", body="New words."))
    page = client.get(f"/{article.slug}/changes/?from=1&to=2").content.decode()
    assert 'id="comparison"' in page


def test_the_cache_keeps_exactly_the_parameters_the_pages_read():
    """deploy/varnish/query_parameters.vcl drops every other parameter before its lookup."""
    vcl = (ROOT / "deploy" / "varnish" / "query_parameters.vcl").read_text()
    (names,) = re.findall(r"\(\?!\(([a-z_|]+)\)=\)", vcl)
    read_by_the_pages = {
        *page_parameters._readers,  # the article page's (cpage, replyto)
        ArticleListView.page_kwarg,  # the front page, topics, tags, search
        *OLD_ID_PARAMETERS,  # the front page's WordPress addresses (p also a sitemap's page)
        "q",  # search
        "from", "to",  # the change log's comparison
    }  # fmt: skip
    assert set(names.split("|")) == read_by_the_pages


def test_comments_of_the_same_second_are_replied_to_on_the_page_that_shows_them(
    client, article, make_comment, settings
):
    settings.COMMENTS_PER_PAGE = 1
    first = make_comment(article, body="First of the second")
    second = make_comment(article, body="Second of the second", created_at=first.created_at)
    url = article.get_absolute_url()
    page = client.get(f"{url}?cpage=2").content.decode()
    assert "Second of the second" in page
    assert f'href="?cpage=2&amp;replyto={second.pk}#respond"' in page
    assert client.get(f"{url}?cpage=2&replyto={second.pk}").status_code == 200
