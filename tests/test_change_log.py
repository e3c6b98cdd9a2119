"""The public "Changes to this article" page, and the comments written on an earlier version."""

import re
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, MedicalReview


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


def test_change_log_shows_a_word_level_diff_between_consecutive_versions(client, article):
    _publish(
        article,
        title="Sleep and Your Health",
        body="## Why sleep\n\nSleep restores the whole body.\n\n- **Rest:** it helps.",
    )
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert "<ins>Your </ins>" in page
    assert "<ins>whole </ins>" in page
    assert "What changed since version 1" in page
    # The lede did not change: no "Summary" diff for it.
    assert "<h3>Summary</h3>" not in page


def test_change_log_escapes_the_text_it_compares(client, article):
    _publish(article, body="Sleep <script>alert(1)</script> restores the body.")
    page = client.get(f"/{article.slug}/changes/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


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


def test_last_updated_links_to_the_change_log(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/{article.slug}/changes/"' not in page  # never updated: nothing to show
    _publish(article, body="New body.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/{article.slug}/changes/#version-2">Last updated</a>' in page


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
    # As for any page (tests/test_comment_thread.py), plus the versions with other words.
    with django_assert_num_queries(6):
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
    assert "<ins>" in comparison and "Third" in comparison and "Second" in comparison
    for query in ("?from=1&to=99", "?from=x&to=3", "?from=3&to=3", "?to=2", "?from=-1&to=2"):
        response = client.get(f"/{article.slug}/changes/{query}")
        assert response.status_code == 200
        assert 'id="comparison"' not in response.content.decode()
