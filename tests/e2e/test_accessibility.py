"""Accessibility: axe-core finds nothing serious or critical on the pages people use,
and the article page works without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


def assert_no_serious_violations(violations, page_name):
    """Fail on serious or critical violations; print the lesser ones for the record."""
    for violation in violations:
        print(f"axe on {page_name}: {violation['impact']} {violation['id']}: {violation['help']}")
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious or critical violations on {page_name}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in blocking
    )


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


def test_admin_comment_queue_has_no_serious_violations(
    new_context, demo_article, make_comment, moderator, run_axe, sign_in
):
    make_comment(demo_article, status=Comment.Status.PENDING, name="Waiting Reader")
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, moderator)
    page.goto("/admin/comments/comment/")
    expect(page.get_by_text("Waiting Reader")).to_be_visible()
    assert_no_serious_violations(run_axe(page), "the admin comment queue")


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
        "Your comment is awaiting moderation."
    )
    expect(page.locator(f"#comment-{comment.pk} .comment-body")).to_have_text(
        "Read and posted without JS."
    )
