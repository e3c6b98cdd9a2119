"""One reader's unbroken word or address must never make the page wider than the screen."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment

from .test_replying import comment_field, email_field, name_field, website_field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_WORD = "a" * 300
LONG_URL = "https://www.ncbi.nlm.nih.gov/" + "b" * 271
WIDTHS = (320, 390, 1280)


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_words_and_addresses_wrap_at_every_width(new_context, article_url, demo_article):
    writer = new_context().new_page()
    writer.goto(article_url)
    comment_field(writer).fill(f"{LONG_WORD}\n\nSee {LONG_URL}")
    name_field(writer).fill("N" * 150)
    email_field(writer).fill("long.e2e@example.org")
    website_field(writer).fill(LONG_URL)
    writer.get_by_role("button", name="Post Comment").click()
    comment = Comment.objects.get(email="long.e2e@example.org")
    comment.approve()
    # The article's own text links to a long address too.
    version = demo_article.published_version
    body = f"{version.body}\n\nSource: [{LONG_URL}]({LONG_URL})\n"
    demo_article.publish(
        demo_article.add_version(title=version.title, summary=version.summary, body=body)
    )

    for width in WIDTHS:
        reader = new_context(viewport={"width": width, "height": 800}).new_page()
        reader.goto(article_url)
        expect(reader.locator(f"#comment-{comment.pk} .comment-body")).to_contain_text(LONG_WORD)
        expect(reader.locator(f'.article-body a[href="{LONG_URL}"]')).to_be_visible()
        assert page_width(reader) <= width, f"the page is {page_width(reader)} px wide at {width}"
