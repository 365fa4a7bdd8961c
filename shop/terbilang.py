"""Amounts in Indonesian words (*terbilang*), as an invoice writes them under its total.

``terbilang(1_250_000)`` is ``"satu juta dua ratus lima puluh ribu"``. The words are Indonesian in
every interface language: an Indonesian invoice states its amount in Indonesian, as the law on the
rupiah asks. Ten, a hundred and a thousand take the prefix ``se-`` (sepuluh, sebelas, seratus,
seribu); a million and above do not (satu juta, satu miliar), as bank slips and invoices write them.
"""
from __future__ import annotations

_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
# Each step of a thousand up to the largest amount anyone puts on an invoice (and beyond).
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def _below_thousand(n: int) -> list[str]:
    """Words of 1..999 (nothing for 0)."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_UNITS[rest - 10], "belas"]
    elif rest >= 20:
        tens, units = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if units:
            words.append(_UNITS[units])
    elif rest:
        words.append(_UNITS[rest])
    return words


def _words(n: int) -> list[str]:
    """Words of a positive number."""
    words: list[str] = []
    for size, name in _SCALES:
        count, n = divmod(n, size)
        if count:
            words += _words(count) + [name]
    thousands, n = divmod(n, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words += _below_thousand(thousands) + ["ribu"]
    return words + _below_thousand(n)


def terbilang(n: int) -> str:
    """A whole number in Indonesian words: 0 -> ``nol``, 11 -> ``sebelas``, -5 -> ``minus lima``.

    :raise TypeError: ``n`` is not an ``int`` (a float or a bool would hide a rounding or a mistake).
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"terbilang() takes a whole number, not {type(n).__name__}")
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    return " ".join(_words(n))


def terbilang_rupiah(amount_idr: int) -> str:
    """An amount of whole rupiah in words: 1.250.000 -> ``satu juta dua ratus lima puluh ribu rupiah``."""
    return f"{terbilang(amount_idr)} rupiah"
