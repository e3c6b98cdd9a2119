"""Writing, publishing, comparing and reverting article versions through the admin's URLs."""

import threading
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleVersion
from articles.schedule import carry_out_due_changes
from tests.article_form import change_url, edit, writers_management_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"


def versions_url(article):
    return reverse("admin:articles_article_versions", args=[article.pk])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def new_article(button="_save_draft", **changes):
    data = {
        "title": "Ketamine for Depression",
        "summary": "What the evidence says.",
        "body": "## Evidence\n\nSeveral trials found a quick effect.",
        "change_note": "First draft.",
        "base_version": "0",
        "publish_at": "",
        "comments_open": "on",
        "slug": "",
        "review_interval_months": "12",
        button: "1",
        **writers_management_form(),
    }
    data.update(changes)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_adding_an_article_saves_version_one_as_a_draft(editor_client, editor):
    response = editor_client.post(ADD_URL, new_article())

    article = Article.objects.get(slug="ketamine-for-depression")
    assert response.status_code == 302 and response["Location"] == change_url(article)
    version = article.versions.get()
    assert version.number == 1 and version.author == editor
    assert version.change_note == "First draft."
    assert article.published_version is None
    assert "Version 1 is saved as a draft; readers do not see it yet." in messages_of(response)


def test_adding_and_publishing_an_article_puts_it_live(editor_client, client):
    editor_client.post(ADD_URL, new_article("_publish", slug="ketamine"))

    article = Article.objects.get(slug="ketamine")
    assert article.is_live and article.published_version.number == 1
    editor_client.logout()
    assert "Several trials found a quick effect." in client.get("/ketamine/").content.decode()


def test_change_form_starts_from_the_latest_version_with_two_save_buttons(editor_client, article):
    article.add_version(title="Newest Title", summary="New lede.", body="New body.")

    page = editor_client.get(change_url(article)).content.decode()

    assert 'value="Newest Title"' in page
    assert '<input type="hidden" name="base_version" value="2"' in page
    assert 'name="_save_draft" value="Save draft"' in page
    assert 'name="_publish" value="Save and publish"' in page
    assert "Version history" in page


