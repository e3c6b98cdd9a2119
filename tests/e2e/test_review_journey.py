"""Journey: change one sentence, get it reviewed, publish, as two people told by email.

With REVIEW_REQUIRED_TO_PUBLISH on (a new site's default), an editor changes a sentence of
the demo article and presses the primary button, "Send for review"; the medical reviewer
opens the link in their email, reads what changed and approves; the editor opens the link
in theirs and presses "Publish version 3". The emails go through the real worker command
to a real SMTP server on 127.0.0.1. Every action a person takes is counted: at most 8
(both people are signed in already, as at work). The byline is the same at the end.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.mail_server import body_of, run_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINK = re.compile(r"https?://\S+")
OLD_SENTENCE = "risks."
MAX_ACTIONS = 8


def assert_fits_a_phone(link):
    """The link is on the screen of a 390 px phone, without scrolling sideways."""
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def review_link(smtp_server, address):
    [message] = smtp_server.to(address)
    [link] = [each for each in LINK.findall(body_of(message)) if "/review/" in each]
    smtp_server.messages.clear()
    return link


def test_one_sentence_reviewed_and_published_in_eight_actions_told_by_email(
    new_context,
    demo_article,
    article_url,
    editor,
    reviewer,
    sign_in,
    smtp_server,
    screenshots,
    live_server,
    settings,
):
    settings.REVIEW_REQUIRED_TO_PUBLISH = True
    settings.SITE_URL = live_server.url  # the links in the emails lead to this server
    deliver = {"smtp_port": smtp_server.port, "SITE_URL": live_server.url}
    reader = new_context().new_page()
    reader.goto(article_url)
    byline = reader.locator(".byline").inner_text()
    assert byline.startswith("By Jordan Ellis")

    editing, reviewing = new_context().new_page(), new_context().new_page()
    sign_in(editing, editor)
    sign_in(reviewing, reviewer)
    actions = []

    def act(description, step):
        actions.append(description)
        step()

    # The editor: open the article, change one sentence, send it for review (the primary button).
    act(
        "editor opens the article",
        lambda: editing.goto(f"/admin/articles/article/{demo_article.pk}/change/"),
    )
    body = editing.locator("#id_body")
    text = body.input_value()
    paragraph = next(line for line in text.splitlines() if line.startswith("Ketamine"))
    changed = paragraph.replace(
        paragraph.split(". ")[0], "Ketamine is an anaesthetic used in hospitals", 1
    )
    act("editor changes one sentence", lambda: body.fill(text.replace(paragraph, changed)))
    send = editing.get_by_role("button", name="Send for review")
    expect(send).to_have_class(re.compile(r"\bdefault\b"))  # the primary button
    expect(editing.get_by_role("button", name="Save and publish")).to_have_count(0)
    act("editor sends it for review", send.click)
    expect(editing.locator("ul.messagelist")).to_contain_text(
        "Version 3 is saved as a draft and sent for medical review"
    )

    # Not a step of the journey, a check: on a phone the review queue's action is in view.
    checking = reviewing.context.new_page()  # the reviewer's own browser, another tab
    checking.set_viewport_size({"width": 390, "height": 844})
    checking.goto("/admin/articles/article/review-queue/")
    assert_fits_a_phone(checking.get_by_role("link", name=re.compile("^Review “What is Ketamine")))
    screenshots(checking, "review-queue")

    # The reviewer: told by email, reads what changed first, approves in the bar in view.
    run_worker(**deliver)
    link = review_link(smtp_server, reviewer.email)
    act("reviewer opens the email's link", lambda: reviewing.goto(link))
    expect(
        reviewing.get_by_role("heading", name=re.compile("^What changed since version 2"))
    ).to_be_visible()
    expect(reviewing.locator(".review-differences ins", has_text="hospitals")).to_have_count(1)
    approve = reviewing.get_by_role("button", name="Approve version 3")
    expect(approve).to_be_in_viewport()  # the decision bar stays in view (position: sticky)
    screenshots(reviewing, "review-page")
    act("reviewer approves", approve.click)
    expect(reviewing.locator("ul.messagelist")).to_contain_text("You approved version 3.")

    # The editor: told by email, publishes the approved version in one click.
    run_worker(**deliver)
    link = review_link(smtp_server, editor.email)
    act("editor opens the email's link", lambda: editing.goto(link))
    publish = editing.get_by_role("button", name="Publish version 3")
    screenshots(editing, "approved")
    act("editor publishes", publish.click)
    expect(editing.locator("ul.messagelist")).to_contain_text("Version 3 is published.")

    checking.goto(f"/admin/articles/article/{demo_article.pk}/versions/")
    assert_fits_a_phone(checking.get_by_role("link", name=re.compile("^Compare with")).first)
    screenshots(checking, "version-history")

    assert len(actions) <= MAX_ACTIONS, actions
    print(f"Change one sentence, get it reviewed, publish: {len(actions)} actions: {actions}")
    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text("an anaesthetic used in hospitals")
    assert reader.locator(".byline").inner_text() == byline
    expect(reader.locator(".review")).to_contain_text("Medically reviewed by Amina Rahman")
    screenshots(reader, "published")
