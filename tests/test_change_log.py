"""The public "Changes to this article" page, and the comments written on an earlier version."""

import re
import time
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from articles import views
from articles.models import Article, MedicalReview
from tests.text import visible_text


def _publish(article, **fields):
    fields.setdefault("title", article.published_version.title)
    fields.setdefault("summary", article.published_version.summary)
    fields.setdefault("body", article.published_version.body)
    version = article.add_version(**fields)
    article.publish(version)
    article.refresh_from_db()
    return version


def _version_headings(page):
    return re.findall(r"<h2 id=\"version-(\d+)-title\">", page)


def test_change_log_lists_every_published_version_newest_first(client, make_article):
    article = make_article(publish_at=timezone.now() - timedelta(days=3))
    _publish(article, body="Sleep restores the body and the mind.", change_note="Added the mind.")
    _publish(article, summary="Why sleep matters.", change_note="Shorter lede.")
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert _version_headings(page) == ["3", "2", "1"]
    assert "Version 3 (current)" in page
    assert "Added the mind." in page and "Shorter lede." in page
    assert "First published" in page
    assert page.count("<time datetime=") == 3


def _section(page, number):
    """The part of the change log about version ``number``."""
    start = page.index(f'id="version-{number}"')
    end = page.find('<section class="change"', start + 1)
    return page[start : end if end != -1 else page.index("</article>")]


SEED_BODY = (Path(__file__).resolve().parents[1] / "articles" / "demo" / "ketamine.md").read_text(
    encoding="utf-8"
)
SECTION_3_SENTENCE = "Blocking them sets off rapid changes in how brain cells connect"


def test_one_changed_sentence_shows_its_paragraph_with_the_words_marked(client, make_article):
    article = make_article(body=SEED_BODY)
    _publish(
        article,
        body=SEED_BODY.replace(
            SECTION_3_SENTENCE, "Blocking them starts rapid changes in how brain cells connect"
        ),
        change_note="Simpler wording in How Ketamine Works.",
    )
    page = client.get(f"/{article.slug}/changes/").content.decode()
    change = _section(page, 2)
    assert "What changed since version 1" in change
    assert "Simpler wording in How Ketamine Works." in change
    # The changed paragraph, its words marked, under the heading of its section.
    assert '<p class="diff-row diff-context diff-heading">How Ketamine Works</p>' in change
    assert "Blocking them <del>sets off</del> <ins>starts</ins> rapid changes" in change
    assert "Ketamine blocks the NMDA receptor" in change
    # Nothing of the paragraphs that did not change, far from it.
    assert "Ketamine entered medicine" not in change
    assert "Individual cases show" not in change
    assert "Potential Risks" not in change
    assert change.count('class="diff-gap"') == 1  # "…" after it: the rest is left out
    # The title and lede did not change: no before-and-after for them.
    assert "<h3>Title</h3>" not in change and "<h3>Summary</h3>" not in change
    # The rendered text, not the Markdown.
    assert "##" not in page and "**" not in page


def test_a_new_section_shows_as_added_blocks_in_plain_words(client, make_article):
    article = make_article(body="## Uses\n\nFor pain.")
    _publish(
        article,
        body="## Uses\n\nFor pain.\n\n## Risks\n\n- **Blood pressure** rises, see "
        "[the NIH](https://www.nih.gov/ketamine).\n- Nausea",
    )
    change = visible_text(_section(client.get(f"/{article.slug}/changes/").content.decode(), 2))
    assert "For pain. Added heading: Risks" in change
    assert "Added list item: Blood pressure rises, see the NIH." in change
    assert "Added list item: Nausea" in change
    for markdown in ("##", "**", "](", "nih.gov"):
        assert markdown not in change


def test_title_and_summary_changes_show_before_and_after(client, article):
    _publish(article, title="Sleep and Your Health", summary="Why sleep matters.")
    change = _section(client.get(f"/{article.slug}/changes/").content.decode(), 2)
    assert (
        '<h3>Title</h3>\n<dl class="diff-fields"><dt>Before</dt><dd>Sleep and Health</dd>'
        "<dt>After</dt><dd>Sleep and <ins>Your</ins> Health</dd></dl>"
    ) in change
    assert (
        '<h3>Summary</h3>\n<dl class="diff-fields"><dt>Before</dt>'
        "<dd>Why sleep <del>matters, in a few paragraphs.</del></dd>"
        "<dt>After</dt><dd>Why sleep <ins>matters.</ins></dd></dl>"
    ) in change
    assert "<h3>Text</h3>" not in change  # the body did not change


