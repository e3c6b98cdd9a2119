"""Corrections are not updates: an editor marks a version as a correction with a public note;
the page, the change log, the JSON-LD and the feed say so; a moderator links the reader's
comment that led to it, which then says so, and the correction thanks its author."""

import datetime
import json
import re

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from articles.models import Article
from comments.models import Comment
from tests.article_form import change_url, edit

pytestmark = pytest.mark.django_db

NOTE = "We corrected the dose in the second paragraph."


def correct(editor_client, article, **changes):
    changes.setdefault("body", "The adult dose is 0.5 mg/kg.")
    changes.setdefault("is_correction", "on")
    changes.setdefault("correction_note", NOTE)
    response = editor_client.post(change_url(article), edit(article, "_publish", **changes))
    article.refresh_from_db()
    return response


def day(moment):
    return dateformat.format(timezone.localtime(moment), "j F Y")


def page_of(article):
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(page):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return json.loads(block)


def test_a_correction_shows_a_notice_with_its_date_and_note(editor_client, article):
    page_of(article)  # cached before the correction
    correct(editor_client, article)
    version = article.published_version
    assert version.is_correction and version.correction_note == NOTE
    page = page_of(article)
    assert (
        '<aside class="correction" aria-label="Correction"><p><strong>Correction</strong>, '
        f'<time datetime="{timezone.localtime(version.published_at):%Y-%m-%d}">'
        f"{day(version.published_at)}</time>: {NOTE}</p></aside>"
    ) in page


def test_a_routine_update_shows_no_correction_notice(editor_client, article):
    editor_client.post(change_url(article), edit(article, "_publish", body="Reworded."))
    article.refresh_from_db()
    assert not article.published_version.is_correction
    assert "Correction" not in page_of(article)


def test_a_correction_stays_on_the_page_after_later_updates(editor_client, article):
    correct(editor_client, article)
    editor_client.post(change_url(article), edit(article, "_publish", body="Reworded again."))
    article.refresh_from_db()
    assert article.published_version.number == 3
    assert NOTE in page_of(article)
    # A new version does not copy the correction flag of the one before.
    assert not article.published_version.is_correction


def test_a_correction_needs_a_note_and_a_change(editor_client, article):
    response = correct(editor_client, article, correction_note="  ")
    assert response.status_code == 200
    assert "Tell readers what was wrong and what changed" in response.content.decode()
    response = correct(editor_client, article, body=article.latest_version().body)
    assert "A correction changes the text, and nothing changed." in response.content.decode()
    response = correct(editor_client, article, is_correction="")
    assert "Tick this box to publish the correction note" in response.content.decode()
    assert article.versions.count() == 1


def test_the_change_log_marks_corrections_apart_from_updates(editor_client, article):
    editor_client.post(
        change_url(article), edit(article, "_publish", body="Reworded.", change_note="Style.")
    )
    correct(editor_client, article, change_note="Dose.")
    page = Client().get(f"/{article.slug}/changes/").content.decode()
    assert '<h2 id="version-3-title">Version 3 (current): a correction</h2>' in page
    assert '<h2 id="version-2-title">Version 2</h2>' in page
    assert f'<p class="correction"><strong>Correction:</strong> {NOTE}</p>' in page
    assert page.count('class="correction"') == 1


def test_the_json_ld_carries_the_correction(editor_client, article):
    assert "correction" not in json_ld(page_of(article))
    correct(editor_client, article)
    (correction,) = json_ld(page_of(article))["correction"]
    assert correction["@type"] == "CorrectionComment" and correction["text"] == NOTE
    published = datetime.datetime.fromisoformat(correction["datePublished"])
    expected = article.published_version.published_at
    assert abs(published - expected) < datetime.timedelta(milliseconds=1)


@pytest.mark.parametrize("url", ["/feed/rss/", "/feed/atom/"])
def test_the_feed_item_shows_the_correction(editor_client, article, url):
    correct(editor_client, article)
    feed = feedparser.parse(Client().get(url).content)
    (entry,) = feed.entries
    assert f"Correction, {day(article.published_version.published_at)}: {NOTE}" in entry.summary


def test_a_moderator_links_a_comment_to_the_correction_it_led_to(
    editor_client, moderator_client, article, make_comment
):
    comment = make_comment(article, name="Careful Reader", body="Isn't the dose for adults?")
    other = make_comment(article, name="Someone Else")
    correct(editor_client, article)
    correction = article.published_version
    page_of(article)  # cached before the link
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    form = moderator_client.get(url).content.decode()
    assert f"Version {correction.number} (correction, " in form

    response = moderator_client.post(
        url,
        {
            "status": comment.status,
            "name": comment.name,
            "website": "",
            "body": comment.body,
            "led_to_version": str(correction.pk),
            "_save": "1",
        },
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.led_to_version == correction
    page = page_of(article)
    block = page[page.index(f'id="comment-{comment.pk}"') :]
    block = block[: block.index("</li>")]
    published = correction.published_at
    assert (
        f'This comment led to a correction on <a href="/{article.slug}/changes/#version-'
        f'{correction.number}"><time datetime="{timezone.localtime(published):%Y-%m-%d}">'
        f"{day(published)}</time></a>."
    ) in block
    other_block = page[page.index(f'id="comment-{other.pk}"') :]
    assert "led to" not in other_block[: other_block.index("</li>")]
    # The correction notice thanks the reader.
    notice = page[page.index('<aside class="correction"') : page.index("</aside>")]
    thanks = f'Thanks to <a href="#comment-{comment.pk}">Careful Reader</a>, whose comment'
    assert f"{thanks} pointed it out." in notice


def test_a_comment_that_led_to_an_update_says_so(article, make_comment):
    comment = make_comment(article)
    update = article.add_version(title="T", summary="S", body="Better.")
    article.publish(update)
    Comment.objects.filter(pk=comment.pk).update(led_to_version=update)
    article.refresh_from_db()
    Article.objects.filter(pk=article.pk).expire_pages()
    assert "This comment led to an update on" in page_of(article)


def test_a_comment_can_only_be_linked_to_a_version_of_its_own_article(
    moderator_client, article, make_article, make_comment
):
    comment = make_comment(article)
    elsewhere = make_article()
    response = moderator_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "status": comment.status,
            "name": comment.name,
            "website": "",
            "body": comment.body,
            "led_to_version": str(elsewhere.published_version.pk),
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    comment.refresh_from_db()
    assert comment.led_to_version is None


def test_a_link_to_an_unpublished_version_is_not_shown_yet(article, make_comment):
    comment = make_comment(article)
    draft = article.add_version(title="T", summary="S", body="Draft fix.", is_correction=True,
                                correction_note=NOTE)  # fmt: skip
    Comment.objects.filter(pk=comment.pk).update(led_to_version=draft)
    Article.objects.filter(pk=article.pk).expire_pages()
    article.refresh_from_db()
    page = page_of(article)
    assert "led to" not in page and NOTE not in page
