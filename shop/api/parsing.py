"""Reading values from JSON bodies: whole numbers come in bounds, so none reaches a column it overflows.

The money and count columns are 32-bit integers: a number beyond :data:`MAX_INT` is refused
here as a field error (the caller answers 400 or 422) instead of failing in the database.
"""
from __future__ import annotations

from typing import Any

MAX_INT = 2_000_000_000  # below the 32-bit INTEGER limit (2,147,483,647)


def body_int(value: Any, name: str, errors: dict[str, str], *, minimum: int = -MAX_INT, maximum: int = MAX_INT,
             optional: bool = False) -> int | None:
    """``value`` when it is a JSON integer from ``minimum`` to ``maximum``; otherwise None, with
    ``errors[name]`` saying what is wanted. ``optional``: None (or absent) is fine and gives None.
    """
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = "Must be a whole number or null." if optional else "Must be a whole number."
        return None
    if not minimum <= value <= maximum:
        errors[name] = f"Must be a whole number from {minimum} to {maximum}."
        return None
    return value


def whole_number_problem(kind: str) -> str:
    """What :func:`body_int` says, for a pydantic error type of a whole number (``missing`` aside)."""
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"Must be a whole number from {-MAX_INT} to {MAX_INT}."
    return "Must be a whole number."