def test_save_draft_adds_a_version_and_leaves_the_published_one(editor_client, editor, article):
    first = article.published_version

    response = editor_client.post(
        change_url(article), edit(article, body="A rewritten body.", change_note="Rewrite.")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_version == first
    draft = article.latest_version()
    assert (draft.number, draft.body, draft.author) == (2, "A rewritten body.", editor)
    old = ArticleVersion.objects.get(pk=first.pk)
    assert old.body == first.body and old.body_html == first.body_html


def test_save_and_publish_publishes_the_new_version(editor_client, article, client):
    editor_client.post(change_url(article), edit(article, "_publish", title="Sleep, Revised"))

    article.refresh_from_db()
    assert article.published_version.number == 2
    assert article.published_version.title == "Sleep, Revised"
    editor_client.logout()
    assert "Sleep, Revised" in client.get(article.get_absolute_url()).content.decode()


def test_publish_at_schedules_the_new_version(editor_client, make_article, client):
    article = make_article(publish=False)
    when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = editor_client.post(
        change_url(article),
        edit(article, "_publish", publish_at=when.strftime("%Y-%m-%dT%H:%M")),
    )

    article.refresh_from_db()
    assert article.publish_at == when and not article.is_live
    assert any("is scheduled" in message for message in messages_of(response))
    editor_client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_saving_unchanged_text_adds_no_version_and_publishing_it_publishes_the_draft(
    editor_client, make_article
):
    article = make_article(publish=False)

    editor_client.post(change_url(article), edit(article))
    assert article.versions.count() == 1
    editor_client.post(change_url(article), edit(article, "_publish"))

    article.refresh_from_db()
    assert article.versions.count() == 1
    assert article.published_version.number == 1 and article.is_live


def test_comments_can_be_switched_off_without_a_new_version(editor_client, article):
    editor_client.post(change_url(article), edit(article, comments_open=""))

    article.refresh_from_db()
    assert article.comments_open is False and article.versions.count() == 1


def test_preview_shows_any_version_to_staff_with_a_banner(editor_client, article):
    article.add_version(title="Unpublished Draft", summary="Draft lede.", body="Draft body.")

    page = editor_client.get(f"/{article.slug}/preview/2/").content.decode()

    assert "Preview of version 2" in page and "Unpublished Draft" in page
    assert "readers do not see this version" in page
    assert '<meta name="robots" content="noindex">' in page


def test_preview_is_not_for_readers_or_moderators(client, moderator, article):
    article.add_version(title="Unpublished Draft", summary="Draft lede.", body="Draft body.")

    anonymous = client.get(f"/{article.slug}/preview/2/")
    client.force_login(moderator)
    signed_in = client.get(f"/{article.slug}/preview/2/")

    assert anonymous.status_code == 302 and "Unpublished Draft" not in anonymous.content.decode()
    assert signed_in.status_code == 403


def test_history_lists_every_version_with_author_time_note_and_published_marker(
    editor_client, editor, article
):
    editor_client.post(
        change_url(article), edit(article, body="Second.", change_note="Fixed a typo.")
    )

    page = editor_client.get(versions_url(article)).content.decode()

    assert page.count('<th scope="row">') == 2
    assert "Fixed a typo." in page and "Eddie Lane" in page
    assert "Published: readers see this version" in page and "Draft" in page
    assert f'href="/{article.slug}/preview/1/"' in page
    assert reverse("admin:articles_article_revert", args=[article.pk, 2]) in page


def test_compare_shows_word_level_insertions_and_deletions(editor_client, article):
    article.add_version(
        title="Sleep and Health",
        summary="Why sleep matters, in a few paragraphs.",
        body="## Why sleep\n\nSleep repairs the body.\n\n- **Rest:** it helps.",
    )

    response = editor_client.get(compare_url(article), {"from": 1, "to": 2})
    page = response.content.decode()

    assert response.status_code == 200
    # The rendered text, changed blocks only: the heading says where, the rest is left out.
    assert "Sleep <del>restores</del> <ins>repairs</ins> the body." in page
    assert "Compare version 1 with version 2" in page
    assert "<h3>Title</h3>" not in page and "<h3>Summary</h3>" not in page  # unchanged
    assert "## Why sleep" not in page  # the Markdown is not shown


def test_compare_defaults_to_the_last_two_versions_and_escapes_text(editor_client, article):
    article.add_version(title="Sleep <b>and</b> Health", summary="s", body="b")

    page = editor_client.get(compare_url(article)).content.decode()

    assert "Compare version 1 with version 2" in page
    assert "<ins>&lt;b&gt;and&lt;/b&gt;</ins>" in page


def test_compare_of_an_unknown_version_is_not_found(editor_client, article):
    assert editor_client.get(compare_url(article), {"from": 1, "to": 9}).status_code == 404
    assert editor_client.get(compare_url(article), {"from": "x"}).status_code == 404


def test_revert_publishes_a_copy_of_the_old_version_and_keeps_history(
    editor_client, editor, article
):
    first = article.published_version
    second = article.add_version(title="Worse Title", summary="Worse.", body="Worse body.")
    article.publish(second)

    response = editor_client.post(reverse("admin:articles_article_revert", args=[article.pk, 1]))

    assert response.status_code == 302 and response["Location"] == versions_url(article)
    article.refresh_from_db()
    copy = article.published_version
    assert copy.number == 3 and copy.author == editor
    assert (copy.title, copy.summary, copy.body) == (first.title, first.summary, first.body)
    assert copy.change_note == "Reverted to version 1."
    assert list(article.versions.values_list("number", flat=True)) == [3, 2, 1]
    assert ArticleVersion.objects.get(pk=second.pk).title == "Worse Title"


def test_revert_asks_for_confirmation_first_and_changes_nothing(editor_client, article):
    second = article.add_version(title="Second", summary="s", body="b")
    article.publish(second)
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])

    # The history links to the question, not to a button that reverts at once.
    history = editor_client.get(versions_url(article)).content.decode()
    response = editor_client.get(revert)
    page = response.content.decode()

    assert f'<a href="{revert}">Revert to this version…</a>' in history
    assert f'action="{revert}"' not in history
    assert response.status_code == 200
    assert "<h1>Revert to version 1?</h1>" in page
    assert "publishes a copy of version 1 as a new version, version 3" in page
    assert '<form method="post" class="diff-actions">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'value="Yes, publish a copy of version 1"' in page
    assert f'href="{versions_url(article)}" class="button cancel-link">No, take me back' in page
    # What readers would see change: the body of version 2 goes, version 1's comes back.
    assert "<del>b</del>" in page
    assert article.versions.count() == 2
    article.refresh_from_db()
    assert article.published_version == second


