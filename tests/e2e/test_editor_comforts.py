"""The article editor's preview follows the caret in Chromium: the paragraph being edited is
marked in the preview and scrolled into the frame's view, and stays so when the preview
refreshes; the Markdown help opens beside the text. The server's side (the preview's line
marks, the help's examples, the way back from a version preview): tests/test_editor_comforts.py.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.article_form import change_url

from .conftest import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Long enough that the third paragraph starts below the preview frame's first screen.
FILLER = "Sleep restores the body and steadies the mind, night after night. " * 12
PARAGRAPHS = [f"Paragraph {number}. {FILLER}" for number in range(1, 7)]


def test_moving_the_caret_to_the_third_paragraph_marks_it_in_the_preview_and_shows_it(
    new_context, demo_article, editor, sign_in, run_axe, screenshots
):
    page = new_context(bypass_csp=True).new_page()
    sign_in(page, editor)
    page.goto(change_url(demo_article))
    body = page.locator("#id_body")
    body.fill("\n\n".join(PARAGRAPHS))
    frame = page.frame_locator("#article-preview")
    third = frame.locator(".article-body p").nth(2)
    expect(third).to_contain_text("Paragraph 3.")  # the preview shows the text typed
    expect(third).not_to_be_in_viewport()
    # The text box in view, so that moving its caret does not scroll the page by itself.
    body.evaluate("text => text.scrollIntoView({block: 'center'})")
    page_scroll = page.evaluate("() => window.scrollY")
    # The caret just before the space after "Paragraph 3.", then one step on, by the keyboard.
    at = len(PARAGRAPHS[0]) + len(PARAGRAPHS[1]) + 4 + len("Paragraph 3.")
    body.evaluate("(text, at) => text.setSelectionRange(at, at)", at)
    page.keyboard.press("ArrowRight")

    marked = frame.locator(".editing-here")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text(re.compile(r"^Paragraph 3\."))
    expect(marked).to_be_in_viewport()
    # The frame scrolled, not the editor's page.
    assert page.evaluate("() => window.scrollY") == page_scroll

    # Typing there refreshes the preview (admin-extra/preview.js); it keeps the mark in view.
    page.keyboard.type("Newly typed ")
    expect(frame.locator(".editing-here")).to_contain_text("Paragraph 3. Newly typed")
    expect(frame.locator(".editing-here")).to_be_in_viewport()

    page.get_by_text("Markdown help", exact=True).click()
    expect(page.locator(".markdown-help").get_by_text("References (footnotes)")).to_be_visible()
    assert_no_serious_violations(run_axe(page), "the article editor with the Markdown help")
    screenshots(page, "markdown-help")