def test_change_log_escapes_the_text_it_compares(client, article):
    _publish(article, body="Sleep `<script>alert(1)</script>` restores the body & mind.")
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert "<script>alert(1)" not in page
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "&amp; mind." in page


def test_a_new_version_with_the_same_words_says_so(client, article):
    same_words = article.published_version.body + "\n\n"
    _publish(article, body=same_words, change_note="References checked.")
    change = _section(client.get(f"/{article.slug}/changes/").content.decode(), 2)
    assert "References checked." in change
    assert "The words did not change since version 1." in change
    assert "diff-row" not in change


def test_a_revert_reads_as_a_change_from_the_version_before_and_as_no_change_from_the_original(
    client, article
):
    _publish(article, body="## Why sleep\n\nSleep repairs the body.\n\n- **Rest:** it helps.")
    article.revert_to(article.versions.get(number=1))
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert "Sleep <del>repairs</del> <ins>restores</ins> the body." in _section(page, 3)
    page = client.get(f"/{article.slug}/changes/?from=1&to=3").content.decode()
    comparison = page[page.index('id="comparison"') : page.index('id="version-3"')]
    assert "The words are the same in both versions." in comparison
    assert "diff-row" not in comparison


def test_drafts_and_scheduled_versions_never_appear(client, article):
    article.add_version(title="Draft title", summary="Draft", body="Secret draft words.")
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert _version_headings(page) == ["1"]
    assert "Secret draft" not in page and "Draft title" not in page


def test_change_log_of_an_unpublished_article_is_not_found(client, make_article):
    draft = make_article(publish=False)
    assert client.get(f"/{draft.slug}/changes/").status_code == 404
    scheduled = make_article(publish_at=timezone.now() + timedelta(days=1))
    assert client.get(f"/{scheduled.slug}/changes/").status_code == 404


def test_change_log_shows_the_medical_review_of_each_version(client, article, make_reviewer):
    reviewed = _publish(article, body="Reviewed body.", change_note="Medical review.")
    MedicalReview.sign(reviewed, make_reviewer(), MedicalReview.Decision.APPROVE, credentials="PhD")
    _publish(article, body="Edited after the review.")
    page = client.get(f"/{article.slug}/changes/").content.decode()
    version_2 = page[page.index('id="version-2"') : page.index('id="version-1"')]
    assert "Medically reviewed by Lee Chan, PhD — <time" in version_2
    version_3 = page[page.index('id="version-3"') : page.index('id="version-2"')]
    assert "This version was not medically reviewed." in version_3
    assert "Medically reviewed" not in version_3