def test_revert_confirmed_with_the_csrf_token_publishes_the_copy(editor, article):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    second = article.add_version(title="Second", summary="s", body="b")
    article.publish(second)
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])

    assert browser.post(revert).status_code == 403  # no token: refused, nothing reverted
    assert article.versions.count() == 2
    token = browser.get(revert).context["csrf_token"]
    response = browser.post(revert, {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_version.number == 3


def test_revert_refuses_other_methods(editor_client, article):
    revert = reverse("admin:articles_article_revert", args=[article.pk, 1])

    assert editor_client.put(revert).status_code == 405
    assert article.versions.count() == 1


@pytest.mark.parametrize("zone", ["UTC", "Europe/London"])
def test_publish_at_names_the_time_zone(settings, editor_client, article, zone):
    settings.TIME_ZONE = zone

    page = editor_client.get(change_url(article)).content.decode()

    assert f'<label for="id_publish_at">Publish at ({zone}):</label>' in page
    assert f"Times are in the {zone} time zone." in page


def test_save_and_publish_is_the_primary_button_of_a_live_article(editor_client, article):
    page = editor_client.get(change_url(article)).content.decode()

    assert '<input type="submit" name="_publish" value="Save and publish" class="default">' in page
    assert '<input type="submit" name="_save_draft" value="Save draft">' in page
    assert page.index('name="_publish"') < page.index('name="_save_draft"')


def test_save_draft_stays_the_primary_button_of_an_unpublished_article(editor_client):
    editor_client.post(ADD_URL, new_article())
    draft = Article.objects.get()

    page = editor_client.get(change_url(draft)).content.decode()

    assert '<input type="submit" name="_save_draft" value="Save draft" class="default">' in page
    assert '<input type="submit" name="_publish" value="Save and publish">' in page
    assert '<input type="submit" name="_send_for_review" value="Send for review">' in page


# The preview beside the text.

PREVIEW_URL = "/admin/articles/article/preview/"


def test_the_editor_has_a_preview_frame_beside_the_text(editor_client, article):
    page = editor_client.get(change_url(article)).content.decode()

    assert (
        f'<iframe name="article-preview" id="article-preview" title="Preview of the text as '
        f'readers will see it" src="{PREVIEW_URL}?article={article.pk}"></iframe>'
    ) in page
    assert f'formaction="{PREVIEW_URL}" formtarget="article-preview" formnovalidate>' in page
    assert 'src="/static/admin-extra/preview.js"' in page


def test_the_preview_renders_the_unsaved_text_as_readers_will_see_it(editor_client, article):
    response = editor_client.post(
        PREVIEW_URL,
        {
            "title": "Sleep <script>alert(1)</script>",
            "summary": "A lede.",
            "body": "## Why sleep\n\nIt **repairs** the body. <script>alert(2)</script>",
        },
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Sleep &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert '<h2 id="why-sleep" data-source-line="0">Why sleep</h2>' in page
    assert "<strong>repairs</strong>" in page
    assert "<script>" not in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert article.versions.count() == 1  # nothing saved


def test_the_preview_may_be_framed_by_the_admin_only(editor_client, article):
    response = editor_client.post(PREVIEW_URL, {"title": "t", "summary": "", "body": "b"})

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy
    # Every other admin page still refuses to be framed.
    other = editor_client.get(change_url(article))
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_the_preview_frame_starts_with_the_latest_version(editor_client, article):
    article.add_version(title="Draft Title", summary="s", body="The *draft* text.")

    page = editor_client.get(PREVIEW_URL, {"article": article.pk}).content.decode()

    assert "<h1>Draft Title</h1>" in page and "<em>draft</em>" in page


def test_the_preview_of_no_article_or_an_odd_address_is_not_found(editor_client):
    assert editor_client.get(PREVIEW_URL).status_code == 404
    assert editor_client.get(PREVIEW_URL, {"article": "x"}).status_code == 404
    assert editor_client.get(PREVIEW_URL, {"article": "999999"}).status_code == 404


def test_the_preview_of_a_text_nested_too_deep_says_so(editor_client):
    response = editor_client.post(
        PREVIEW_URL, {"title": "t", "summary": "", "body": ">" * 5000 + " deep"}
    )

    assert response.status_code == 200
    assert "too long or nested too deeply to preview" in response.content.decode()


def test_the_preview_is_for_editors_only(client, moderator, editor, article):
    client.force_login(moderator)
    assert client.post(PREVIEW_URL, {"body": "x"}).status_code == 403
    assert client.get(PREVIEW_URL, {"article": article.pk}).status_code in (403, 404)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.post(PREVIEW_URL, {"body": "x"}).status_code == 403  # no CSRF token


def test_second_save_from_the_same_base_gets_a_conflict_page_not_an_overwrite(
    admin_client, article
):
    first_editor = edit(article, body="Sleep restores the body and the mind.")
    second_editor = edit(article, body="Sleep restores the body, mostly at night.")

    saved = admin_client.post(change_url(article), first_editor)
    conflict = admin_client.post(change_url(article), second_editor)

    assert saved.status_code == 302
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Someone saved a newer version" in page
    assert "Sleep restores the body, mostly at night.</textarea>" in page
    assert '<input type="hidden" name="base_version" value="2"' in page
    # Readers' words, as the change log compares them: the newer version's and the editor's.
    assert "<del>Sleep restores the body and the mind.</del>" in page
    assert "<ins>Sleep restores the body, mostly at night.</ins>" in page
    assert f"{compare_url(article)}?from=1&amp;to=2" in page
    assert article.versions.count() == 2
    assert article.latest_version().body == "Sleep restores the body and the mind."


def test_saving_again_from_the_conflict_page_builds_on_the_newer_version(admin_client, article):
    admin_client.post(change_url(article), edit(article, body="First editor's body."))
    stale = edit(article, body="Second editor's body.")
    stale["base_version"] = "1"
    conflict = admin_client.post(change_url(article), stale)
    assert conflict.status_code == 409

    resaved = admin_client.post(change_url(article), {**stale, "base_version": "2"})

    assert resaved.status_code == 302
    assert article.latest_version().number == 3
    assert article.latest_version().body == "Second editor's body."


def test_publishing_an_unchanged_stale_form_is_a_conflict(admin_client, make_article):
    article = make_article(publish=False)
    stale = edit(article, "_publish")
    article.add_version(title="Someone else's", summary="s", body="b")

    response = admin_client.post(change_url(article), stale)

    assert response.status_code == 409
    article.refresh_from_db()
    assert article.published_version is None


# serialized_rollback: the flush after this test must not leave later tests
# without the groups and content types that migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_saves_from_the_same_base_make_one_version_and_one_conflict(
    admin_user, make_article
):
    article = make_article()
    bodies = ["Body written by the first editor.", "Body written by the second editor."]
    ready = threading.Barrier(len(bodies))
    statuses = []
    # Both editors opened the form before either saved: both forms start from version 1.
    # (Built after the barrier, a form could start from the version the other just saved.)
    forms = [edit(article, body=body) for body in bodies]

    def save(form):
        try:
            client = Client()
            client.force_login(admin_user)
            ready.wait(timeout=10)
            statuses.append(client.post(change_url(article), form).status_code)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=save, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 409]
    assert article.versions.count() == 2
    assert article.latest_version().body in bodies


def test_article_changelist_with_a_hundred_articles_runs_a_fixed_number_of_queries(
    editor_client, make_article, django_assert_max_num_queries
):
    for n in range(100):
        article = make_article(title=f"Article {n}", publish=n % 2 == 0)
        if n % 3 == 0:
            article.add_version(title=f"Article {n}, revised", summary="s", body="b")

    # Session, user, two permission lookups, two counts and the page itself.
    with django_assert_max_num_queries(7):
        response = editor_client.get("/admin/articles/article/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Article 0" in page and "version 2 is a draft" in page and "Draft" in page


def test_browser_line_breaks_do_not_count_as_a_change(editor_client, make_article):
    article = make_article(body="## Heading\n\nFirst paragraph.\n\nSecond.", publish=False)
    latest = article.latest_version()

    editor_client.post(
        change_url(article), edit(article, "_publish", body=latest.body.replace("\n", "\r\n"))
    )

    article.refresh_from_db()
    assert article.versions.count() == 1 and article.published_version == latest


def test_publishing_a_live_article_again_does_not_move_it_into_the_past(editor_client, article):
    first_live = article.publish_at

    editor_client.post(change_url(article), edit(article, "_publish", body="Updated body."))

    article.refresh_from_db()
    assert article.published_version.number == 2
    assert article.published_version.published_at > first_live
    assert article.publish_at == first_live and article.was_updated


def test_a_scheduled_article_shows_its_time_in_the_form(editor_client, make_article):
    when = timezone.now() + timedelta(days=3)
    article = make_article(publish_at=when)

    page = editor_client.get(change_url(article)).content.decode()

    local = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    assert f'name="publish_at" value="{local}"' in page


def test_scheduling_an_update_keeps_the_live_version_until_its_time(editor_client, article, client):
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = editor_client.post(
        change_url(article),
        edit(article, "_publish", body="Update for later.", publish_at=later),
        follow=True,
    )

    assert any("Version 2 is scheduled" in message for message in messages_of(response))
    assert "until then" in " ".join(messages_of(response))
    article.refresh_from_db()
    assert article.is_live
    assert article.published_version.number == 1
    assert article.scheduled_version.number == 2
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Sleep restores the body." in page
    assert "Update for later." not in page
    history = editor_client.get(versions_url(article)).content.decode()
    assert "Scheduled for" in history

    Article.objects.filter(pk=article.pk).update(scheduled_at=timezone.now())  # its time comes
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Update for later." in page
    assert "Last updated" in page
    carry_out_due_changes()  # the task worker's part: readers' requests write nothing
    article.refresh_from_db()
    assert article.published_version.number == 2
    assert article.scheduled_version is None
