"""Amounts in Indonesian words, as the partner invoice writes its total (shop.terbilang)."""
from __future__ import annotations

import pytest

from shop.terbilang import terbilang, terbilang_rupiah


@pytest.mark.parametrize(("number", "words"), [
    (0, "nol"),
    (1, "satu"),
    (9, "sembilan"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (200, "dua ratus"),
    (999, "sembilan ratus sembilan puluh sembilan"),
])
def test_numbers_below_a_thousand(number, words):
    assert terbilang(number) == words


@pytest.mark.parametrize(("number", "words"), [
    (1000, "seribu"),
    (1001, "seribu satu"),
    (1100, "seribu seratus"),
    (1111, "seribu seratus sebelas"),
    (2000, "dua ribu"),
    (11_000, "sebelas ribu"),
    (100_000, "seratus ribu"),
    (101_000, "seratus satu ribu"),
    (111_000, "seratus sebelas ribu"),
    (999_999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"),
])
def test_thousands_take_seribu_only_for_exactly_one(number, words):
    assert terbilang(number) == words


@pytest.mark.parametrize(("number", "words"), [
    (1_000_000, "satu juta"),
    (1_001_000, "satu juta seribu"),
    (1_250_000, "satu juta dua ratus lima puluh ribu"),
    (11_000_000, "sebelas juta"),
    (100_000_000, "seratus juta"),
    (123_456_789, "seratus dua puluh tiga juta empat ratus lima puluh enam ribu tujuh ratus delapan puluh sembilan"),
    (1_000_000_000, "satu miliar"),
    (2_000_000_000, "dua miliar"),
    (2_147_483_647, "dua miliar seratus empat puluh tujuh juta empat ratus delapan puluh tiga ribu "
                    "enam ratus empat puluh tujuh"),
    (1_000_000_000_000, "satu triliun"),
    (1_000_000_001_000, "satu triliun seribu"),
    (1_000_000_000_000_000, "seribu triliun"),
])
def test_millions_billions_and_trillions(number, words):
    assert terbilang(number) == words


def test_a_round_million_has_no_stray_words_for_its_zero_groups():
    assert terbilang(5_000_000_005) == "lima miliar lima"


def test_negative_amounts_say_minus():
    assert terbilang(-25_000) == "minus dua puluh lima ribu"


def test_rupiah_amount_ends_with_rupiah():
    assert terbilang_rupiah(1_250_000) == "satu juta dua ratus lima puluh ribu rupiah"
    assert terbilang_rupiah(0) == "nol rupiah"


@pytest.mark.parametrize("value", [1.5, "100", True, None])
def test_refuses_anything_but_a_whole_number(value):
    with pytest.raises(TypeError):
        terbilang(value)


def test_every_number_up_to_ten_thousand_is_words_without_doubled_or_missing_spaces():
    for number in range(1, 10_001):
        words = terbilang(number)
        assert words == words.strip() and "  " not in words
        assert "nol" not in words.split()
