"""The commenter's email appears in no public response: pages, feeds, JSON, headers."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment

EMAIL = "unique.Reader-7x9q@private-mail.example"


def _leaks(response):
    """Every form the email could take in a response: plain, lower-case, url-encoded, in headers."""
    text = response.content.decode(errors="replace").lower()
    headers = "\n".join(f"{name}: {value}" for name, value in response.items()).lower()
    forms = {EMAIL.lower(), quote(EMAIL).lower(), quote(EMAIL, safe="").lower()}
    return [form for form in forms if form in text or form in headers]


def _public_urls(article, comment):
    urls = [
        "/",
        "/?page=1",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?replyto={comment.pk}",
        f"{article.get_absolute_url()}?cpage=1",
        "/robots.txt",
        "/sitemap.xml",
        "/healthz",
        "/no-such-page/",
    ]
    for name, kwargs in [
        ("articles:rss", {}),
        ("articles:atom", {}),
        ("comments:feed", {"slug": article.slug}),
        ("articles:changes", {"slug": article.slug}),
        ("articles:search", {}),
        ("sitemap", {}),
        ("privacy", {}),
    ]:
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.mark.parametrize("approved", [False, True])
def test_the_email_is_absent_from_every_public_url(client, article, comment_post, approved):
    response = comment_post(article, email=EMAIL, save_details="on", website="https://a.example")
    assert response.status_code == 303
    assert not _leaks(response)
    comment = Comment.objects.get()
    assert comment.email == EMAIL
    if approved:
        comment.approve()
    for reader in (client, Client()):  # the author (own pending comment, saved details) and others
        for url in _public_urls(article, comment):
            page = reader.get(url)
            if url.startswith("/search"):
                page = reader.get(url, {"q": "clear"})
            leaks = _leaks(page)
            # The author's own browser may pre-fill the form with their saved email: that is the
            # only place it may appear, as the value of the email input, never anywhere else.
            if leaks and reader is client:
                text = page.content.decode().lower()
                text = text.replace(f'value="{EMAIL.lower()}"', "")
                leaks = [form for form in leaks if form in text]
            assert not leaks, f"the email leaks in {url}"


def test_the_email_is_not_in_the_authors_own_pending_comment(client, article, comment_post):
    comment_post(article, email=EMAIL)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "awaiting moderation" in page
    assert EMAIL.lower() not in page.lower()


def test_no_hash_of_the_email_reaches_the_page(client, article, comment_post):
    import hashlib

    comment_post(article, email=EMAIL)
    Comment.objects.get().approve()
    page = Client().get(article.get_absolute_url()).content.decode()
    normalised = EMAIL.strip().lower().encode()
    for algorithm in ("md5", "sha1", "sha256"):
        assert hashlib.new(algorithm, normalised).hexdigest() not in page
    assert not re.search(r"gravatar|libravatar", page, re.IGNORECASE)


def test_a_pending_comments_avatar_tells_nothing_of_its_email(
    client, article, make_comment, comment_post, settings
):
    """Posting with someone's address once gave one's own pending comment the colour of that
    person's published comments: a test of whether the address is theirs."""
    settings.COMMENTS_APPROVE_KNOWN_EMAILS = False
    maria = make_comment(article, name="Maria Demo", email="maria.demo@example.org")
    colour = f"avatar-{maria.avatar_colour}"
    comment_post(article, name="Prober", email="MARIA.DEMO@EXAMPLE.ORG", body="Probing.")
    probe = Comment.objects.get(name="Prober")
    assert probe.status == Comment.Status.PENDING
    page = client.get(article.get_absolute_url()).content.decode()
    own = page[page.index(f'id="comment-{probe.pk}"') :]
    own = own[: own.index("</div>")]
    assert 'class="avatar"' in own and "avatar-" not in own
    assert page.count(colour) == 1  # Maria's own comment, not the probe
