"""Journey 1, reading: from the front page to the demo article and its comment thread."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_HEADINGS = [
    "Introduction to Ketamine",
    "Medical Uses of Ketamine",
    "How Ketamine Works",
    "Case Studies and Examples",
    "Statistics on Ketamine Efficacy",
    "Potential Risks and Side Effects",
    "Questions to Ask Before Treatment",
    "Conclusion",
    "References",  # the footnotes the statistics cite
]


def test_reader_opens_the_demo_article_from_the_front_page(
    page, live_server, demo_article, screenshots
):
    page.goto("/")
    # The front page opens on its lead story; its one h1 names the site.
    expect(page.get_by_role("heading", level=1)).to_have_text(settings.SITE_NAME)
    screenshots(page, "front-page")
    page.get_by_role("link", name="What is Ketamine Used For?").click()

    expect(page).to_have_url(f"{live_server.url}/what-is-ketamine-used-for/")
    expect(page).to_have_title(re.compile(r"^What is Ketamine Used For\? \| "))
    article = page.locator("article#article")
    expect(article.get_by_role("heading", level=1)).to_have_text("What is Ketamine Used For?")
    expect(article.locator(".lede")).to_contain_text(
        "Ketamine began as an anaesthetic and is now also used for treatment-resistant depression"
    )
    expect(article.locator(".article-body h2")).to_have_text(DEMO_HEADINGS)
    # Five bulleted lists, each item with its bold label, as the Markdown wrote them.
    lists = article.locator(".article-body ul")
    expect(lists).to_have_count(5)
    expect(lists.nth(0).locator("li")).to_have_count(4)
    expect(lists.nth(0).locator("li strong").first).to_have_text("Anaesthesia:")
    expect(lists.nth(4).locator("li strong").last).to_have_text(
        "What happens after the first course?"
    )
    expect(article.locator("time").first).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
    )

    comments = page.locator("#comments")
    expect(comments.get_by_role("heading", level=2)).to_have_text("4 Responses")
    top_level = comments.locator("ol.comment-list > li.comment")
    expect(top_level).to_have_count(2)
    expect(top_level.locator("> .comment-header .comment-author")).to_have_text(
        ["Maria Lopez", "Chris"]
    )
    # Maria's comment carries the thread: Dr. Okafor's reply, then Maria's answer under it.
    first_thread = top_level.first
    reply = first_thread.locator("> ol.children > li.comment")
    expect(reply.locator("> .comment-header .comment-author")).to_have_text("Dr. Sam Okafor")
    expect(reply.locator("> .comment-header .badge-staff")).to_have_text("Staff")
    answer = reply.locator("> ol.children > li.comment")
    expect(answer.locator("> .comment-body")).to_have_text("That makes sense, thank you!")
    expect(page.locator(".comment-pending")).to_have_count(0)
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()

    screenshots(page, "article")

    # The change log of the article, then a search from the box in the header.
    page.goto("/what-is-ketamine-used-for/changes/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Changes"))
    expect(page.locator("main")).to_contain_text("What is Ketamine Used For?")
    screenshots(page, "change-log")
    page.get_by_role("searchbox", name="Search articles").fill("ketamine")
    page.get_by_role("searchbox", name="Search articles").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=ketamine$"))
    expect(page.get_by_role("link", name="What is Ketamine Used For?")).to_be_visible()
    screenshots(page, "search")
