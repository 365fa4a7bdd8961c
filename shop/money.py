"""Rupiah as people type them: the one reader of every amount a form takes, and its form field.

Money is whole rupiah (DESIGN: an ``int`` in ``*_idr`` columns). People write amounts the
Indonesian way, ``Rp 10.000.000`` or ``10.000.000,00`` (dots between thousands, a decimal
comma), and sometimes the English way, ``10,000,000.00``. Both are read, but only when the
separators say one thing: thousands in groups of three, and at most two decimals that are
zero. ``10.000.000,50`` (sen) and ``1.0000`` (which grouping?) are refused, never guessed.

The JSON API takes amounts as JSON integers (``shop.api.parsing``), not as text.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField

MAX_IDR = 2_000_000_000  # the money columns are 32-bit integers (at most 2,147,483,647)

# Indonesian: 10.000.000,00 -- English: 10,000,000.00; either may leave out the grouping.
_INDONESIAN = re.compile(r"(?P<whole>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<sen>[0-9]{1,2}))?")
_ENGLISH = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<sen>[0-9]{1,2}))?")
_CURRENCY = re.compile(r"(?:rp\.?|idr)\s*", re.IGNORECASE)
_NUMBER_LIKE = re.compile(r"[0-9.,\s]+")

MESSAGES = {
    "invalid": _l("Enter an amount in whole rupiah, for example 10.000.000."),
    "sen": _l("Amounts are in whole rupiah, without sen: for example 10.000.000 or 10.000.000,00."),
    "separators": _l("Write the amount with a dot between thousands, for example 10.000.000."),
    "negative": _l("Enter an amount of 0 or more."),
    "too_large": _l("That amount is too large (at most Rp2.000.000.000)."),
}


class RupiahError(ValueError):
    """Why a text is not an amount: ``problem`` is one of :data:`MESSAGES`' keys, ``message`` its text."""

    def __init__(self, problem: str, text: str) -> None:
        super().__init__(f"{problem}: {text!r}")
        self.problem = problem
        self.message = MESSAGES[problem]


def _sign_and_number(text: str) -> tuple[int, str]:
    """Split off a minus sign and the currency, which may come in either order (``-Rp 5``, ``Rp -5``)."""
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:].lstrip()
    currency = _CURRENCY.match(text)
    if currency:
        text = text[currency.end():]
        if sign == 1 and text.startswith("-"):
            sign, text = -1, text[1:].lstrip()
    return sign, text


def parse_rupiah(text: str | None, *, allow_negative: bool = False) -> int | None:
    """Whole rupiah from what was typed; None when nothing was.

    Reads ``10000000``, ``10.000.000``, ``Rp 10.000.000``, ``10.000.000,00`` and the English
    ``10,000,000.00``; a leading ``-`` only with ``allow_negative``.

    :raise RupiahError: sen other than zero (``sen``), separators that do not group thousands
        (``separators``), a negative amount where none is allowed (``negative``), more than
        :data:`MAX_IDR` either way (``too_large``), anything else (``invalid``).
    """
    return read_whole_number(text, allow_negative=allow_negative, currency=True)


def read_whole_number(text: str | None, *, allow_negative: bool, currency: bool) -> int | None:
    """The grammar under :func:`parse_rupiah`, also for counts typed the same way (``1.000`` units):
    with ``currency=False`` a ``Rp`` is not read. None when nothing was typed.

    :raise RupiahError: as :func:`parse_rupiah`; a caller with its own wording picks it by ``problem``.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    if currency:
        sign, number = _sign_and_number(raw)
    elif raw.startswith("-"):
        sign, number = -1, raw[1:].lstrip()
    else:
        sign, number = 1, raw
    match = _INDONESIAN.fullmatch(number) or _ENGLISH.fullmatch(number)
    if match is None:
        problem = "separators" if _NUMBER_LIKE.fullmatch(number) and any(c.isdigit() for c in number) else "invalid"
        raise RupiahError(problem, raw)
    if (match["sen"] or "0").strip("0"):
        raise RupiahError("sen", raw)
    amount = sign * int(match["whole"].replace(".", "").replace(",", ""))
    if abs(amount) > MAX_IDR:
        raise RupiahError("too_large", raw)
    if amount < 0 and not allow_negative:
        raise RupiahError("negative", raw)
    return amount


class RupiahField(StringField):
    """A form field of whole rupiah read by :func:`parse_rupiah`: ``data`` is an ``int`` or None.

    What cannot be read is a field error in the page's language, and what was typed is shown
    again. Ranges narrower than the parser's are the form's validators (``NumberRange``).
    """

    def __init__(self, label: Any = None, validators: Any = None, *, allow_negative: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.allow_negative = allow_negative

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = None
        try:
            self.data = parse_rupiah(str(valuelist[0]), allow_negative=self.allow_negative)
        except RupiahError as error:
            raise ValueError(error.message) from None

    def _value(self) -> str:
        # What was typed comes back only when it could not be read; otherwise the amount,
        # which the view may have set anew (the checkout's total after "Update total").
        if self.raw_data and self.process_errors:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)
