"""Changes at a set time (issue 21): scheduled updates and withdrawals show to readers on
time without a reader's request writing anything; the task worker carries them out."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.schedule import SCHEDULE_QUEUE, carry_out_due_changes
from tests.article_form import change_url, edit
from tests.text import visible_text

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
READER_PAGES = ["/", "/feed/rss/", "/feed/atom/", "/sitemap.xml", "/sitemap-articles.xml"]


@pytest.fixture
def run_schedule_queue(db, monkeypatch):
    """Run the task worker once on the "schedule" queue, in this process, on the test's
    own data (as tests/conftest.py's run_mail_queue does for the mail)."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        Worker(
            queue_names=[SCHEDULE_QUEUE],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-schedule-worker",
            excluded_queue_names=[],
        ).run()

    return run


def its_time_comes(article, **moments):
    """Move the article's scheduled moments into the past, as time passing would."""
    Article.objects.filter(pk=article.pk).update(**moments)


def writes_while_reading(client, addresses):
    with CaptureQueriesContext(connection) as queries:
        pages = {address: client.get(address) for address in addresses}
    return [query["sql"] for query in queries if WRITES.match(query["sql"])], pages


@pytest.fixture
def scheduled(article):
    """A live article with an update scheduled for tomorrow."""
    update = article.add_version(title="Sleep, revised", summary="New lede.", body="New words.")
    article.publish(update, when=timezone.now() + timedelta(days=1))
    return article


def test_reading_when_an_update_falls_due_shows_it_and_writes_nothing(client, scheduled):
    its_time_comes(scheduled, scheduled_at=timezone.now() - timedelta(seconds=1))

    writes, pages = writes_while_reading(client, [f"/{scheduled.slug}/", *READER_PAGES])

    assert writes == []
    assert "New words." in visible_text(pages[f"/{scheduled.slug}/"])
    for address in ("/", "/feed/rss/", "/feed/atom/"):
        assert "Sleep, revised" in pages[address].content.decode(), address
    scheduled.refresh_from_db()
    assert scheduled.published_version.number == 1  # still for the worker to write


def test_reading_when_a_withdrawal_falls_due_answers_410_and_writes_nothing(client, article):
    article.withdraw_at = timezone.now() + timedelta(hours=1)
    article.save(update_fields=["withdraw_at"])
    its_time_comes(article, withdraw_at=timezone.now() - timedelta(seconds=1))

    writes, pages = writes_while_reading(client, [f"/{article.slug}/", *READER_PAGES])

    assert writes == []
    assert pages[f"/{article.slug}/"].status_code == 410
    for address in READER_PAGES:
        assert f"/{article.slug}/" not in pages[address].content.decode(), address


def test_scheduling_asks_the_worker_to_run_at_that_time(scheduled):
    task = DBTaskResult.objects.get(queue_name=SCHEDULE_QUEUE)
    assert task.run_after == scheduled.scheduled_at
    assert task.task_path == "articles.schedule.run_schedule"


def test_the_worker_publishes_a_due_update_and_withdraws_a_due_article(
    scheduled, make_article, run_schedule_queue
):
    other = make_article(slug="old-guidance")
    other.withdraw_at = timezone.now() + timedelta(hours=2)
    other.save(update_fields=["withdraw_at"])
    run_schedule_queue()  # nothing is due yet: the tasks wait for their time
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    its_time_comes(scheduled, scheduled_at=timezone.now() - timedelta(seconds=1))
    its_time_comes(other, withdraw_at=timezone.now() - timedelta(seconds=1))
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    run_schedule_queue()

    scheduled.refresh_from_db()
    other.refresh_from_db()
    assert scheduled.published_version.number == 2 and scheduled.scheduled_version is None
    assert other.withdrawn_at == other.withdraw_at
    assert carry_out_due_changes() == (0, 0)  # done once, not twice


def test_a_withdrawn_article_answers_410_with_a_note_in_the_sites_style(client, article):
    article.withdraw_at = timezone.now() - timedelta(minutes=1)
    article.withdrawal_note = "This guidance was replaced by the 2026 national guideline."
    article.save()

    response = client.get(f"/{article.slug}/")
    text = visible_text(response)

    assert response.status_code == 410
    assert "This article was withdrawn" in text
    assert "“Sleep and Health” was taken down on" in text
    assert "replaced by the 2026 national guideline" in text
    assert '<link rel="stylesheet"' in response.content.decode()  # the site's own page
    assert client.get(f"/{article.slug}/changes/").status_code == 200


