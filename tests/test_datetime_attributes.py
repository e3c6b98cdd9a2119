"""No reader page prints a `datetime` attribute HTML rejects: at most three digits of a
second (the W3C checker refuses Python's six: 2026-11-27T17:15:07.928063+00:00)."""

import re
from datetime import UTC, date, datetime

import pytest

from articles.templatetags.html_time import html_datetime

from .reader_pages import WITH_MICROSECONDS, build_site, render_pages

DATETIME_ATTRIBUTE = re.compile(r'datetime="([^"]*)"')
TOO_PRECISE = re.compile(r"\.\d{4,}")


@pytest.mark.django_db
def test_no_reader_page_prints_more_than_three_digits_of_a_second(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_RATE_LIMIT = 1
    pages = render_pages(build_site(), tmp_path)
    printed = {page.name: DATETIME_ATTRIBUTE.findall(page.html) for page in pages}
    # The pages with dates do print them (a check of nothing would pass).
    assert printed["article-with-images"] and printed["change-log"] and printed["front-page"]
    too_precise = {
        name: [value for value in values if TOO_PRECISE.search(value)]
        for name, values in printed.items()
    }
    assert not any(too_precise.values()), {name: v for name, v in too_precise.items() if v}


def test_the_filter_prints_whole_seconds_with_the_offset(settings):
    settings.TIME_ZONE = "Europe/London"
    instant = datetime(2026, 11, 27, 17, 15, 7, tzinfo=UTC) + WITH_MICROSECONDS
    assert html_datetime(instant) == "2026-11-27T17:15:07+00:00"
    summer = datetime(2026, 7, 1, 9, 30, 0, 123456, tzinfo=UTC)
    assert html_datetime(summer) == "2026-07-01T10:30:00+01:00"
    assert html_datetime(date(2026, 7, 1)) == "2026-07-01"
    assert html_datetime(None) == ""
