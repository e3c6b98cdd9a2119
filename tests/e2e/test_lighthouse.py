"""Lighthouse gives the article page 100 in performance, accessibility, best practices and
SEO, on a desktop and on a phone (tests/e2e/lighthouse.py runs it; `make lighthouse` does
the same against the production settings)."""

import pytest

from .lighthouse import NpmMissing, all_hundred, lighthouse_cli, run_lighthouse, scores, summary

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="session")
def lighthouse(chromium_path):
    """Lighthouse's command-line script, installed once from npm (pinned) outside the repo."""
    try:
        return lighthouse_cli()
    except NpmMissing as error:
        pytest.fail(f"The Lighthouse test needs npm: {error}", pytrace=False)


@pytest.mark.parametrize("preset", ["desktop", "mobile"])
def test_article_page_scores_100_in_all_four_categories(
    preset, lighthouse, chromium_path, article_url
):
    report = run_lighthouse(article_url, preset, cli=lighthouse, chrome_path=chromium_path)
    print(summary(report, preset))
    # Lighthouse really loaded our article page (not an error page it could still score).
    assert report["finalDisplayedUrl"] == article_url
    assert not report.get("runtimeError"), report["runtimeError"]
    assert all_hundred(report), summary(report, preset)
    assert scores(report) == {
        "performance": 100,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 100,
    }
