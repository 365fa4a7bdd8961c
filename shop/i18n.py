"""Language choice (Indonesian by default, English on request) and display formats."""
from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale

LANG_COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # CLI, worker: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "id")


def rupiah(amount_idr: int | None) -> str:
    """Whole rupiah as people read them: ``Rp150.000`` (``Rp150,000`` in English)."""
    if amount_idr is None:
        return ""
    sign = "-" if amount_idr < 0 else ""
    return f"{sign}Rp{format_decimal(abs(int(amount_idr)), format='#,##0', locale=current_language())}"


def wib(value: datetime | date | None, fmt: str = "medium") -> str:
    """A UTC timestamp shown in Asia/Jakarta time, marked WIB."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{format_datetime(value, fmt)} WIB"
    return format_date(value, fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.globals["current_language"] = current_language
