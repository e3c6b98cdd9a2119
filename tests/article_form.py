"""The admin's article form as an editor submits it, for the tests of the editing workflow."""

from django.urls import reverse


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit(article, button="_save_draft", **changes):
    """The change form's fields: the latest version's text plus ``changes``, sent with
    ``button`` ("_save_draft" or "_publish")."""
    latest = article.latest_version()
    data = {
        "title": latest.title,
        "summary": latest.summary,
        "body": latest.body,
        "key_takeaways": latest.key_takeaways,
        "lead_image": str(latest.lead_image_id or ""),
        "change_note": "",
        "base_version": str(latest.number),
        "publish_at": "",
        "comments_open": "on" if article.comments_open else "",
        "review_interval_months": str(article.review_interval_months),
        button: "1",
        # The writers' inline (the byline), sent unchanged: no rows.
        **writers_management_form(),
    }
    data.update(changes)
    return data


def writers_management_form(total=0, initial=0):
    """The management form of the article form's writers (BylineInline)."""
    return {
        "bylines-TOTAL_FORMS": str(total),
        "bylines-INITIAL_FORMS": str(initial),
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
