"""Accessibility: axe-core finds nothing serious or critical on the pages people use,
every public page and the admin pages whose markup is ours, at a desktop's and a phone's
width; and the article page works without JavaScript."""

import re

import pytest
from django.conf import settings
from django.core import signing
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment, Subscription
from comments.subscriptions import CONFIRM_SALT

from .conftest import (
    BLOCKING_IMPACTS,
    SCREENSHOT_WIDTHS,
    WIDER_THAN_VIEWPORT,
    assert_no_serious_violations,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_front_page_has_no_serious_accessibility_violations(new_context, demo_article, run_axe):
    page = new_context(bypass_csp=True).new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="What is Ketamine Used For?")).to_be_visible()
    assert_no_serious_violations(run_axe(page), "the front page")


def test_article_page_with_comments_and_a_form_error_has_no_serious_violations(
    new_context, article_url, run_axe
):
    page = new_context(bypass_csp=True).new_page()
    page.goto(article_url)
    # First a comment of the reader's own, so the page also shows one awaiting moderation.
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill("Is this safe for teenagers?")
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Sam")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("sam.a11y@example.org")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment-pending")).to_contain_text("awaiting moderation")
    assert_no_serious_violations(run_axe(page), "the article page after a reply")

    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill("And for older people?")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("")
    # Past the browser's own check, so the page shows the server's error message.
    page.locator("#commentform").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#div_id_email")).to_contain_text("Please enter your email address.")
    expect(page.locator("ol.comment-list li.comment")).to_have_count(5)
    expect(page.locator(".comment-pending")).to_have_count(1)
    assert_no_serious_violations(run_axe(page), "the article page with a form error")


def test_admin_comment_queue_with_markers_menus_and_undo_has_no_serious_violations(
    new_context, demo_article, make_comment, moderator, axe_at_both_widths, sign_in
):
    make_comment(
        demo_article,
        status=Comment.Status.PENDING,
        name="Waiting Reader",
        hold_reasons=[{"code": "crisis", "detail": ""}, {"code": "personal_data", "detail": ""}],
        body="Call me on 0161 496 0000. " * 20,
    )
    make_comment(demo_article, status=Comment.Status.PENDING, name="Decided Reader")
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, moderator)
    page.goto("/admin/comments/comment/")
    page.get_by_role("button", name="Approve the comment by Decided Reader").click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    row = page.locator("#result_list tbody tr", has_text="Waiting Reader")
    expect(row.locator(".hold-reason")).to_have_text(["Possible crisis", "Personal data"])
    row.locator("summary", has_text="Reject…").click()
    row.locator("summary", has_text="Reply…").click()
    row.locator("summary", has_text="more").click()
    page.locator(".queue-keys summary").click()
    found = axe_at_both_widths(page, "the comment queue, its menus open, after a decision")
    page.goto("/admin/comments/comment/?status=removed")
    expect(page.locator(".empty-queue")).to_contain_text("Other queues")
    found += axe_at_both_widths(page, "an empty queue")
    page.goto("/admin/comments/comment/report/")
    expect(page.locator("#content")).to_contain_text("Median time to a decision")
    found += axe_at_both_widths(page, "the monthly report")
    assert_none_found(found)


def test_reader_posts_a_comment_with_javascript_disabled(new_context, article_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(article_url)
    expect(page.locator("#comments-title")).to_have_text("4 Responses")
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill("Read and posted without JS.")
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("No Script")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("noscript.e2e@example.org")
    page.get_by_role("button", name="Post Comment").click()

    comment = Comment.objects.get(email="noscript.e2e@example.org")
    assert comment.status == Comment.Status.PENDING
    expect(page).to_have_url(f"{article_url}#comment-{comment.pk}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(
        "your comment is awaiting moderation."
    )
    expect(page.locator(f"#comment-{comment.pk} .comment-body")).to_have_text(
        "Read and posted without JS."
    )


@pytest.fixture
def axe_at_both_widths(run_axe):
    """``check(page, name)``: axe on the page as it is now at 1280 and at 390 px (the
    viewport restored after); the serious and critical violations, as lines to print."""

    def check(page, name):
        original = page.viewport_size
        found = []
        try:
            for width in sorted(SCREENSHOT_WIDTHS, reverse=True):
                page.set_viewport_size({"width": width, "height": original["height"]})
                for violation in run_axe(page):
                    if violation["impact"] in BLOCKING_IMPACTS:
                        found.append(
                            f"- {name} at {width} px: {violation['id']} ({violation['impact']}): "
                            f"{violation['help']} at {violation['targets']}"
                        )
        finally:
            page.set_viewport_size(original)
        return found

    return check


def assert_none_found(found):
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)


