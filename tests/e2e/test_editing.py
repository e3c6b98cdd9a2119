"""Journey 4, editing: an editor saves a draft, previews it, publishes it, compares the
two versions and reverts, while readers see only what is published."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OLD_SENTENCE = "Ketamine has travelled a long way from its start as an anaesthetic."
NEW_SENTENCE = "Ketamine has come far since surgeons first reached for it in the 1960s."


def test_editor_drafts_previews_publishes_compares_and_reverts(
    new_context, live_server, article_url, demo_article, editor, sign_in, screenshots
):
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    reader = new_context().new_page()
    admin = new_context().new_page()
    sign_in(admin, editor)
    admin.goto("/admin/articles/article/")
    admin.get_by_role("link", name="What is Ketamine Used For?").click()
    change_url = f"{live_server.url}/admin/articles/article/{demo_article.pk}/change/"
    expect(admin).to_have_url(change_url)
    screenshots(admin, "article-editor")

    # Save a draft: a new version that readers do not see yet.
    body = admin.locator("#id_body")
    assert OLD_SENTENCE in body.input_value()
    body.fill(body.input_value().replace(OLD_SENTENCE, NEW_SENTENCE))
    admin.locator("#id_change_note").fill("A plainer closing sentence.")
    admin.get_by_role("button", name="Save draft").click()
    expect(admin.locator("ul.messagelist")).to_contain_text(
        "Version 3 is saved as a draft; readers do not see it yet."
    )
    screenshots(admin, "draft-saved")
    reader.goto(article_url)
    expect(reader.locator(".article-body")).to_contain_text(OLD_SENTENCE)
    expect(reader.locator(".article-body")).not_to_contain_text(NEW_SENTENCE)
    expect(reader.locator(".updated a")).to_have_attribute("href", re.compile(r"#version-2$"))

    # Preview the draft exactly as readers would see it.
    admin.get_by_role("link", name="Preview version 3").click()
    expect(admin).to_have_url(f"{article_url}preview/3/")
    expect(admin.locator(".preview-banner")).to_have_text(
        "Preview of version 3: readers do not see this version."
    )
    expect(admin.locator(".article-body")).to_contain_text(NEW_SENTENCE)
    screenshots(admin, "preview")

    # Publish it: readers now see the new text, marked as updated.
    admin.goto(change_url)
    expect(admin.locator("#id_body")).to_have_value(re.compile(re.escape(NEW_SENTENCE)))
    admin.get_by_role("button", name="Save and publish").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("Version 3 is published.")
    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text(NEW_SENTENCE)
    expect(reader.locator(".article-body")).not_to_contain_text(OLD_SENTENCE)
    expect(reader.locator(".updated a")).to_have_attribute("href", re.compile(r"#version-3$"))
    expect(reader.locator(".updated")).not_to_contain_text("version")
    screenshots(reader, "published")

    # Compare the two versions, as readers would see them change (the change log's diff).
    admin.get_by_role("link", name="Version history").click()
    expect(admin.locator("table.version-list tbody tr")).to_have_count(3)
    screenshots(admin, "version-history")
    admin.get_by_role("link", name="Compare with 2").click()
    expect(admin.get_by_role("heading", name="Compare version 2 with version 3")).to_be_visible()
    body_diff = admin.locator(".diff .diff-body")
    expect(body_diff.locator("del")).to_contain_text(["travelled a long way"])
    expect(body_diff.locator("ins")).to_contain_text(["surgeons first reached"])
    screenshots(admin, "compare")

    # Revert: a copy of version 2 becomes version 4, published at once.
    admin.get_by_role("link", name="Version history").click()
    version_2 = admin.locator("table.version-list tbody tr").filter(
        has=admin.get_by_role("rowheader", name="2", exact=True)
    )
    # Reverting asks first (issue 11).
    version_2.get_by_role("link", name="Revert to this version…").click()
    admin.get_by_role("button", name="Yes, publish a copy of version 2").click()
    expect(admin.locator("ul.messagelist")).to_contain_text(
        "Version 4 is published: a copy of version 2."
    )
    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text(OLD_SENTENCE)
    expect(reader.locator(".article-body")).not_to_contain_text(NEW_SENTENCE)
    expect(reader.locator(".updated a")).to_have_attribute("href", re.compile(r"#version-4$"))
    demo_article.refresh_from_db()
    assert demo_article.published_version.number == 4
    assert list(demo_article.versions.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
        3,
        4,
    ]
