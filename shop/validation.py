"""Normalising and checking what people type: phone numbers, NIB, NPWP, passwords."""
from __future__ import annotations

import gzip
import re
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


@cache
def common_passwords() -> frozenset[str]:
    """About 20,000 most common passwords (the list Django ships, see shop/data/SOURCES.md)."""
    data = resources.files("shop").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str) -> str | None:
    """Why a password is refused ("too_short" or "too_common"), or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.lower().strip() in common_passwords():
        return "too_common"
    return None
