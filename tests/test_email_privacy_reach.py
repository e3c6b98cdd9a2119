"""The commenter's email stays out of every public address added for reach and trust:
feeds, sitemap, robots.txt, search, the change log, the privacy page, JSON-LD, and the
author's own edit and delete pages."""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from comments.models import Comment

EMAIL = "Reach.Private-Q7z@Unlisted-Mail.example"


def _forms_of_the_email():
    return {
        EMAIL.lower(),
        quote(EMAIL).lower(),
        quote(EMAIL, safe="").lower(),
        quote(EMAIL.lower(), safe="").lower(),
        EMAIL.lower().replace("@", "&#64;"),
        EMAIL.lower().replace("@", "%40"),
    }


def _leaks(response):
    """Where the email shows in a response: the body or a header, in any case or encoding."""
    text = response.content.decode(errors="replace").lower()
    headers = "\n".join(f"{name}: {value}" for name, value in response.items()).lower()
    return sorted(form for form in _forms_of_the_email() if form in text or form in headers)


def _post_through_the_real_form(client, article):
    """Fetch the article page, fetch the form's token as its script does, post the form."""
    page = client.get(article.get_absolute_url()).content.decode()
    token_url = re.search(r'data-token-url="([^"]+)"', page).group(1)
    token = client.get(token_url).json()["token"]
    return client.post(
        f"/{article.slug}/comments/",
        {
            "body": "Reach test: a comment about restful sleep.",
            "name": "Reach Tester",
            "email": EMAIL,
            "website": "",
            "token": token,
        },
    )


def _public_urls(article, comment):
    slug = article.slug
    return [
        "/feed/rss/",
        "/feed/atom/",
        f"/{slug}/comments/feed/",
        "/sitemap.xml",
        "/robots.txt",
        "/search/?q=sleep",
        "/search/?q=Reach+Tester",
        f"/{slug}/changes/",
        "/privacy/",
        f"/{slug}/",  # its meta tags and JSON-LD
    ]


@pytest.mark.parametrize("approved", [False, True])
def test_the_email_is_absent_from_every_new_public_url(client, article, settings, approved):
    settings.COMMENTS_MIN_SECONDS = 0  # the test posts faster than a person could type
    response = _post_through_the_real_form(client, article)
    assert response.status_code == 303
    assert not _leaks(response)
    comment = Comment.objects.get()
    assert comment.email == EMAIL  # the form really saved it
    assert comment.status != Comment.Status.SPAM
    if approved:
        comment.approve()
    version = article.add_version(title="Sleep and Health", summary="New", body="Sleep, updated.")
    article.publish(version)  # the change log then has a diff, the comment an earlier version

    for reader in (client, Client()):  # the author's browser, then anyone else's
        for url in _public_urls(article, comment):
            response = reader.get(url)
            assert response.status_code == 200, url
            assert not _leaks(response), f"the email leaks in {url}"
    for url in (f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/delete/"):
        response = client.get(url)
        assert response.status_code == 200
        assert not _leaks(response), f"the email leaks in {url}"


def test_the_comment_feed_names_the_commenter_but_not_their_email(client, article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    _post_through_the_real_form(client, article)
    Comment.objects.get().approve()
    feed = Client().get(f"/{article.slug}/comments/feed/")
    assert "Reach Tester" in feed.content.decode()
    assert not _leaks(feed)


def test_json_ld_carries_no_email(client, article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    _post_through_the_real_form(client, article)
    Comment.objects.get().approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert "@" not in block.replace('"@context"', "").replace('"@type"', "").replace('"@id"', "")