def test_a_withdrawn_article_with_a_replacement_redirects_there(client, article, make_article):
    replacement = make_article(slug="new-guidance", title="New guidance")
    article.withdraw_at = timezone.now() - timedelta(minutes=1)
    article.replaced_by = replacement
    article.save()

    response = client.get(f"/{article.slug}/")

    assert response.status_code == 301 and response["Location"] == "/new-guidance/"


def test_a_replacement_readers_cannot_see_gives_410_not_a_redirect(client, article, make_article):
    draft = make_article(slug="draft-guidance", publish=False)
    article.withdraw_at = timezone.now() - timedelta(minutes=1)
    article.replaced_by = draft
    article.save()
    assert client.get(f"/{article.slug}/").status_code == 410


def test_the_change_log_tells_of_a_withdrawal_before_and_after(client, article, make_article):
    replacement = make_article(slug="new-guidance", title="New guidance")
    article.withdraw_at = timezone.now() + timedelta(days=3)
    article.replaced_by = replacement
    article.withdrawal_note = "Replaced by newer guidance."
    article.save()

    before = visible_text(client.get(f"/{article.slug}/changes/"))
    its_time_comes(article, withdraw_at=timezone.now() - timedelta(minutes=1))
    after = visible_text(client.get(f"/{article.slug}/changes/"))

    assert "To be withdrawn" in before and "readers will then be sent to New guidance" in before
    assert "Withdrawn Taken down" in after and "replaced by New guidance" in after
    assert "Replaced by newer guidance." in after


def test_the_page_leaves_the_shared_cache_at_its_withdrawal(client, article):
    article.withdraw_at = timezone.now() + timedelta(seconds=90)
    article.save()
    for address in (f"/{article.slug}/", "/", "/feed/rss/", "/sitemap-articles.xml"):
        control = client.get(address)["Cache-Control"]
        seconds = int(re.search(r"s-maxage=(\d+)", control).group(1))
        assert 0 < seconds <= 91, address


def test_an_editor_schedules_a_withdrawal_with_a_replacement(editor_client, article, make_article):
    replacement = make_article(slug="new-guidance", title="New guidance")
    when = timezone.localtime() + timedelta(days=2)

    response = editor_client.post(
        change_url(article),
        edit(
            article,
            withdraw_at=when.strftime("%Y-%m-%dT%H:%M"),
            replaced_by=str(replacement.pk),
            withdrawal_note="Out of date.",
        ),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.withdraw_at == when.replace(second=0, microsecond=0)
    assert article.replaced_by == replacement and article.versions.count() == 1
    assert DBTaskResult.objects.filter(queue_name=SCHEDULE_QUEUE).exists()


def test_an_article_cannot_replace_itself(editor_client, article):
    response = editor_client.post(
        change_url(article),
        edit(article, withdraw_at="2030-01-01T10:00", replaced_by=str(article.pk)),
    )
    assert response.status_code == 200
    assert "An article cannot replace itself" in response.content.decode()


def test_the_command_carries_out_what_is_due_and_queues_what_is_to_come(scheduled, make_article):
    other = make_article(slug="old-guidance")
    Article.objects.filter(pk=other.pk).update(withdraw_at=timezone.now() - timedelta(minutes=1))
    DBTaskResult.objects.all().delete()  # tasks lost, or schedules older than the queue

    call_command("carry_out_schedule", stdout=io.StringIO())

    other.refresh_from_db()
    assert other.withdrawn_at is not None
    task = DBTaskResult.objects.get(queue_name=SCHEDULE_QUEUE)
    assert task.run_after == Article.objects.get(pk=scheduled.pk).scheduled_at


def test_the_admin_says_when_an_article_comes_down(editor_client, article):
    article.withdraw_at = timezone.now() + timedelta(days=2)
    article.save()
    form = visible_text(editor_client.get(change_url(article)))
    listed = visible_text(editor_client.get("/admin/articles/article/"))
    assert "To be withdrawn on" in form and "to be withdrawn" in listed

    its_time_comes(article, withdraw_at=timezone.now() - timedelta(minutes=1))
    form = visible_text(editor_client.get(change_url(article)))
    assert "Withdrawn since" in form and "410 Gone" in form
    assert "Withdrawn " in visible_text(editor_client.get("/admin/articles/article/"))
