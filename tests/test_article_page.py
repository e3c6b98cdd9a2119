import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.schedule import carry_out_due_changes
from comments.models import Comment


def test_front_page_lists_published_articles_newest_first(client, make_article):
    older = make_article(title="Older Article", publish_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="Newer Article", summary="The newest lede.")
    page = client.get("/").content.decode()
    assert page.index("Newer Article") < page.index("Older Article")
    assert "The newest lede." in page
    assert newer.get_absolute_url() in page and older.get_absolute_url() in page


def test_front_page_is_paginated(client, make_article, settings):
    settings.ARTICLES_PER_PAGE = 2
    for number in range(3):
        make_article(
            title=f"Article number {number}",
            publish_at=timezone.now() - timedelta(hours=number + 1),
        )
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert "Article number 0" in first and "Article number 2" not in first
    assert "Article number 2" in second
    assert "Page 2 of 2" in second


def test_article_page_shows_semantic_article(client, article):
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sleep and Health | " in page
    assert '<meta name="description" content="Why sleep matters, in a few paragraphs.">' in page
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/{article.slug}/">' in page
    assert "<article" in page and "<h1>Sleep and Health</h1>" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page)
    assert '<section aria-labelledby="why-sleep">' in page
    assert "<li><strong>Rest:</strong> it helps.</li>" in page
    assert "Last updated" not in page


def test_last_updated_shows_a_date_and_links_to_the_latest_change(client, article):
    second = article.add_version(title="Sleep and Health", summary="New lede.", body="New body.")
    article.publish(second)
    page = client.get(article.get_absolute_url()).content.decode()
    updated = page[page.index('class="updated"') :]
    updated = updated[: updated.index("</span>")]
    assert f'<a href="/{article.slug}/changes/#version-2">Last updated</a>' in updated
    assert second.published_at.strftime("%-d %B %Y") in updated
    # Version numbers belong to the change log, not to the article page.
    assert "version" not in updated.replace("#version-2", "").lower()
    assert "New body." in page


def test_draft_versions_are_not_shown(client, article):
    article.add_version(title="Draft title", summary="Draft lede", body="Draft body")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Draft body" not in page and "Sleep restores the body." in page


def test_unpublished_article_answers_404(client, make_article):
    draft = make_article(publish=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.get_absolute_url() not in client.get("/").content.decode()


def test_scheduled_article_is_hidden_until_its_time(client, make_article):
    scheduled = make_article(title="Tomorrow", publish_at=timezone.now() + timedelta(days=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert "Tomorrow" not in client.get("/").content.decode()
    Article.objects.filter(pk=scheduled.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_unpublish_hides_the_article(client, article):
    article.unpublish()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_not_found_page_is_in_the_site_style(client, db):
    response = client.get("/no-such-article/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/static/css/site.css"' in response.content.decode()


@pytest.mark.parametrize("versions", [1, 50])
def test_article_page_query_count_does_not_grow_with_versions(
    client, article, versions, django_assert_num_queries
):
    for number in range(versions - 1):
        article.publish(article.add_version(title=f"T{number}", summary="S", body="B"))
    # A first reader: the article with its published version and its stored comment
    # counts, its writers, its medical review, its corrections, then the thread.
    # And the editors' picks above the thread (comments/featured.py).
    with django_assert_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    # Every later reader the shared HTTP cache sends on: the article; the thread is cached.
    with django_assert_num_queries(1):
        assert Client().get(article.get_absolute_url()).status_code == 200


def test_server_error_shows_a_plain_page_and_is_logged(client, db, settings, caplog, monkeypatch):
    from articles import views

    def broken(self, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views.ArticleListView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "Traceback" not in page and "database on fire" not in page
    assert any("database on fire" in str(record.exc_info) for record in caplog.records)


def test_a_scheduled_update_waits_for_its_time_without_hiding_the_article(client, article):
    update = article.add_version(title="Sleep, updated", summary="Later.", body="Later body.")
    article.publish(update, when=timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    assert article.is_live
    assert article.published_version.number == 1
    assert "Sleep and Health" in client.get("/").content.decode()
    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now())
    front_page = client.get("/").content.decode()
    assert "Sleep, updated" in front_page
    article.refresh_from_db()
    assert article.published_version.number == 1  # a reader's request writes nothing
    carry_out_due_changes()  # the task worker's part (articles/schedule.py)
    article.refresh_from_db()
    assert article.published_version == update
    assert article.scheduled_at is None


def test_publishing_now_replaces_a_waiting_update(article):
    later = article.add_version(title="Later", summary="S", body="B")
    article.publish(later, when=timezone.now() + timedelta(days=1))
    now = article.add_version(title="Now", summary="S", body="B")
    article.publish(now)
    article.refresh_from_db()
    assert article.published_version == now
    assert article.scheduled_version is None


def _teaser(page, article):
    teaser = page[page.index(f'href="{article.get_absolute_url()}"') :]
    return teaser[: teaser.index("</article>")]


def test_front_page_shows_each_articles_lede_date_review_and_comments(
    client, make_article, make_comment, make_reviewer
):
    from articles.models import MedicalReview

    reviewed = make_article(title="Reviewed", summary="The reviewed lede.")
    plain = make_article(title="Plain", summary="The plain lede.")
    approve = MedicalReview.Decision.APPROVE
    MedicalReview.sign(reviewed.published_version, make_reviewer(), approve, credentials="MD")
    make_comment(reviewed)
    make_comment(reviewed)
    make_comment(reviewed, status="pending")
    page = client.get("/").content.decode()
    teaser = _teaser(page, reviewed)
    assert "The reviewed lede." in teaser
    assert f'<time datetime="{reviewed.publish_at.replace(microsecond=0).isoformat()}">' in teaser
    assert "Medically reviewed" in teaser
    assert f'<a href="{reviewed.get_absolute_url()}#comments">2 comments</a>' in teaser
    teaser = _teaser(page, plain)
    assert "The plain lede." in teaser
    assert "Medically reviewed" not in teaser
    assert f'<a href="{plain.get_absolute_url()}#comments">No comments yet</a>' in teaser


def test_front_page_queries_do_not_grow_with_the_articles(
    client, make_article, make_comment, django_assert_num_queries
):
    article = make_article()
    make_comment(article)
    # A fixed number: the articles come with their review stamps and their stored comment
    # counts, and the topic tree for the front page's sections (tests/test_topics.py has more).
    with django_assert_num_queries(4) as few:
        client.get("/")
    for _ in range(6):
        make_comment(make_article())
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/").content.decode().count("1 comment<") == 7


def test_the_front_page_counts_the_comments_the_article_page_shows(
    client, make_article, make_comment
):
    article = make_article(title="Counted")
    other = make_article(title="Other")
    shown = make_comment(article)
    hidden = make_comment(article, status=Comment.Status.SPAM)
    make_comment(article, parent=hidden)  # approved, but under a hidden comment: not shown
    make_comment(article, parent=shown)
    make_comment(other)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2 Responses" in page
    front = client.get("/").content.decode()
    counted = front[front.index(article.get_absolute_url() + "#comments") :][:80]
    assert "2 comments" in counted
