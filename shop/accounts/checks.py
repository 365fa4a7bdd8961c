"""Checks on what people type into account forms, shared by the services."""
from __future__ import annotations

import re

from shop.validation import InvalidPhoneError, normalize_phone

MAX_NAME = 120
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def normalize_email(raw: str | None) -> str:
    return (raw or "").strip().lower()


def is_valid_email(email: str) -> bool:
    return len(email) <= 254 and bool(_EMAIL.fullmatch(email))


def check_phone(raw: str | None, fields: dict[str, str], key: str = "phone") -> str | None:
    """The phone as +62..., None when empty; records ``invalid`` in ``fields`` when it is not a number."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhoneError:
        fields[key] = "invalid"
        return None


def check_name(name: str | None, fields: dict[str, str], key: str = "name") -> str:
    """The stripped name; records ``required`` or ``too_long`` in ``fields``."""
    name = (name or "").strip()
    if not name:
        fields[key] = "required"
    elif len(name) > MAX_NAME:
        fields[key] = "too_long"
    return name
