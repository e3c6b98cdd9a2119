"""A reader follows "Last updated" from the demo article to the newest change, and a
commenter's "earlier version" note to the comparison: the rendered text that changed, in
plain words, readable at 390 and 1280 px, in light and dark schemes."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADDED_HEADING = "Questions to Ask Before Treatment"  # what version 2 of the demo added


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def assert_plain_words(page):
    text = page.locator("main").inner_text()
    for markdown in ("##", "**", "]("):
        assert markdown not in text, f"Markdown {markdown!r} shown to readers"


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_last_updated_lands_on_the_newest_change(
    new_context, article_url, demo_article, live_server, run_axe, screenshot_dir, width, scheme
):
    context = new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
    )
    reader = context.new_page()
    reader.goto(article_url)
    reader.get_by_role("link", name="Last updated").click()

    expect(reader).to_have_url(f"{live_server.url}/{demo_article.slug}/changes/#version-2")
    newest = reader.locator("#version-2")
    expect(newest.get_by_role("heading", name="Version 2 (current)")).to_be_in_viewport()
    expect(newest).to_contain_text("Added questions to ask a doctor before treatment.")
    expect(newest).to_contain_text("What changed since version 1:")
    # The new section, word for word and marked as added, after the heading of the section
    # before it; nothing of the paragraphs that did not change.
    added = newest.locator(".diff-added.diff-heading ins")
    expect(added).to_have_text(ADDED_HEADING)
    expect(added).to_be_visible()
    expect(newest.locator(".diff-context.diff-heading").first).to_have_text(
        "Potential Risks and Side Effects"
    )
    expect(newest.locator(".diff-added.diff-item")).to_have_count(3)
    expect(newest).not_to_contain_text("Ketamine entered medicine")
    assert_plain_words(reader)
    # Underlined, not only coloured.
    decoration = added.evaluate("element => getComputedStyle(element).textDecorationLine")
    assert "underline" in decoration

    assert page_width(reader) <= width, f"the page is {page_width(reader)} px wide at {width}"
    assert_no_serious_violations(run_axe(reader), "the change log")
    reader.screenshot(path=screenshot_dir / f"change-log-{scheme}-{width}.png", full_page=True)


def test_written_about_an_earlier_version_opens_the_comparison(
    new_context, article_url, demo_article, live_server, run_axe
):
    reader = new_context(bypass_csp=True).new_page()
    reader.goto(article_url)
    reader.get_by_role("link", name="an earlier version of this article").first.click()

    expect(reader).to_have_url(
        f"{live_server.url}/{demo_article.slug}/changes/?from=1&to=2#comparison"
    )
    comparison = reader.locator("#comparison")
    expect(comparison.get_by_role("heading", name="Version 1 and version 2")).to_be_in_viewport()
    expect(comparison.locator(".diff-added.diff-heading ins")).to_have_text(ADDED_HEADING)
    assert_plain_words(reader)
    assert_no_serious_violations(run_axe(reader), "the change log")


def test_a_corrected_sentence_and_title_read_before_and_after(
    new_context, article_url, demo_article, run_axe, screenshot_dir
):
    published = demo_article.published_version
    sentence = "Blocking them sets off rapid changes"
    assert sentence in published.body
    demo_article.publish(
        demo_article.add_version(
            title="What Is Ketamine Used For Today?",
            summary=published.summary,
            body=published.body.replace(sentence, "Blocking them starts rapid changes"),
            change_note="Plainer wording; the title asks about today.",
        )
    )
    reader = new_context(viewport={"width": 390, "height": 900}, bypass_csp=True).new_page()
    reader.goto(article_url)
    reader.get_by_role("link", name="Last updated").click()
    newest = reader.locator("#version-3")
    expect(newest).to_be_in_viewport()
    fields = newest.locator(".diff-fields")
    expect(fields.locator("dd").first).to_have_text("What is Ketamine Used For?")
    expect(fields.locator("dd").last).to_have_text("What Is Ketamine Used For Today?")
    expect(fields.locator("dd").last.locator("ins")).to_have_text(["Is", "For Today?"])
    expect(fields.locator("dd").first.locator("del")).to_have_text(["is", "For?"])
    expect(newest.locator(".diff-context.diff-heading")).to_have_text(["How Ketamine Works"])
    changed = newest.locator(".diff-changed")
    expect(changed.locator("del")).to_have_text("sets off")
    expect(changed.locator("ins")).to_have_text("starts")
    expect(newest).not_to_contain_text("Ketamine entered medicine")
    assert_plain_words(reader)
    assert page_width(reader) <= 390
    assert_no_serious_violations(run_axe(reader), "the change log")
    reader.screenshot(path=screenshot_dir / "change-log-correction-390.png", full_page=True)
