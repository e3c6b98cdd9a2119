"""A post the site could not answer: the reader's text waits in the form when they return.

The app servers are down only for the post: the browser gets what Varnish then answers
(deploy/varnish/default.vcl: a 503 saying the comment may not have been saved, with a
link back to the article), and the article itself loads again from the live server.
"""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPED = "Does the effect on mood last once the infusions stop? I want to ask my doctor."


def test_text_of_a_post_the_site_did_not_answer_is_back_in_the_form(page, demo_article):
    path = demo_article.get_absolute_url()
    page.route(
        re.compile(r".*/comments/$"),
        lambda route: route.fulfill(
            status=503,
            content_type="text/html; charset=utf-8",
            body=(
                "<!doctype html><title>Your comment may not have been saved</title>"
                "<h1>Your comment may not have been saved</h1>"
                f'<a href="{path}">open the article</a>'
            ),
        ),
    )
    page.goto(path)
    comment = page.get_by_role("textbox", name=re.compile(r"^Comment"))
    comment.fill(TYPED)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Jo Reader")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("jo.e2e@example.org")
    page.get_by_role("button", name=re.compile(r"^Post")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your comment may not have been saved"
    )
    page.unroute(re.compile(r".*/comments/$"))

    page.get_by_role("link", name="open the article").click()
    expect(page.get_by_role("textbox", name=re.compile(r"^Comment"))).to_have_value(TYPED)
    assert not Comment.objects.filter(body=TYPED).exists()

    # Sent again once the site answers: saved, and the draft is forgotten.
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Jo Reader")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("jo.e2e@example.org")
    page.get_by_role("button", name=re.compile(r"^Post")).click()
    expect(page.locator(".message-success")).to_be_visible()
    assert Comment.objects.filter(body=TYPED).count() == 1
    page.goto(path)
    expect(page.get_by_role("textbox", name=re.compile(r"^Comment"))).to_have_value("")
