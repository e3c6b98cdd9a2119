"""The moderation queue with many articles and comments: a fixed number of queries, a page
of a fixed size, and a "By article" filter that does not list every article."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleVersion
from comments.models import Comment

CHANGELIST = "/admin/comments/comment/"

pytestmark = pytest.mark.django_db


def shown(response):
    return list(response.context["cl"].result_list)


def many_comments(article, count, status_of=lambda number: Comment.Status.PENDING):
    """``count`` comments on ``article`` in one bulk insert, newest last."""
    start = timezone.now() - timedelta(days=1)
    Comment.objects.bulk_create(
        Comment(
            article=article,
            article_version_id=article.published_version_id,
            name=f"Reader {number}",
            email=f"reader{number}@example.org",
            body=f"Comment number {number}, with some words.",
            body_html=f"<p>Comment number {number}, with some words.</p>",
            status=status_of(number),
            ip_address="192.0.2.1",
            created_at=start + timedelta(seconds=number),
        )
        for number in range(count)
    )


@pytest.fixture
def busy_site(make_article):
    """Twenty articles and 2,000 comments, half of them on one article."""
    articles = [make_article(title=f"Article number {number}") for number in range(20)]
    statuses = [Comment.Status.APPROVED] * 7 + [Comment.Status.PENDING] + [Comment.Status.SPAM] * 2
    for article in articles:
        many_comments(article, 50, lambda number: statuses[number % 10])
    many_comments(articles[0], 1000, lambda number: statuses[number % 10])
    return articles


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "all"},
        {"status": "approved", "p": "3"},
        {"status": "all", "q": "number 7"},
        {"article": "article-x"},
    ],
    ids=str,
)
def test_the_queue_costs_fixed_queries_and_bytes_with_2000_comments(
    admin_client, busy_site, query, django_assert_max_num_queries
):
    if query.get("article"):
        query = {"article": busy_site[0].slug}
    # Session and user, the pending count of the title, the status filter's counts (one
    # GROUP BY), the article of the filter, the count (or estimate) and the page of comments.
    with django_assert_max_num_queries(7):
        response = admin_client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert 1 <= len(shown(response)) <= 50
    assert len(response.content) < 150 * 1024


def test_the_article_filter_is_a_box_not_a_list_of_every_article(admin_client, busy_site):
    page = admin_client.get(CHANGELIST).content.decode()
    assert "Article number 7</a></li>" not in page
    assert 'name="article"' in page and "Article address (slug)" in page

    chosen = busy_site[3]
    response = admin_client.get(CHANGELIST, {"status": "all", "article": chosen.slug})
    page = response.content.decode()
    assert {comment.article_id for comment in shown(response)} == {chosen.pk}
    assert '<li class="selected">' in page and "Article number 3</a></li>" in page
    # The box keeps the other choices of the list when it is submitted.
    assert '<input type="hidden" name="status" value="all">' in page


def test_the_counts_say_how_many_comments_match(admin_client, busy_site):
    response = admin_client.get(CHANGELIST, {"status": "all", "article": busy_site[1].slug})
    assert response.context["cl"].result_count == 50
    response = admin_client.get(CHANGELIST, {"status": "pending"})
    assert response.context["cl"].result_count == Comment.objects.pending().count() == 200


@pytest.mark.parametrize(
    "query",
    [
        {"article": "abc"},
        {"article": "no-such-article"},
        {"article": "\x00"},
        {"article": "1' OR '1'='1"},
        {"status": "\x00"},
        {"status": "nonsense"},
        {"status": "all", "article": "\x00", "q": "x"},
    ],
    ids=repr,
)
def test_odd_filter_values_show_a_page_not_an_error(admin_client, make_article, query):
    article = make_article()
    many_comments(article, 3)
    response = admin_client.get(CHANGELIST, query)
    assert response.status_code == 200
    if "article" in query:
        assert shown(response) == []
        assert "No article at" in response.content.decode()
    else:  # an unknown status shows the pending queue
        assert len(shown(response)) == 3


def test_a_numeric_article_address_is_found_by_its_slug(admin_client, make_article):
    numbered = make_article(slug="2024")
    many_comments(numbered, 2)
    assert len(shown(admin_client.get(CHANGELIST, {"article": "2024"}))) == 2


def test_the_whole_queue_is_estimated_on_postgresql_and_counted_elsewhere(
    admin_client, make_article, settings
):
    """PostgreSQL's statistics stand in for COUNT(*) of the unfiltered list once the table is
    big; small tables, filtered lists and SQLite are counted exactly."""
    from django.db import connection

    from comments import paginators

    article = make_article()
    many_comments(article, 30)
    settings.DEBUG = False
    paginators.ESTIMATE_ABOVE, saved = 10, paginators.ESTIMATE_ABOVE
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE comments_comment")
        result_count = admin_client.get(CHANGELIST, {"status": "all"}).context["cl"].result_count
    finally:
        paginators.ESTIMATE_ABOVE = saved
    if connection.vendor == "postgresql":
        estimate = paginators.table_row_estimate("comments_comment")
        assert estimate > 10 and result_count == estimate
    else:
        assert result_count == 30
    assert Article.objects.count() == 1 and ArticleVersion.objects.count() == 1


def test_a_search_counts_its_matches_up_to_a_ceiling(admin_client, busy_site, monkeypatch):
    monkeypatch.setattr("comments.admin.comment_admin.SEARCH_COUNT_CEILING", 120)
    response = admin_client.get(CHANGELIST, {"status": "all", "q": "some words"})
    assert response.context["cl"].result_count == 120  # 2,000 match
    last = admin_client.get(CHANGELIST, {"status": "all", "q": "some words", "p": "3"})
    assert len(shown(last)) == 20
    exact = admin_client.get(CHANGELIST, {"status": "all", "q": "number 999,"})
    assert exact.context["cl"].result_count == 1


def test_the_queue_reads_one_page_of_comments_without_joining_their_reports(
    admin_client, busy_site
):
    """The reports column counts with a subquery per comment shown: a join with GROUP BY
    would aggregate every comment of the table before the page could be cut."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST, {"status": "all"})
    assert len(shown(response)) == 50
    page_query = next(
        query["sql"]
        for query in queries
        if '"comments_comment"."body_html"' in query["sql"] and "ORDER BY" in query["sql"]
    )
    assert 'JOIN "comments_report"' not in page_query
