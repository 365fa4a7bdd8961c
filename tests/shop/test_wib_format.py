"""shop.i18n.wib: the one date-time format, written by hand, reads exactly as Babel's pattern would."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, format_date, format_datetime

from shop.i18n import WIB_DATE, WIB_DATETIME, wib


def test_a_utc_evening_is_the_next_morning_in_wib(app):
    with app.test_request_context():
        assert wib(datetime(2026, 12, 6, 19, 5)) == "7 Des 2026 02.05 WIB"


def test_an_aware_time_in_another_zone_is_shown_in_wib(app):
    with app.test_request_context():
        assert wib(datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=9)))) == "1 Jan 2026 06.00 WIB"


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_matches_babels_pattern_in_each_language(app, language):
    draw = random.Random(17)
    with app.test_request_context(), force_locale(language):
        for _ in range(400):
            moment = datetime(2020, 1, 1) + timedelta(minutes=draw.randrange(60 * 24 * 366 * 8))
            assert wib(moment) == f"{format_datetime(moment, WIB_DATETIME)} WIB"
            day = moment.date()
            assert wib(day) == format_date(day, WIB_DATE)


def test_nothing_is_an_empty_string(app):
    with app.test_request_context():
        assert wib(None) == ""
        assert wib(date(2027, 5, 1)) == "1 Mei 2027"
