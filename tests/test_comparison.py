"""One comparison everywhere (issue 21): the admin's Compare, the revert confirmation and the
public change log show what a reader would see change, changed blocks only, and never a
change that did not happen."""

import re

import pytest
from django.urls import reverse

from articles.comparison import comparison_html, differences
from articles.diff import word_diff
from articles.models import MedicalReview
from tests.article_form import change_url, edit
from tests.text import visible_text

pytestmark = pytest.mark.django_db

# The end of the demo article, as a file gives it: with a line break after the last word.
ENDING = (
    "## Conclusion\n\nKetamine has come a long way.\n\n"
    "It belongs under the care of a clinician who can weigh its benefits against its risks.\n"
)


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def marked(page):
    """The words in <ins> and <del> in the comparison of a page (not its legend)."""
    comparison = page[page.index('<div class="diff">') :]
    return re.findall(r"<(?:ins|del)>(.*?)</(?:ins|del)>", comparison, re.S)


def test_word_diff_does_not_mark_the_last_word_when_only_the_line_break_after_it_went():
    html = word_diff(
        "Balance its benefits against its risks.\n", "Balance its benefits against its risks."
    )
    assert "<ins>" not in html and "<del>" not in html


def test_an_edit_in_the_form_does_not_mark_the_unchanged_last_word(
    editor_client, make_article, reviewer
):
    # Version 1 as load_demo saves it (a final line break); version 2 through the browser's
    # form, which drops it, with one sentence changed.
    article = make_article(body=ENDING)
    changed = ENDING.replace("a long way", "a very long way").rstrip("\n")
    editor_client.post(change_url(article), edit(article, "_publish", body=changed))
    assert article.versions.count() == 2

    compare = editor_client.get(compare_url(article), {"from": 1, "to": 2}).content.decode()
    article.refresh_from_db()
    revert = editor_client.get(
        reverse("admin:articles_article_revert", args=[article.pk, 1])
    ).content.decode()
    changes = editor_client.get(f"/{article.slug}/changes/").content.decode()

    for page in (compare, revert, changes):
        assert marked(page) == ["very"], marked(page)
        assert "against its risks." in visible_text(page) or "risks." not in page


def test_compare_shows_the_rendered_text_changed_blocks_only(editor_client, make_article):
    paragraphs = [f"Paragraph {number} says something true." for number in range(1, 30)]
    article = make_article(body="## Facts\n\n" + "\n\n".join(paragraphs))
    article.add_version(
        title=article.published_version.title,
        summary=article.published_version.summary,
        body="## Facts\n\n"
        + "\n\n".join(paragraphs).replace("Paragraph 15 says", "Paragraph 15 now says"),
    )

    page = visible_text(editor_client.get(compare_url(article)))

    assert (
        "Paragraph 15 [added: now] says something true." in page or "Paragraph 15 now says" in page
    )
    assert "Paragraph 14 says" in page and "Paragraph 16 says" in page  # the context
    assert "Paragraph 2 says" not in page and "Paragraph 28 says" not in page  # left out


def test_compare_shows_changes_of_key_takeaways_references_and_image_descriptions(
    editor_client, make_article
):
    lead = {"id": 7, "alt": "A nurse checks a drip", "caption": "Infusion clinic", "credit": ""}
    article = make_article(body="A claim.[^1]\n\n[^1]: Source one, 2019.")
    first = article.published_version
    article.add_version(
        title=first.title,
        summary=first.summary,
        body="A claim.[^1]\n\n[^1]: Source one, 2021 update.",
        key_takeaways="It can lift mood within hours.\nIt needs supervision.",
        images={"lead": {**lead, "alt": "A nurse checks an infusion line"}},
    )
    # The first version showed the lead image with its old alt text.
    type(first).objects.filter(pk=first.pk).update(images={"lead": lead})

    page = editor_client.get(compare_url(article)).content.decode()
    text = visible_text(page)

    assert "<h3>Key takeaways</h3>" in page
    assert "<ins>It can lift mood within hours.</ins>" in page
    assert "References" in text and "<ins>2021 update.</ins>" in page
    assert (
        "alt text changed from “A nurse checks a drip” to “A nurse checks an infusion line”" in text
    )


def test_the_compare_buttons_come_before_the_comparison(editor_client, article):
    article.add_version(title="New title", summary="s", body="b " * 3000)
    page = editor_client.get(compare_url(article)).content.decode()
    assert page.index('class="diff-actions"') < page.index('<div class="diff">')
    assert page.index('value="Compare"') < page.index('<div class="diff">')


def test_the_revert_confirmation_asks_before_the_comparison(editor_client, article):
    second = article.add_version(title="Second", summary="s", body="Other words. " * 2000)
    article.publish(second)
    page = editor_client.get(
        reverse("admin:articles_article_revert", args=[article.pk, 1])
    ).content.decode()
    assert page.index('value="Yes, publish a copy of version 1"') < page.index('<div class="diff">')


def test_a_revert_warns_when_the_live_page_will_lose_its_review_stamp(
    editor_client, article, reviewer, client
):
    second = article.add_version(title="Second", summary="s", body="Reviewed words.")
    article.publish(second)
    MedicalReview.sign(second, reviewer, MedicalReview.Decision.APPROVE, credentials="MD")
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])

    warned = visible_text(editor_client.get(revert))
    assert "Medically reviewed by Amina Rahman, MD" in visible_text(client.get(f"/{article.slug}/"))
    assert "The live page will lose its review stamp." in warned
    assert "Medically reviewed by Amina Rahman, MD" in warned

    editor_client.post(revert)
    assert "Medically reviewed by" not in visible_text(client.get(f"/{article.slug}/"))


def test_a_revert_of_a_page_without_a_current_review_gives_no_warning(editor_client, article):
    article.publish(article.add_version(title="Second", summary="s", body="b"))
    page = visible_text(
        editor_client.get(reverse("admin:articles_article_revert", args=[article.pk, 1]))
    )
    assert "review stamp" not in page


def test_comparison_html_is_the_comparison_of_the_change_log(client, article):
    second = article.add_version(title="Sleep and Health", summary="New lede.", body="Sleep heals.")
    article.publish(second)
    html = comparison_html(article.versions.get(number=1), second)
    found = differences(article.versions.get(number=1), second)

    assert found["changed"] and found["summary"] and found["title"] is None
    assert html.strip().startswith('<div class="diff">')
    assert "<h3>Summary</h3>" in html and "<ins>New lede.</ins>" in html
    assert "The words are the same" in comparison_html(second, second)


def queries_of_compare(editor_client, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(compare_url(article)).status_code == 200
    return len(queries)


def test_compare_costs_the_same_queries_for_a_long_article(editor_client, make_article):
    short = make_article(body="One paragraph.")
    short.add_version(title="t", summary="s", body="One changed paragraph.")
    paragraph = "Sleep restores the body and helps the mind. " * 10
    body = "\n\n".join(f"## Part {n}\n\n{paragraph}\n\n{paragraph}" for n in range(25))
    long = make_article(body=body + "\n\nA claim.[^1]\n\n[^1]: A source, 2020.")
    long.add_version(
        title="t", summary="s", body=body.replace("Part 7", "Part seven") + "\n\nA claim."
    )
    editor_client.get(compare_url(short))  # the session and permissions, read once

    assert queries_of_compare(editor_client, long) == queries_of_compare(editor_client, short)
