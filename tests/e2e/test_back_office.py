"""The back office in Chromium: a moderator works the comment queue at 1280 px, an editor
writes beside a preview of the text and reverts only after confirming, and axe finds
nothing serious or critical on the admin pages whose markup is ours.

Screenshots of each page at 1280 and 390 px go to test-artifacts/screenshots/.
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from comments.models import Comment

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 390)


def no_sideways_scroll(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def screenshots(page, screenshot_dir, name):
    """Full-page screenshots at each width; the page is left at 1280 px."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=screenshot_dir / f"back-office-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_moderator_works_the_queue_at_1280_px_with_one_click_per_comment(
    new_context, demo_article, make_comment, moderator, run_axe, screenshot_dir, sign_in
):
    thread_start = demo_article.comments.filter(parent=None).earliest("created_at")
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4
    make_comment(
        demo_article,
        status=Comment.Status.PENDING,
        name="Robin With A Rather Long Name Indeed",
        email="robin.with.a.very.long.address.for.testing@example.org",
        body=f"Does this apply to children too? {long_word} https://example.org/{long_word}",
        ip_address="2001:db8:85a3::8a2e:370:7334",
    )
    reply = make_comment(
        demo_article,
        parent=thread_start,
        status=Comment.Status.PENDING,
        name="Sam Replies",
        body="I had the same question and my doctor said it depends on the dose.",
    )
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, moderator)

    # The admin carries the site's name and its favicon.
    expect(page.locator("#site-name")).to_have_text(settings.SITE_NAME)
    expect(page).to_have_title(re.compile(rf"\| {re.escape(settings.SITE_NAME)} admin$"))
    assert page.locator('link[rel="icon"]').get_attribute("href").endswith("favicon.svg")
    assert_no_serious_violations(run_axe(page), "the admin home")
    screenshots(page, screenshot_dir, "admin-home")

    page.get_by_role("link", name="2 comments awaiting moderation").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    assert no_sideways_scroll(page), "the queue scrolls sideways at 1280 px"
    # Every key column is on screen, for the longest row too.
    headers = page.locator("#result_list thead th")
    # (Issue 22: who sent it, with the email and IP address, in one "From" column; the
    # status above the row's buttons.)
    expect(headers).to_have_text(
        ["", "Comment", "From", "Article", "Date", "Reports", "Decide"], ignore_case=True
    )
    # Django's results box scrolls its table sideways when it is too wide, hiding the last
    # columns (the buttons) without widening the page: each column must end inside it.
    results = page.locator("#changelist .results").bounding_box()
    for index in range(headers.count()):
        box = headers.nth(index).bounding_box()
        assert box["x"] + box["width"] <= results["x"] + results["width"] + 0.5, (
            f"column {index} ends at {box['x'] + box['width']:.0f} px, "
            f"the queue at {results['x'] + results['width']:.0f} px"
        )

    # The reply says what it answers, linked to that comment.
    reply_row = rows.filter(has_text="Sam Replies")
    expect(reply_row.locator(".reply-to")).to_contain_text(f"Reply to {thread_start.name}:")
    expect(reply_row.get_by_role("link", name=thread_start.name)).to_have_attribute(
        "href", f"/admin/comments/comment/{thread_start.pk}/change/"
    )
    assert_no_serious_violations(run_axe(page), "the comment queue")
    screenshots(page, screenshot_dir, "comment-queue")

    reply_row.get_by_role("button", name="Approve the comment by Sam Replies").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Approved the comment by Sam Replies.")
    # Back on the same queue (pending), where the approved comment is no longer waiting.
    expect(page).to_have_url(re.compile(r"/admin/comments/comment/$"))
    expect(rows).to_have_count(1)
    reply.refresh_from_db()
    assert reply.status == Comment.Status.APPROVED and reply.moderated_by == moderator

    # The decision is in the comment's History, with who made it.
    page.goto(f"/admin/comments/comment/{reply.pk}/history/")
    history = page.locator("#change-history tbody tr")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Approved (one click).")
    expect(history).to_contain_text("moira (Moira Quinn)")


def test_editor_sees_the_preview_beside_the_text_and_confirms_a_revert(
    new_context, demo_article, editor, run_axe, screenshot_dir, sign_in
):
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, editor)
    page.goto(f"/admin/articles/article/{demo_article.pk}/change/")

    # The article is live: publishing is the primary button; "Publish at" names its zone.
    expect(page.locator(".submit-row input.default")).to_have_value("Save and publish")
    expect(page.locator('label[for="id_publish_at"]')).to_have_text(
        f"Publish at ({settings.TIME_ZONE}):"
    )

    frame = page.frame_locator("#article-preview")
    expect(frame.locator("h1")).to_have_text(demo_article.published_version.title)
    body = page.locator("#id_body")
    body.fill("## A heading typed just now\n\nWith **bold** words, not saved yet.")
    # The script refreshes the preview once typing pauses; no save.
    expect(frame.get_by_role("heading", level=2)).to_have_text(["A heading typed just now"])
    expect(frame.locator(".article-body strong")).to_have_text("bold")
    assert demo_article.versions.count() == 2
    text_box, preview_box = body.bounding_box(), page.locator("#article-preview").bounding_box()
    assert preview_box["x"] >= text_box["x"] + text_box["width"], "the preview is not beside"
    assert preview_box["y"] < text_box["y"] + text_box["height"], "the preview is not beside"
    assert no_sideways_scroll(page)
    assert_no_serious_violations(run_axe(page), "the article editor")
    screenshots(page, screenshot_dir, "article-editor")

    # Reverting asks first, and does nothing until confirmed.
    page.goto(f"/admin/articles/article/{demo_article.pk}/versions/")
    page.get_by_role("link", name="Revert to this version…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revert to version 1?")
    assert demo_article.versions.count() == 2
    assert_no_serious_violations(run_axe(page), "the revert confirmation")
    screenshots(page, screenshot_dir, "revert-confirmation")
    page.get_by_role("button", name="Yes, publish a copy of version 1").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Version 3 is published: a copy of version 1."
    )
    demo_article.refresh_from_db()
    assert demo_article.published_version.number == 3


def test_the_preview_works_without_javascript(new_context, demo_article, editor, sign_in):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, editor)
    page.goto(f"/admin/articles/article/{demo_article.pk}/change/")
    page.locator("#id_title").fill("A title typed without a script")
    page.get_by_role("button", name="Update the preview").click()
    frame = page.frame_locator("#article-preview")
    expect(frame.locator("h1")).to_have_text("A title typed without a script")
    assert demo_article.versions.count() == 2
