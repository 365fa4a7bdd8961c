"""shop.money.parse_rupiah: the one reader of every rupiah amount typed into a form."""
from __future__ import annotations

import pytest

from shop.money import MAX_IDR, RupiahError, parse_rupiah

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text", [
    "10000000", "10.000.000", "Rp 10.000.000", "Rp10.000.000", "Rp. 10.000.000", "rp 10.000.000",
    "10.000.000,00", "10.000.000,0", "Rp 10.000.000,00", "10000000,00", "  10.000.000  ", "IDR 10.000.000",
    "10,000,000", "Rp 10,000,000", "10,000,000.00", "10000000.00",
])
def test_ten_million_rupiah_is_read_in_every_common_spelling(text):
    assert parse_rupiah(text) == 10_000_000


@pytest.mark.parametrize(("text", "amount"), [
    ("0", 0), ("Rp0", 0), ("500", 500), ("1.000", 1_000), ("1,000", 1_000), ("999", 999), ("45.000", 45_000),
    ("1.234.567", 1_234_567), ("2.000.000.000", MAX_IDR),
])
def test_whole_amounts_are_read_exactly(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_amount_is_none(text):
    assert parse_rupiah(text) is None


@pytest.mark.parametrize("text", ["10.000.000,50", "10.000.000,05", "1,5", "Rp 7.500,25", "10000000.50", "10,000.5"])
def test_an_amount_with_sen_is_refused(text):
    with pytest.raises(RupiahError) as error:
        parse_rupiah(text)
    assert error.value.problem == "sen"


@pytest.mark.parametrize("text", [
    "1.0000", "10.00.000", "10..000", "1.000,000", "1,000.000", "1.000,000.00", "10.000.000,000", "1 000 000",
    ".500", "500.", ",500", "1.000.", "10.000,000,00", "1,00,000",
])
def test_an_amount_with_ambiguous_separators_is_refused(text):
    with pytest.raises(RupiahError) as error:
        parse_rupiah(text)
    assert error.value.problem == "separators"


@pytest.mark.parametrize("text", ["banyak", "10rb", "Rp", "1e6", "0x10", "١٠٠", "１０００", "10.000\x00", "--5", "Rp Rp 5"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(RupiahError) as error:
        parse_rupiah(text)
    assert error.value.problem == "invalid"


@pytest.mark.parametrize("text", ["-5", "-Rp 25.000", "Rp -25.000"])
def test_a_negative_amount_is_refused_unless_allowed(text):
    with pytest.raises(RupiahError) as error:
        parse_rupiah(text)
    assert error.value.problem == "negative"


@pytest.mark.parametrize(("text", "amount"), [("-25.000", -25_000), ("-Rp 25.000", -25_000), ("Rp -25.000", -25_000),
                                              ("Rp-25.000,00", -25_000), ("25.000", 25_000)])
def test_a_negative_amount_is_read_where_allowed(text, amount):
    assert parse_rupiah(text, allow_negative=True) == amount


@pytest.mark.parametrize("text", ["2.000.000.001", "99999999999999999999", "-2.000.000.001"])
def test_an_amount_beyond_two_billion_is_refused(text):
    with pytest.raises(RupiahError) as error:
        parse_rupiah(text, allow_negative=True)
    assert error.value.problem == "too_large"


def test_every_problem_has_a_message_for_the_field():
    for text in ("1,5", "1.0000", "banyak", "-5", "9.999.999.999"):
        with pytest.raises(RupiahError) as error:
            parse_rupiah(text)
        assert str(error.value.message)
