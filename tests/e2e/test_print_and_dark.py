"""The article on paper (no form, no navigation, addresses written out) and in the dark
scheme a reader's system asks for; both photographed at 390 and 1280 px."""

import pytest
from playwright.sync_api import expect

from .test_accessibility import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1280)
NHS = "https://www.nhs.uk/conditions/ketamine/"


def test_the_printed_article_has_no_form_or_navigation_and_shows_addresses(
    new_context, article_url, demo_article, make_comment, screenshot_dir
):
    comment = make_comment(demo_article, body=f"The NHS page helped: {NHS}")
    for width in WIDTHS:
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(article_url)
        page.emulate_media(media="print")
        expect(page.locator("#respond")).to_be_hidden()
        expect(page.get_by_role("navigation", name="Site")).to_be_hidden()
        expect(page.get_by_role("search")).to_be_hidden()
        expect(page.locator(".article-body")).to_be_visible()
        link = page.locator(f"#comment-{comment.pk} .comment-body a")
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert NHS in after
        page.screenshot(path=screenshot_dir / f"article-print-{width}.png", full_page=True)


def test_the_dark_scheme_follows_the_system_and_stays_readable(
    new_context, article_url, run_axe, screenshot_dir
):
    for width in WIDTHS:
        page = new_context(
            viewport={"width": width, "height": 900}, color_scheme="dark", bypass_csp=True
        ).new_page()
        page.goto(article_url)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 20, 23)"
        page.screenshot(path=screenshot_dir / f"article-dark-{width}.png", full_page=True)
        # Contrast and the rest, in the dark too.
        assert_no_serious_violations(run_axe(page), f"the article page, dark, at {width} px")
    light = new_context(color_scheme="light").new_page()
    light.goto(article_url)
    assert light.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
