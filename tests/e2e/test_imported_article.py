"""Moving from WordPress: an old link opens the imported article, with its comment thread."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ..conftest import FIXTURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_old_wordpress_link_opens_the_imported_article_and_its_thread(
    page, live_server, screenshot_dir
):
    # --no-media: this export names files on a made-up site (tests/test_wordpress_media.py
    # imports media from a real server).
    call_command(
        "import_wordpress", str(FIXTURES / "wordpress.xml"), "--no-media", stdout=io.StringIO()
    )

    # A link readers kept from the WordPress site, by its post id.
    page.goto("/?p=10")

    expect(page).to_have_url(f"{live_server.url}/vitamin-d-evidence/")
    article = page.locator("article#article")
    expect(article.get_by_role("heading", level=1)).to_have_text(
        "Vitamin D: what the evidence says"
    )
    expect(article.locator(".article-body h2")).to_have_text(["Who needs a supplement"])
    expect(article.locator(".article-body li")).to_have_count(3)
    expect(article.get_by_role("img", name="Sunlight through a window")).to_be_attached()
    expect(article.locator(".article-body blockquote")).to_contain_text("Ten micrograms a day")

    comments = page.locator("#comments")
    # Approved comments only: not the pending one, the spam, the removed one or the pingback.
    expect(comments.get_by_role("heading", level=2)).to_have_text("5 Responses")
    top_level = comments.locator("ol.comment-list > li.comment")
    expect(top_level.locator("> .comment-header .comment-author")).to_have_text(
        ["José Müller", "Ann O'Brien"]
    )
    # The thread four deep, each reply inside the one it answers.
    staff_reply = top_level.first.locator("> ol.children > li.comment")
    expect(staff_reply.locator("> .comment-header .comment-author")).to_have_text("Dr. Hannah Berg")
    expect(staff_reply.locator("> .comment-header .badge-staff")).to_have_text("Staff")
    third = staff_reply.locator("> ol.children > li.comment")
    expect(third.locator("> .comment-header .comment-author")).to_have_text("Zoë Ødegård")
    expect(third.locator("> .comment-body em")).to_have_text("adult")
    fourth = third.locator("> ol.children > li.comment")
    expect(fourth.locator("> .comment-body")).to_have_text(
        "Same question here, following this thread."
    )
    expect(page.locator(".comment-pending")).to_have_count(0)
    expect(page.get_by_text("Waiting for a moderator")).to_have_count(0)
    content = page.content()
    assert "@mail.example.net" not in content and "@old.example.org" not in content
    expect(page.locator("time").first).to_have_attribute("datetime", re.compile(r"^2019-"))

    path = screenshot_dir / "wordpress-imported-article.png"
    page.screenshot(path=path, full_page=True)
    print(f"Full-page screenshot of the imported article: {path}")