def test_last_updated_links_to_the_latest_change_shown_first_with_its_words(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/{article.slug}/changes/"' not in page  # never updated: nothing to show
    _publish(article, body="Old body.")
    _publish(article, body="New body.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/{article.slug}/changes/#version-3">Last updated</a>' in page
    log = client.get(f"/{article.slug}/changes/").content.decode()
    # The target is the first change on the page, its words shown (nothing to open).
    assert _version_headings(log)[0] == "3"
    assert "<del>Old</del> <ins>New</ins> body." in _section(log, 3)
    assert "<details" not in log


def test_change_log_uses_a_fixed_number_of_queries(client, article, django_assert_num_queries):
    for number in range(5):
        _publish(article, body=f"Body number {number}.")
    # The article with its version, the versions, their reviews.
    with django_assert_num_queries(3):
        response = client.get(f"/{article.slug}/changes/")
    assert len(_version_headings(response.content.decode())) == 6


def test_comment_on_an_earlier_version_says_so(client, article, make_comment):
    old_comment = make_comment(article, body="About the first version.")
    _publish(article, body="A better body.")
    new_comment = make_comment(Article.objects.get(pk=article.pk), body="About the second.")
    page = client.get(article.get_absolute_url()).content.decode()
    old_block = page[page.index(f'id="comment-{old_comment.pk}"') :]
    old_block = old_block[: old_block.index("</li>")]
    new_block = page[page.index(f'id="comment-{new_comment.pk}"') :]
    new_block = new_block[: new_block.index("</li>")]
    assert "an earlier version of this article" in old_block
    # Linked to what changed between the version the reader saw and the published one.
    assert f'href="/{article.slug}/changes/?from=1&amp;to=2#comparison"' in old_block
    assert "earlier version" not in new_block


def _comment_block(page, comment):
    block = page[page.index(f'id="comment-{comment.pk}"') :]
    return block[: block.index("</li>")]


def test_a_comment_is_not_marked_after_a_revert_to_the_same_text(client, article, make_comment):
    comment = make_comment(article, body="About the first version.")
    _publish(article, body="One sentence changed.", change_note="A small edit.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "earlier version" in _comment_block(page, comment)
    article.revert_to(article.versions.get(number=1))
    page = client.get(article.get_absolute_url()).content.decode()
    # Version 3 has the words of version 1: the reader commented on what is published.
    assert "earlier version" not in _comment_block(page, comment)


def test_a_new_version_with_the_same_text_does_not_mark_comments(client, article, make_comment):
    comment = make_comment(article)
    _publish(article, change_note="Checked the references, nothing changed.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "earlier version" not in _comment_block(page, comment)
    _publish(article, title="A new title")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "earlier version" in _comment_block(page, comment)


def test_earlier_version_notes_cost_one_query_for_the_thread(
    client, article, make_comment, django_assert_num_queries
):
    for _ in range(5):
        make_comment(article)
    _publish(article, body="Second body.")
    for _ in range(5):
        make_comment(Article.objects.get(pk=article.pk))
    _publish(article, body="Third body.")
    # As for any page (tests/test_comment_thread.py: the comment counts are stored on the
    # article, the writers, the editors' picks), plus the versions with other words.
    with django_assert_num_queries(7):
        page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("an earlier version of this article") == 10
    assert page.count("?from=1&amp;to=3#comparison") == 5
    assert page.count("?from=2&amp;to=3#comparison") == 5


def test_the_change_log_compares_two_versions(client, article):
    first = article.published_version.body
    _publish(article, body=first + " Second paragraph.")
    _publish(article, body=first + " Second paragraph. Third paragraph.")
    page = client.get(f"/{article.slug}/changes/?from=1&to=3").content.decode()
    comparison = page[page.index('id="comparison"') :]
    comparison = comparison[: comparison.index("</section>")]
    assert "Version 1 and version 3" in comparison
    assert "Rest: it helps. <ins>Second paragraph. Third paragraph.</ins>" in comparison
    for query in ("?from=1&to=99", "?from=x&to=3", "?from=3&to=3", "?to=2", "?from=-1&to=2"):
        response = client.get(f"/{article.slug}/changes/{query}")
        assert response.status_code == 200
        assert 'id="comparison"' not in response.content.decode()


def test_a_long_history_of_a_long_article_stays_fast(client, make_article):
    """The editor's limit is 200,000 characters: 30 versions of such a body, each with one
    sentence changed, make a page in well under a second of diffing; the oldest changes
    link to their comparison instead of being compared on the page."""
    paragraphs = [
        f"Paragraph {number} says something about sleep, dose {number} mg and rest."
        for number in range(3_100)
    ]
    body = "\n\n".join(paragraphs)[:200_000]
    assert len(body) == 200_000
    article = make_article(body=body, publish_at=timezone.now() - timedelta(days=40))
    for number in range(1, 30):
        _publish(article, body=body.replace(f"dose {number * 80} mg", f"dose {number * 80} g"))
    started = time.perf_counter()
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert time.perf_counter() - started < 3
    assert len(_version_headings(page)) == 30
    assert "dose 2320 <del>mg</del> <ins>g</ins> and rest." in _section(page, 30)
    compared = page.count('<p class="diff-since">What changed since version')
    assert compared == views.CHANGES_COMPARED
    assert '<a href="?from=1&amp;to=2#comparison">See what changed since version 1</a>' in page
    assert len(page) < 200_000  # only the changed paragraphs, not 30 copies of the text