def test_every_reader_page_has_no_serious_violations_at_both_widths(
    new_context, demo_article, article_url, axe_at_both_widths
):
    chris = Comment.objects.get(name="Chris")
    page = new_context(bypass_csp=True).new_page()
    found = []
    for path, name, shows in [
        ("/", "the front page", "What is Ketamine Used For?"),
        (article_url, "the article, with a lead image and three figures", "Leave a Reply"),
        (f"{article_url}?replyto={chris.pk}#respond", "the article replying to a comment", ""),
        (f"{article_url}changes/", "the change log", "What is Ketamine Used For?"),
        ("/topics/", "the topics A–Z", "Mental health"),
        ("/topics/mental-health/", "a topic with subtopics", "What is Ketamine Used For?"),
        ("/topics/depression/", "a subtopic", "What is Ketamine Used For?"),
        ("/tags/ketamine/", "a tag", "What is Ketamine Used For?"),
        ("/authors/jordan-ellis/", "a writer's page", "What is Ketamine Used For?"),
        ("/authors/alex-morgan/", "a reviewer's page", "What is Ketamine Used For?"),
        ("/search/?q=ketamine", "search results", "What is Ketamine Used For?"),
        ("/search/?q=zzyzx", "a search that finds nothing", "zzyzx"),
        ("/search/", "the search page", ""),
        ("/privacy/", "the privacy page", ""),
        (f"/comments/{chris.pk}/report/", "reporting a comment", ""),
        ("/comments/emails/unsubscribe/not-a-real-token/", "an invalid email link", ""),
    ]:
        response = page.goto(path)
        assert response.status in {200, 400}, f"{name}: {response.status}"
        expect(page.locator("main")).to_contain_text(shows)
        found += axe_at_both_widths(page, name)

    response = page.goto("/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    found += axe_at_both_widths(page, "the 404 page")

    # A withdrawn article (issue 21): 410 Gone, with a note in the site's style.
    gone = Article.objects.create(slug="withdrawn-guidance")
    gone.publish(gone.add_version(title="Old guidance", summary="s", body="b"))
    Article.objects.filter(pk=gone.pk).update(
        withdraw_at=timezone.now(), withdrawal_note="Replaced by newer advice."
    )
    response = page.goto("/withdrawn-guidance/")
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This article was withdrawn")
    found += axe_at_both_widths(page, "a withdrawn article (410)")
    assert_none_found(found)


def test_no_reader_page_is_wider_than_a_320_px_screen(new_context, demo_article, article_url):
    """The narrowest phone still in use: nothing sticks out, so no page scrolls sideways,
    with the lead image, the figures, the thumbnails and the breadcrumbs."""
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    too_wide = []
    for path, shows in [
        ("/", "What is Ketamine Used For?"),
        (article_url, "Leave a Reply"),
        ("/topics/", "Mental health"),
        ("/topics/depression/", "What is Ketamine Used For?"),
        ("/tags/ketamine/", "What is Ketamine Used For?"),
        ("/authors/jordan-ellis/", "What is Ketamine Used For?"),
        ("/authors/alex-morgan/", "What is Ketamine Used For?"),
        (f"{article_url}changes/", "What is Ketamine Used For?"),
        ("/search/?q=ketamine", "What is Ketamine Used For?"),
        ("/search/?q=zzyzx", "zzyzx"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_contain_text(shows)
        page.wait_for_load_state("load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"- {path}: {width} px wide; {page.evaluate(WIDER_THAN_VIEWPORT)}")
    assert not too_wide, "Pages wider than a 320 px screen:\n" + "\n".join(too_wide)


def test_a_readers_own_comment_and_email_pages_have_no_serious_violations(
    new_context, demo_article, article_url, axe_at_both_widths
):
    page = new_context(bypass_csp=True).new_page()
    page.goto(article_url)
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill("Can I change this later?")
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Editing Reader")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("own.a11y@example.org")
    page.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(email="own.a11y@example.org")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("awaiting moderation")
    found = []
    for path, name in [
        (f"/comments/{comment.pk}/edit/", "editing one's comment"),
        (f"/comments/{comment.pk}/delete/", "deleting one's comment"),
    ]:
        page.goto(path)
        expect(page.locator("main")).to_contain_text("Can I change this later?")
        found += axe_at_both_widths(page, name)

    subscription = Subscription.objects.create(
        email="own.a11y@example.org", kind=Subscription.Kind.ARTICLE, article=demo_article
    )
    token = signing.dumps({"s": [subscription.pk]}, salt=CONFIRM_SALT)
    page.goto(f"/comments/emails/confirm/{token}/")
    expect(page.locator("main")).to_contain_text("What is Ketamine Used For?")
    found += axe_at_both_widths(page, "confirming emails")
    unsubscribe = subscription.unsubscribe_url().removeprefix(settings.SITE_URL)
    page.goto(unsubscribe)
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    found += axe_at_both_widths(page, "unsubscribing")
    assert_none_found(found)


def test_refusal_pages_have_no_serious_violations(
    new_context, demo_article, article_url, axe_at_both_widths
):
    context = new_context(bypass_csp=True)
    page = context.new_page()
    found = []
    # Comments closed while the reader was typing: the comment is not saved, text kept.
    page.goto(article_url)
    page.get_by_role("textbox", name=re.compile(r"^Comment")).fill("Closed before I sent it.")
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Late Reader")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("late.a11y@example.org")
    demo_article.comments_open = False
    demo_article.save(update_fields=["comments_open"])
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("main")).to_contain_text("Comments are closed on this article")
    found += axe_at_both_widths(page, "a comment not saved")

    # A form whose CSRF cookie is gone (expired, cleared): refused in the site's style.
    page.goto("/admin/login/")
    context.clear_cookies()
    page.locator("#id_username").fill("nobody")
    page.locator("#id_password").fill("not-a-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This form could not be sent")
    found += axe_at_both_widths(page, "a refused form (CSRF)")
    assert_none_found(found)


def test_our_admin_pages_have_no_serious_violations_at_both_widths(
    new_context, demo_article, make_comment, admin_user, sign_in, axe_at_both_widths
):
    chris = Comment.objects.get(name="Chris")
    pending = make_comment(
        demo_article, parent=chris, status=Comment.Status.PENDING, name="Waiting Reader"
    )
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, admin_user)
    article_admin = f"/admin/articles/article/{demo_article.pk}"
    found = []
    for path, name, shows in [
        ("/admin/", "the admin index", "comment awaiting moderation"),
        ("/admin/comments/comment/", "the comment queue", "Waiting Reader"),
        (f"/admin/comments/comment/{pending.pk}/change/", "a comment's form", "Waiting Reader"),
        (f"{article_admin}/change/", "the article editor", "What is Ketamine Used For?"),
        (f"{article_admin}/versions/", "the version history", "What is Ketamine Used For?"),
        (
            f"{article_admin}/compare/?from=1&to=2",
            "comparing versions",
            "What is Ketamine Used For?",
        ),
        (f"{article_admin}/revert/1/", "the revert confirmation", "Revert to version 1?"),
        ("/admin/articles/article/review-queue/", "the review queue", ""),
        ("/admin/articles/image/", "the image library", "Ketamine molecule"),
        ("/admin/articles/image/add/", "adding an image", "Alt text"),
        ("/admin/articles/article/review-schedule/", "the review schedule", ""),
        ("/admin/", "the admin index's Waiting for you", "Waiting for you"),
        (f"{article_admin}/review/2/", "the review page", "Your decision on version 2"),
    ]:
        response = page.goto(path)
        assert response.status == 200, f"{name}: {response.status}"
        expect(page.locator("#content")).to_contain_text(shows)
        found += axe_at_both_widths(page, name)
    assert_none_found(found)
