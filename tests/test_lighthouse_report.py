"""The Lighthouse check's report reading (tests/e2e/lighthouse.py): a score under 100 fails
and names the audits that cost the points."""

from tests.e2e.lighthouse import CATEGORIES, all_hundred, failing_audits, scores, summary


def report(performance=1, lcp_score=1):
    audits = {
        "largest-contentful-paint": {
            "id": "largest-contentful-paint",
            "title": "Largest Contentful Paint",
            "score": lcp_score,
            "displayValue": "2.9 s",
        },
        "uses-long-cache-ttl": {"id": "uses-long-cache-ttl", "title": "Cache", "score": 0},
    }
    categories = {
        category: {"score": 1, "auditRefs": []}
        for category in CATEGORIES
        if category != "performance"
    }
    categories["performance"] = {
        "score": performance,
        "auditRefs": [
            {"id": "largest-contentful-paint", "weight": 25},
            # Weight 0: informative, costs no points, so not listed.
            {"id": "uses-long-cache-ttl", "weight": 0},
        ],
    }
    return {"categories": categories, "audits": audits, "finalDisplayedUrl": "http://x/a/"}


def test_all_hundred_passes_and_lists_nothing():
    assert all_hundred(report())
    assert failing_audits(report()) == []
    assert scores(report()) == dict.fromkeys(CATEGORIES, 100)


def test_a_score_under_100_fails_and_names_the_audits_that_cost_points():
    slow = report(performance=0.97, lcp_score=0.8)
    assert not all_hundred(slow)
    assert scores(slow)["performance"] == 97
    assert failing_audits(slow) == [
        "performance: largest-contentful-paint (Largest Contentful Paint) 2.9 s"
    ]
    assert "performance 97" in summary(slow, "mobile")
    assert "largest-contentful-paint" in summary(slow, "mobile")
