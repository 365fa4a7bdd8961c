"""shop.i18n.rating: one way to write an average rating, for the storefront and the sentra's review page."""
from __future__ import annotations

import pytest

from shop.i18n import rating

pytestmark = pytest.mark.nodb


def test_an_indonesian_rating_has_a_decimal_comma():
    assert rating(4.46, "id") == "4,5"


def test_an_english_rating_has_a_decimal_point():
    assert rating(4.0, "en") == "4.0"
