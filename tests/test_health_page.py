"""What health publishers show on an article page (issue 21): key takeaways under the lede,
"Page last reviewed · Next review due" from the review records, a quiet line for a page
updated since its review, and references for the demo article's figures."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, MedicalReview
from tests.article_form import change_url, edit
from tests.conftest import SHARED
from tests.text import visible_text

pytestmark = pytest.mark.django_db

SITE_CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "site.css"


def test_key_takeaways_are_edited_in_the_form_and_shown_in_a_box_under_the_lede(
    editor_client, article, client
):
    points = "- Sleep restores the body.\n- Adults need *seven* hours or more.\n<script>x</script>"
    editor_client.post(change_url(article), edit(article, "_publish", key_takeaways=points))

    version = Article.objects.get(pk=article.pk).published_version
    page = client.get(f"/{article.slug}/").content.decode()
    box = re.search(r'<aside class="key-takeaways".*?</aside>', page, re.S).group(0)

    assert version.number == 2
    assert version.key_takeaways_html.startswith("<ul>")  # rendered once, when saved
    assert "<li>Adults need <em>seven</em> hours or more.</li>" in box
    assert '<h2 id="key-takeaways">Key takeaways</h2>' in box
    assert "<script>" not in box  # sanitised like a body
    assert page.index('class="lede"') < page.index("key-takeaways") < page.index("article-body")


def test_a_version_without_takeaways_has_no_box(client, article):
    assert "key-takeaways" not in client.get(f"/{article.slug}/").content.decode()


def test_the_footer_says_when_the_page_was_last_reviewed_and_when_it_is_due(
    client, article, reviewer
):
    review = MedicalReview.sign(
        article.published_version, reviewer, MedicalReview.Decision.APPROVE, credentials="MD"
    )
    MedicalReview.objects.filter(pk=review.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 3, 31, 12))
    )
    Article.objects.filter(pk=article.pk).update(review_interval_months=6)
    article.expire_pages()

    text = visible_text(client.get(f"/{article.slug}/"))

    assert "Page last reviewed: 31 March 2026 · Next review due: 30 September 2026" in text


def test_an_update_since_the_review_keeps_the_footer_and_says_so_quietly(client, article, reviewer):
    MedicalReview.sign(article.published_version, reviewer, MedicalReview.Decision.APPROVE)
    article.publish(article.add_version(title="Sleep", summary="s", body="One more line."))

    page = client.get(f"/{article.slug}/").content.decode()

    assert re.search(r'<p class="review review-earlier">Updated on', page)
    assert "Page last reviewed:" in visible_text(page)
    rule = re.search(r"\.review-earlier \{([^}]*)\}", SITE_CSS.read_text()).group(1)
    assert "background: none" in rule and "border-left: 0" in rule  # no warning box


def test_a_page_never_reviewed_has_no_review_dates(client, article):
    assert "Page last reviewed" not in visible_text(client.get(f"/{article.slug}/"))


def statistics_of(text):
    """The lines of the "Statistics on Ketamine Efficacy" section of a text."""
    section = text.split("Statistics on Ketamine Efficacy", 1)[1].split("Potential Risks")[0]
    return [line.strip() for line in section.splitlines() if "%" in line]


def test_the_demo_articles_figures_carry_references_a_reader_can_check(client):
    call_command("load_demo", stdout=io.StringIO())
    html = client.get("/what-is-ketamine-used-for/").content.decode()
    body = html[html.index('class="article-body"') :]
    figures = [
        item
        for item in re.findall(r"<li>(.*?)</li>", body.split("Statistics on Ketamine")[1], re.S)
        if "%" in item or "review" in item
    ][:3]

    assert len(figures) == 3
    for item in figures:
        assert re.search(r'<sup class="reference"><a href="#ref-\d+"', item), item
    references = re.findall(r'<li id="ref-\d+">(.*?)</li>', body, re.S)
    assert len(references) >= 3
    assert all('href="https://doi.org/10.' in reference for reference in references)
    # The seed's figures that no published source gives are reworded, not repeated.
    seed_figures = {
        figure
        for line in statistics_of(SHARED.joinpath("seed-article.txt").read_text())
        for figure in re.findall(r"\d+%", line)
    }
    assert seed_figures and not seed_figures & set(re.findall(r"\d+%", visible_text(body)))
    takeaways = re.search(r'<aside class="key-takeaways".*?</aside>', html, re.S).group(0)
    assert takeaways.count("<li>") == 3
    assert timezone.now() - Article.objects.get().first_published_at > timedelta(days=6)
