"""Request arguments of /search and /api/v1/search, read into a SearchQuery.

Both take the same parameters. A value that cannot be understood (an unknown
subsector, ``page=-1``, ``min_price=abc``) is left out of the query and named in
``errors``: the API answers 400 with those fields, the page drops the filter and
says so. Reading arguments never raises.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from catalog.search.types import MAX_PER_PAGE, MAX_TEXT, SearchQuery, Sort
from catalog.storefront.queries import reference
from shop.extensions import db
from shop.money import RupiahError, parse_rupiah
from shop.sentras.models import Sentra, SentraStatus

LIST_FILTERS = ("subsector", "kecamatan", "kelurahan", "sentra")
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000  # beyond any real catalogue; keeps OFFSET a small number
MAX_VALUES = 20  # values of one filter; more is not a person choosing
TRUE = {"1", "true", "on", "yes", "y"}
FALSE = {"0", "false", "off", "no", "n", ""}

MESSAGES = {
    "subsector": _l("Unknown subsector."),
    "kecamatan": _l("Unknown kecamatan."),
    "kelurahan": _l("Unknown kelurahan."),
    "sentra": _l("Unknown sentra."),
    "too_many": _l("Too many values."),
    "price_order": _l("The highest price must not be below the lowest price."),
    "flag": _l("Use true or false."),
    "sort": _l("Unknown sort order."),
    "page": _l("Enter a page number from 1 to %(n)d.", n=MAX_PAGE),
    "per_page": _l("Enter a number from 1 to %(n)d.", n=MAX_PER_PAGE),
}


@dataclass(frozen=True)
class ParsedSearch:
    """What the request asked, cleaned: the query, the problems found, and the chosen sentras' names."""

    query: SearchQuery
    errors: dict[str, str] = field(default_factory=dict)
    sentra_names: dict[str, str] = field(default_factory=dict)


def parse_search_args(args: MultiDict) -> ParsedSearch:
    """Read ``q``, the filters, ``sort``, ``page`` and ``per_page``; bad values are dropped and reported."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"text": " ".join(args.get("q", "").split())[:MAX_TEXT]}

    ref = reference()
    known = {"subsector": ref.subsectors, "kecamatan": ref.kecamatan, "kelurahan": ref.kelurahan}
    sentra_names: dict[str, str] = {}
    for name in LIST_FILTERS:
        chosen = _distinct(v.strip() for v in args.getlist(name))
        if len(chosen) > MAX_VALUES:
            errors[name] = str(MESSAGES["too_many"])
            continue
        if name == "sentra":
            sentra_names = _active_sentras(chosen)
            good = [slug for slug in chosen if slug in sentra_names]
        else:
            good = [code for code in chosen if code in known[name]]
        if len(good) < len(chosen):
            errors[name] = str(MESSAGES[name])
        values[name] = tuple(good)

    for name in ("min_price", "max_price"):
        raw = args.get(name, "").strip()
        if raw:
            try:
                values[name] = parse_rupiah(raw)
            except RupiahError as error:
                errors[name] = str(error.message)
    if values.get("min_price") is not None and values.get("max_price") is not None \
            and values["max_price"] < values["min_price"]:
        errors["max_price"] = str(MESSAGES["price_order"])
        del values["max_price"]

    for name in ("in_stock", "made_to_order"):
        if name in args:
            flag = _flag(args.get(name, ""))
            if flag is None:
                errors[name] = str(MESSAGES["flag"])
            else:
                values[name] = flag

    sort = args.get("sort", "").strip() or Sort.RELEVANCE
    if sort in Sort.__members__.values():
        values["sort"] = Sort(sort)
    else:
        errors["sort"] = str(MESSAGES["sort"])

    for name, default, highest in (("page", 1, MAX_PAGE), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        number = _whole(args.get(name, "").strip() or str(default))
        if number is None or not 1 <= number <= highest:
            errors[name] = str(MESSAGES[name])
            number = default
        values[name] = number

    return ParsedSearch(SearchQuery(**values), errors, sentra_names)


def query_args(query: SearchQuery, **changes: Any) -> dict[str, Any]:
    """The query as URL arguments for ``url_for("search.results", ...)``; defaults are left out.

    ``changes`` replace arguments (``page=2``); a change to ``None`` removes the argument.
    """
    out: dict[str, Any] = {}
    if query.text:
        out["q"] = query.text
    for name in LIST_FILTERS:
        if getattr(query, name):
            out[name] = list(getattr(query, name))
    for name in ("min_price", "max_price"):
        if getattr(query, name) is not None:
            out[name] = getattr(query, name)
    if query.in_stock:
        out["in_stock"] = 1
    if query.made_to_order is not None:
        out["made_to_order"] = int(query.made_to_order)
    if query.sort != Sort.RELEVANCE:
        out["sort"] = query.sort.value
    if query.per_page != DEFAULT_PER_PAGE:
        out["per_page"] = query.per_page
    if query.page != 1:
        out["page"] = query.page
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _active_sentras(slugs: list[str]) -> dict[str, str]:
    if not slugs:
        return {}
    rows = db.session.execute(
        select(Sentra.slug, Sentra.name).where(Sentra.slug.in_(slugs), Sentra.status == SentraStatus.ACTIVE)
    )
    return dict(rows.tuples().all())


def _whole(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _flag(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    return None
