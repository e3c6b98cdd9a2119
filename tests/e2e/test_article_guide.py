"""Finding one's way in the demo article: "In this article", the jump to the comments,
and the search box in the header."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_in_this_article_is_open_on_a_wide_screen_and_closed_on_a_phone(
    new_context, article_url, screenshot_dir
):
    wide = new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(article_url)
    toc = wide.locator("details.toc")
    expect(toc.get_by_role("link", name="How Ketamine Works")).to_be_visible()
    toc.get_by_role("link", name="How Ketamine Works").click()
    expect(wide).to_have_url(f"{article_url}#how-ketamine-works")
    expect(wide.get_by_role("heading", name="How Ketamine Works")).to_be_in_viewport()

    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(article_url)
    toc = phone.locator("details.toc")
    expect(toc.get_by_role("link", name="How Ketamine Works")).to_be_hidden()
    phone.screenshot(path=screenshot_dir / "article-guide-390.png")
    toc.locator("summary").click()
    expect(toc.get_by_role("link", name="How Ketamine Works")).to_be_visible()
    phone.get_by_role("link", name="Jump to comments").click()
    expect(phone.locator("#comments-title")).to_be_in_viewport()


def test_the_header_search_box_finds_the_article(page, demo_article, live_server):
    page.goto("/privacy/")
    page.get_by_role("searchbox", name="Search articles").fill("ketamine")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{live_server.url}/search/?q=ketamine")
    expect(page.get_by_role("link", name="What is Ketamine Used For?").first).to_be_visible()
