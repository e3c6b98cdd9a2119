"""Journey: medical review. An editor writes an article, a medical reviewer approves that
exact version and readers see the signature; the editor changes a word and publishes, and
readers see honestly that the text was last reviewed in an earlier version."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BODY = "## Dose\n\nThe usual adult dose is 0.5 mg/kg over 40 minutes.[^1]\n\n[^1]: A trial, 2020."


def test_reviewer_signs_a_version_and_a_later_edit_is_shown_honestly(
    new_context, live_server, editor, reviewer, sign_in
):
    reader = new_context().new_page()
    editing = new_context().new_page()
    reviewing = new_context().new_page()

    # The editor writes and publishes an article.
    sign_in(editing, editor)
    editing.goto("/admin/articles/article/add/")
    editing.locator("#id_title").fill("Ketamine Infusions")
    editing.locator("#id_summary").fill("How an infusion is given.")
    editing.locator("#id_body").fill(BODY)
    editing.get_by_role("button", name="Save and publish").click()
    expect(editing.locator("ul.messagelist")).to_contain_text("Version 1 is published.")
    expect(editing.locator(".review-status")).to_contain_text("Version 1 awaits medical review.")
    reader.goto("/ketamine-infusions/")
    expect(reader.get_by_role("heading", name="References")).to_be_visible()
    expect(reader.locator(".review")).to_have_count(0)

    # The reviewer finds it in the queue, reads it and approves it.
    sign_in(reviewing, reviewer)
    reviewing.get_by_role("link", name="1 version awaiting medical review").click()
    reviewing.get_by_role("link", name="Review “Ketamine Infusions”, version 1").click()
    expect(reviewing.locator(".review-text")).to_contain_text("0.5 mg/kg over 40 minutes")
    reviewing.get_by_label("Credentials").fill("MD, anaesthesia")
    reviewing.get_by_role("button", name="Approve version 1").click()
    expect(reviewing.locator("ul.messagelist")).to_contain_text(
        "You approved version 1. Readers now see the review line."
    )
    expect(reviewing.get_by_text("No version awaits medical review.")).to_be_visible()

    reader.reload()
    expect(reader.locator(".review")).to_have_text(
        re.compile(r"^Medically reviewed by Amina Rahman, MD, anaesthesia — \d{1,2} \w+ \d{4}$")
    )

    # The editor changes one word and publishes: the new version has no review of its own.
    editing.goto("/admin/articles/article/")
    editing.get_by_role("link", name="Ketamine Infusions").click()
    expect(editing.locator(".review-status")).to_contain_text("approved by Amina Rahman")
    body = editing.locator("#id_body")
    body.fill(body.input_value().replace("40 minutes", "45 minutes"))
    editing.get_by_role("button", name="Save and publish").click()
    expect(editing.locator("ul.messagelist")).to_contain_text("Version 2 is published.")

    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text("45 minutes")
    honest = reader.locator(".review")
    expect(honest).to_have_text(
        re.compile(
            r"^Updated on \d{1,2} \w+ \d{4}; last medically reviewed on \d{1,2} \w+ \d{4} "
            r"\(an earlier version\)\.$"
        )
    )
    expect(reader.get_by_text("Medically reviewed by")).to_have_count(0)
    honest.get_by_role("link", name="an earlier version").click()
    expect(reader).to_have_url(f"{live_server.url}/ketamine-infusions/changes/#version-1")
    expect(reader.locator("#version-1")).to_contain_text(
        "Medically reviewed by Amina Rahman, MD, anaesthesia — "
    )
    expect(reader.locator("#version-2")).to_contain_text("This version was not medically reviewed.")
