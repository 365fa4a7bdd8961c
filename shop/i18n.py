"""Language choice (Indonesian by default, English on request) and display formats."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol
from flask import Flask, current_app, g
from flask.globals import _cv_app, _cv_request
from flask_babel import get_locale, get_translations

from shop.terbilang import terbilang_rupiah

LANG_COOKIE = "lang"


@lru_cache(maxsize=8)
def _locale(code: str) -> Locale:
    """The Babel locale of a language code, parsed once: Flask-Babel parses what the selector returns on
    every request otherwise (a dozen microseconds), and takes a ``Locale`` as it is."""
    return Locale.parse(code)


def select_locale() -> Locale:
    """The request's language: the ``lang`` cookie when it names one of ``LANGUAGES``, else the default."""
    ctx = _cv_request.get(None)
    if ctx is None:  # CLI, worker: the default language
        return _locale(current_app.config["BABEL_DEFAULT_LOCALE"])
    config = ctx.app.config
    chosen = ctx.request.cookies.get(LANG_COOKIE)
    return _locale(chosen if chosen in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"])


def request_i18n() -> tuple[Any, str, Any]:
    """``(locale, language code, translations)`` of the current request, worked out once.

    The cache lives beside Flask-Babel's own per-context state and is checked
    against its locale object, so ``force_locale()`` and ``refresh()`` are honoured.
    """
    app_ctx = _cv_app.get(None)  # the context variable itself: cheaper than the ``g`` proxy
    if app_ctx is None:  # no application context: Flask-Babel's defaults
        locale = get_locale()
        return (locale, str(locale or "id"), get_translations())
    babel_state = app_ctx.g.__dict__.get("_flask_babel")
    cached = getattr(babel_state, "pasar_i18n", None)
    if cached is not None and cached[0] is getattr(babel_state, "babel_locale", None):
        return cached
    translations = get_translations()  # resolves (and stores) the locale too
    locale = get_locale()
    state = (locale, str(locale or "id"), translations)
    g._flask_babel.pasar_i18n = state  # made by get_translations() above
    return state


def current_language() -> str:
    """The request's language code (``id`` or ``en``)."""
    return request_i18n()[1]


def translations() -> Any:
    """The request's gettext translations object."""
    return request_i18n()[2]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext`` (the same result) with the request's translations looked up once.

    For the hot path (the public pages); elsewhere ``flask_babel.gettext`` is the rule.
    """
    text = request_i18n()[2].gettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ``ngettext`` (``num`` is available to the format) for the hot path."""
    variables.setdefault("num", num)
    return request_i18n()[2].ngettext(singular, plural, num) % variables


_GROUP_SEPARATOR = {"id": ".", "en": ","}


def rupiah(amount_idr: int | None) -> str:
    """Whole rupiah as people read them: ``Rp150.000`` (``Rp150,000`` in English).

    Done by hand rather than with Babel's number formatting: it is on every price
    of every page, and the grouping of whole rupiah needs no more than this.
    """
    if amount_idr is None:
        return ""
    amount = int(amount_idr)
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", _GROUP_SEPARATOR.get(current_language(), "."))
    return f"{sign}Rp{grouped}"


def percent_of_bp(rate_bp: int) -> str:
    """Basis points as the percent people read and type, without trailing zeros: 500 -> ``5``, 450 -> ``4.5``."""
    whole, fraction = divmod(rate_bp, 100)
    return f"{whole}.{fraction:02d}".rstrip("0") if fraction else f"{whole}"


@lru_cache(maxsize=8)
def _decimal_symbol(locale: str) -> str:
    return get_decimal_symbol(locale)


def rating(average: float, locale: str | None = None) -> str:
    """An average rating with one decimal: ``4,5`` (``4.5`` in English); ``locale`` defaults to the request's."""
    return f"{average:.1f}".replace(".", _decimal_symbol(locale or current_language()))


def share_percent(share: float, locale: str | None = None) -> str:
    """A share (0..1) as a percent with one decimal: ``100,0%`` (``100.0%`` in English)."""
    return f"{share * 100:.1f}".replace(".", _decimal_symbol(locale or current_language())) + "%"


WIB_DATETIME = "d MMM yyyy HH.mm"  # 6 Des 2026 14.05: Babel's medium date, the time without seconds
WIB_DATE = "d MMM yyyy"


JAKARTA = ZoneInfo("Asia/Jakarta")


@lru_cache(maxsize=8)
def _month_abbreviations(language: str) -> Mapping[int, str]:
    return dict(get_month_names("abbreviated", context="format", locale=language))


def wib(value: datetime | date | None) -> str:
    """A UTC timestamp shown in Asia/Jakarta time, marked WIB: ``6 Des 2026 14.05 WIB``; a date: ``6 Des 2026``.

    One format for every page, so a list, a timeline and a paper read the same moment the same way.
    Babel's ``d MMM yyyy HH.mm`` (:data:`WIB_DATETIME`), written out by hand with Babel's month names:
    a product page shows a date per review, and Babel's pattern formatting was a tenth of its time.
    A naive datetime is UTC, as everywhere in the database.
    """
    if value is None:
        return ""
    months = _month_abbreviations(current_language())
    if isinstance(value, datetime):
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(JAKARTA)
        return f"{local.day} {months[local.month]} {local.year:04d} {local.hour:02d}.{local.minute:02d} WIB"
    return f"{value.day} {months[value.month]} {value.year:04d}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["wib"] = wib
    app.jinja_env.filters["bp_percent"] = percent_of_bp
    app.jinja_env.filters["share_percent"] = share_percent
    app.jinja_env.filters["terbilang"] = terbilang_rupiah
    app.jinja_env.globals["current_language"] = current_language
