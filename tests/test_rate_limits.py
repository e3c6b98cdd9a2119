"""The rate limiter (cms/rate_limits.py): a sliding window that no burst escapes by
straddling a boundary, atomic under parallel hits, and open (with a warning) when the
cache does not answer, as production's django-redis does or as a plain backend does.

The clock is given with ``now=``. These tests use the suite's cache: local memory, or
the Redis at REDIS_URL when it is set."""

import random
import threading

import pytest

from cms.rate_limits import limit_exceeded, take_back

from .caches import closed_port, plain_redis_cache, production_cache

PERIOD = 60
T = 1_700_000_000.0  # a time, 20 seconds into a minute


def hits(count, *, limit=3, period=PERIOD, now=T, name="comment", who="192.0.2.1"):
    return [limit_exceeded(name, who, limit=limit, period=period, now=now) for _ in range(count)]


def test_the_hits_over_the_limit_are_refused():
    assert hits(5) == [False, False, False, True, True]


@pytest.mark.parametrize("limit", [0, None])
def test_limit_0_or_none_is_no_limit(limit):
    assert not any(hits(50, limit=limit))


def test_each_limit_and_each_client_is_counted_apart():
    assert hits(4) == [False, False, False, True]
    assert hits(1, who="192.0.2.2") == [False]
    assert hits(1, name="preview") == [False]
    assert hits(1, period=PERIOD * 2) == [False]


@pytest.mark.parametrize("boundary", [60 * 28_333_334, 60 * 28_333_334 + 6, 60 * 28_333_334 + 30])
@pytest.mark.parametrize("gap", [0.002, 1, 30, PERIOD - 0.01])
def test_a_burst_around_a_boundary_is_still_limited(boundary, gap):
    """Three hits just before a minute (or a tenth of it), then more after: the period
    after the first three still holds them, whatever the boundary between."""
    assert hits(3, now=boundary - 0.001) == [False, False, False]
    assert hits(2, now=boundary - 0.001 + gap) == [True, True]


def test_hits_older_than_the_period_stop_counting():
    """A hit counts for the period, and stops counting at most a tenth of it later."""
    assert hits(3, now=T + 5.9) == [False, False, False]
    assert hits(1, now=T + 5.9 + PERIOD) == [True]
    assert hits(4, now=T + 5.9 + PERIOD * 1.1 + 0.001) == [False, False, False, True]


def test_refused_hits_do_not_keep_the_client_out_longer():
    assert hits(3, now=T) == [False, False, False]
    for second in range(1, 60):
        assert hits(1, now=T + second) == [True]
    assert hits(3, now=T + PERIOD * 1.1) == [False, False, False]


def test_in_any_period_no_more_than_the_limit_get_through():
    """Random hits over ten periods: whatever period is looked at, at most `limit` got
    through; and the limit is not much stricter than asked (a tenth of the period)."""
    chance = random.Random(23)
    times = sorted(T + chance.uniform(0, PERIOD * 10) for _ in range(400))
    passed = [now for now in times if not limit_exceeded("c", "a", limit=5, period=PERIOD, now=now)]
    for start in passed:
        assert sum(start <= now < start + PERIOD for now in passed) <= 5
    assert len(passed) >= 5 * int(10 / 1.1)


def test_a_hit_taken_back_does_not_count():
    assert hits(2, limit=2) == [False, False]
    take_back("comment", "192.0.2.1", period=PERIOD, now=T)
    assert hits(2, limit=2) == [False, True]


def test_taking_back_a_hit_that_expired_does_nothing():
    take_back("comment", "192.0.2.1", period=PERIOD, now=T)
    assert hits(4) == [False, False, False, True]


def test_parallel_hits_get_through_no_more_than_the_limit():
    attempts = 40
    start = threading.Barrier(attempts)
    answers = []

    def hit():
        start.wait()
        # One moment for all: hits at the same time land in one slot, whose INCR is atomic.
        answers.append(limit_exceeded("sign-in", "root", limit=5, period=PERIOD, now=T))

    threads = [threading.Thread(target=hit) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 5 + [True] * (attempts - 5)


# The cache does not answer.


@pytest.mark.parametrize("make_cache", [production_cache, plain_redis_cache])
def test_without_an_answer_from_the_cache_the_limit_lets_hits_through(
    make_cache, monkeypatch, settings, caplog
):
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {**settings.CACHES, "default": make_cache(monkeypatch, location)}
    assert hits(3, limit=1, name="comment rate") == [False, False, False]
    take_back("comment rate", "192.0.2.1", period=PERIOD, now=T)  # does not raise either
    assert "The cache does not answer" in caplog.text
    assert "the comment rate limit is not applied to this request" in caplog.text
