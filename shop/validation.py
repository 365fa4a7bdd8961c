"""Normalising and checking what people type: phone numbers, NIB, NPWP, passwords."""
from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

_PHONE_DIGITS = re.compile(r"[\s\-().]")


class InvalidPhoneError(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """An Indonesian mobile or landline number as ``+62...``.

    Accepts ``0812-3456-7890``, ``62812...``, ``+62 812 ...`` and ``812...``.

    :raise InvalidPhoneError: when it is not a plausible Indonesian number.
    """
    digits = _PHONE_DIGITS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("62"):
            raise InvalidPhoneError(raw)
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    national = national.lstrip("0") if digits.startswith("620") else national
    if not national.isdigit() or not 8 <= len(national) <= 13 or national[0] == "0":
        raise InvalidPhoneError(raw)
    return "+62" + national


def whatsapp_link(phone: str, text: str | None = None) -> str:
    """A wa.me deep link for a ``+62...`` number."""
    from urllib.parse import quote

    link = f"https://wa.me/{phone.lstrip('+')}"
    return f"{link}?text={quote(text)}" if text else link


def is_valid_nib(value: str) -> bool:
    """NIB (Nomor Induk Berusaha) is exactly 13 digits."""
    return bool(re.fullmatch(r"\d{13}", value or ""))


def normalize_npwp(value: str) -> str | None:
    """NPWP as digits only: 15 (old format) or 16 (NIK-based) digits; None when empty."""
    digits = re.sub(r"[.\-\s]", "", value or "")
    if not digits:
        return None
    if not re.fullmatch(r"\d{15}|\d{16}", digits):
        raise ValueError(value)
    return digits


MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
# zxcvbn's score: 3 means "safely unguessable" (more than 10^8 guesses), out of reach of
# online guessing even from many addresses at once (see the login throttling rule).
MIN_PASSWORD_SCORE = 3
# zxcvbn's cost grows with the square of the length (half a second at 128 repeated
# letters): it rates the first 64 characters, which already hold far more than the
# guesses asked for.
_RATED_PREFIX = 64
# Words of this site, and the demo accounts' password published in the README.
SITE_WORDS = ("pasar", "sentra", "pasarsentra", "bekasi", "kotabekasi", "demo")
PUBLISHED_PASSWORDS = ("pasar-sentra-demo",)
_NOT_ALNUM = re.compile(r"[\W_]+")


def _squashed(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


@cache
def common_passwords() -> frozenset[str]:
    """About 20,000 most common passwords (the list Django ships, see shop/data/SOURCES.md)."""
    data = resources.files("shop").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def _personal_words(context: Iterable[str]) -> list[str]:
    """The user's email and name whole, and their parts, as zxcvbn's ``user_inputs``."""
    words: list[str] = []
    for text in context:
        text = (text or "").lower().strip()
        if text:
            parts = [part for part in re.split(r"[\W_]+", text) if len(part) >= 3]
            words += [text, _squashed(text), *parts]
    return words


def password_problem(password: str, context: Iterable[str] = ()) -> str | None:
    """Why a new password is refused, or None when it is fine: the password rule.

    In order: ``too_short`` (under 8 characters), ``too_long`` (over 128),
    ``too_common`` (on the common-password list, or the published demo password),
    then zxcvbn's estimate with the user's email and name (``context``) and this
    site's words as known words: below score 3 it is ``too_personal`` when built from
    those words, else ``too_predictable`` (repeats, sequences, keyboard rows, dates).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "too_long"
    if password.lower().strip() in common_passwords() or _squashed(password) in map(_squashed, PUBLISHED_PASSWORDS):
        return "too_common"
    # Imported here: its word lists would cost every start of the app a tenth of a second.
    from zxcvbn import zxcvbn

    personal = _personal_words(context)
    rated = zxcvbn(password[:_RATED_PREFIX], user_inputs=[*personal, *SITE_WORDS], max_length=_RATED_PREFIX)
    if rated["score"] >= MIN_PASSWORD_SCORE:
        return None
    from_context = any(match.get("dictionary_name") == "user_inputs" for match in rated["sequence"])
    return "too_personal" if from_context else "too_predictable"
