"""How long the crisis and personal-data rules take per comment, on the crisis corpus
(tests/fixtures/crisis_corpus.json): `make bench` prints it first; alone, run
`.venv/bin/python bench/moderation_rules.py`. Pure Python on the text, no database.

The target: under 1 ms per comment for both rules together (issue 22).
"""

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from comments.rules.crisis import find_crisis  # noqa: E402
from comments.rules.personal_data import find_personal_data  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "crisis_corpus.json"
TARGET_MS = 1.0


def corpus_texts():
    corpus = json.loads(CORPUS.read_text())
    return [text for key, texts in corpus.items() if key != "about" for text in texts]


def measure(rounds=50):
    """Per comment, in milliseconds: the mean and the slowest (best of ``rounds`` for
    each text, so another process's burst on the machine does not count)."""
    texts = corpus_texts()
    per_text = []
    for text in texts:
        best = float("inf")
        for _round in range(rounds):
            started = time.perf_counter()
            find_crisis(text)
            find_personal_data(text)
            best = min(best, time.perf_counter() - started)
        per_text.append(best * 1000)
    # The longest comment the form takes (5,000 characters), made of the corpus's texts.
    longest = " ".join(texts)[:5000]
    started = time.perf_counter()
    for _round in range(rounds):
        find_crisis(longest)
        find_personal_data(longest)
    return {
        "texts": len(texts),
        "mean_ms": statistics.mean(per_text),
        "max_ms": max(per_text),
        "longest_ms": (time.perf_counter() - started) * 1000 / rounds,
    }


def report(figures):
    passed = figures["max_ms"] < TARGET_MS
    return (
        f"crisis + personal-data rules, {figures['texts']} corpus comments: "
        f"{figures['mean_ms'] * 1000:.0f} µs mean, {figures['max_ms'] * 1000:.0f} µs slowest "
        f"per comment (target < {TARGET_MS:g} ms: {'ok' if passed else 'MISSED'}); "
        f"a 5,000-character comment: {figures['longest_ms']:.2f} ms"
    )


if __name__ == "__main__":
    print(report(measure()))
