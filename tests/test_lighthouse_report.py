"""The Lighthouse check's report reading (tests/e2e/lighthouse.py): a score under 100 fails
and names the audits that cost the points."""

import json

import pytest

from tests.e2e.lighthouse import (
    CATEGORIES,
    LighthouseRunFailed,
    all_hundred,
    failing_audits,
    run_lighthouse,
    scores,
    summary,
)


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


FLAKY_LIGHTHOUSE = """
// Stands in for Lighthouse's CLI: the first run loses its trace, as the real one now and
// then does; the next writes a report to --output-path.
const fs = require("fs");
const marker = process.argv[1] + ".ran";
if (!fs.existsSync(marker)) {
  fs.writeFileSync(marker, "");
  console.error("Runtime error encountered: lost the trace (NO_NAVSTART)");
  process.exit(1);
}
const output = process.argv.find((arg) => arg.startsWith("--output-path=")).split("=")[1];
fs.writeFileSync(output, JSON.stringify(%s));
"""


def test_a_run_that_loses_its_trace_is_tried_once_more(tmp_path, capsys):
    cli = tmp_path / "lighthouse.js"
    cli.write_text(FLAKY_LIGHTHOUSE % json.dumps(report()), encoding="utf-8")
    measured = run_lighthouse("http://127.0.0.1:9/a/", "mobile", cli=cli)
    assert all_hundred(measured)
    assert "run 1 failed, running it again" in capsys.readouterr().out


def test_a_run_that_fails_every_time_is_a_failure_not_a_score(tmp_path):
    cli = tmp_path / "lighthouse.js"
    cli.write_text("console.error('NO_NAVSTART'); process.exit(1);", encoding="utf-8")
    with pytest.raises(LighthouseRunFailed, match="NO_NAVSTART"):
        run_lighthouse("http://127.0.0.1:9/a/", "desktop", cli=cli)
