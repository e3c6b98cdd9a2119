"""Care for a reader in crisis, in a browser: after posting, the safety message is where the
reader lands, on a phone's screen, readable and without serious accessibility faults."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reader_in_crisis_lands_on_the_safety_message_with_its_helpline(
    new_context, article_url, run_axe, screenshots
):
    reader = new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    reader.goto(article_url)
    reader.get_by_role("textbox", name=re.compile(r"^Comment")).fill(
        "I don't want to live anymore. Nothing helps."
    )
    reader.get_by_role("textbox", name=re.compile(r"^Name")).fill("Sam")
    reader.get_by_role("textbox", name=re.compile(r"^Email")).fill("sam.crisis@example.org")
    reader.get_by_role("button", name="Post Comment").click()

    expect(reader).to_have_url(f"{article_url}#messages")
    safety = reader.get_by_role("region", name="You are not alone")
    expect(safety).to_be_in_viewport()
    expect(safety).to_contain_text("988")
    expect(safety.get_by_role("link", name="https://findahelpline.com")).to_be_visible()
    comment = Comment.objects.get(email="sam.crisis@example.org")
    assert comment.urgent and comment.status == Comment.Status.PENDING
    screenshots(reader, "safety-message")
    assert_no_serious_violations(run_axe(reader), "the article page with the safety message")
