"""The potential map's figures for a period, read from the rollup (never from the raw log).

Definitions (the README's "Peta potensi dan kebutuhan" says the same):

- *supply* of a kelurahan, today: ``products``, the active products of its sentra (when the sentra
  is active); ``products_in_stock``, those with a variant in stock or made to order;
  ``subsectors``, the codes of those products' subsectors.
- *demand* in the period: ``searches``, logged searches by residents of the kelurahan;
  ``searchers``, distinct people among them; ``orders_by_residents``, counted orders (not cancelled,
  expired or awaiting an online payment) placed in the period by people who live there (as
  :mod:`shop.accounts.home` says today); ``orders_by_residents_elsewhere``, those placed at another
  kelurahan's sentra.
- *unmet*: texts that found nothing in the whole marketplace (no filters, no results), searched by at
  least ``POTENTIAL_MIN_SEARCHERS`` distinct people of the place in the period; up to 10, most
  searchers first. A term below the threshold appears nowhere.
- the *city* row: the same over everyone (guests who chose no kelurahan count only there).

Every figure is a fixed number of aggregate queries over the period's rollup rows: the search figures
read the period's whole months from the monthly twins and only its partial first and last months from
the daily ones (:func:`_segments`).
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    String,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from catalog.products.models import Product, ProductStatus, Variant
from orders.impact.period import Period
from orders.potential.models import (
    CITY,
    DemandDay,
    DemandMonth,
    ElsewhereItemDay,
    OrderDay,
    SearcherDay,
    UnmetDay,
    UnmetTermDay,
    UnmetTermMonth,
    month_number,
    rollup_version,
)
from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan
from shop.places.surveys import latest_surveys
from shop.sentras.models import Sentra, SentraStatus

CITY_NAME = "Kota Bekasi"
MEMO_SIZE = 32
_MEMO = "orders.potential.memo"
UNMET_LIMIT = 10
ELSEWHERE_LIMIT = 10
DEFAULT_MIN_SEARCHERS = 5


@dataclass
class Term:
    term: str
    searches: int
    searchers: int


@dataclass
class Supply:
    products: int = 0
    products_in_stock: int = 0
    subsectors: list[str] = field(default_factory=list)


@dataclass
class Demand:
    searches: int = 0
    searchers: int = 0
    orders_by_residents: int = 0
    orders_by_residents_elsewhere: int = 0


@dataclass
class PlaceRow:
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    lat: float = 0.0
    lon: float = 0.0
    supply: Supply = field(default_factory=Supply)
    demand: Demand = field(default_factory=Demand)
    unmet: list[Term] = field(default_factory=list)
    survey: dict[str, Any] | None = None


@dataclass
class PotentialReport:
    period: Period
    kelurahan: list[PlaceRow]
    city: PlaceRow
    min_searchers: int


@dataclass
class Elsewhere:
    """What residents of a kelurahan bought from other kelurahan's sentras: (key, orders), most first."""

    subsectors: list[tuple[str, int]]
    products: list[tuple[str, int]]


def min_searchers() -> int:
    return max(1, int(current_app.config.get("POTENTIAL_MIN_SEARCHERS") or DEFAULT_MIN_SEARCHERS))


def _segments(period: Period) -> tuple[list[tuple[date, date]], tuple[int, int] | None]:
    """The period as its partial months (day ranges, at most two) and its whole months (a range of
    month numbers, or None when no month lies wholly inside it)."""
    first_whole = period.first if period.first.day == 1 else _next_month(period.first)
    end_whole = _next_month(period.last) if _next_month(period.last) - timedelta(days=1) == period.last \
        else period.last.replace(day=1)  # the day after the last whole month
    if first_whole >= end_whole:
        return [(period.first, period.last)], None
    days = [(a, b) for a, b in ((period.first, first_whole - timedelta(days=1)), (end_whole, period.last)) if a <= b]
    return days, (month_number(first_whole), month_number(end_whole - timedelta(days=1)))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _sums(period: Period, twin: Any, where: Any, keys: tuple[str, ...], searches: Any = None) -> Any:
    """``twin``'s rows matching ``where`` grouped by ``keys``: searches (of the rows matching ``searches``
    when given), and the searcher rows that certainly count in the period (of those rows too): a previous
    day of a month before the period's first (see :mod:`orders.potential.models`)."""
    columns = [getattr(twin, key) for key in keys]
    inside = searches if searches is not None else true()
    first = and_(inside, twin.prev_month < month_number(period.first))
    return (select(*columns,
                   func.sum(twin.searches if searches is None else case((inside, twin.searches), else_=0))
                   .label("searches"),
                   func.sum(case((first, twin.searchers), else_=0)).label("first"))
            .where(where).group_by(*columns))


def _day_range(twin: Any, first: date, last: date) -> Any:
    return and_(twin.day >= first, twin.day <= last)


def _month_range(twin: Any, months: tuple[int, int]) -> Any:
    return and_(twin.month >= months[0], twin.month <= months[1])


def _late_first_rows(period: Period, model: Any, *keys: Any, searches: bool = False) -> Any:
    """Rows of ``model`` (the detailed table) in the period whose previous day falls in the period's first
    month but before the period: these count too (see :mod:`orders.potential.models`). With
    ``searches``, shaped as :func:`_unmet_candidates`' statements (no searches, not a candidate)."""
    month_start = period.first.replace(day=1)
    counts = (literal_column("0").label("searches"), func.count().label("first"),
              literal_column("0").label("candidate")) if searches else (func.count(),)
    return (select(*keys, *counts).where(model.prev_day >= month_start, model.prev_day < period.first,
                                              model.day >= period.first, model.day <= period.last)
            .group_by(*keys))


def potential_report(period: Period) -> PotentialReport:
    """Every kelurahan (56 rows, by kecamatan then name) and the city. Reads only; no flush."""
    places = db.session.execute(
        select(Kelurahan.code, Kelurahan.name, Kelurahan.kecamatan_code, Kecamatan.name, Kelurahan.lat,
               Kelurahan.lon).join(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code)
        .order_by(Kecamatan.name, Kelurahan.name)).all()
    rows = {code: PlaceRow(code, name, kec, kec_name, lat, lon) for code, name, kec, kec_name, lat, lon in places}
    city = PlaceRow(CITY, CITY_NAME, CITY, CITY_NAME)
    _add_supply(rows, city)
    _add_search_demand(period, rows, city)
    _add_order_demand(period, rows, city)
    unmet = unmet_terms(period, None)
    surveys = latest_surveys()  # the office's field surveys in force (never kept between requests)
    for code, row in rows.items():
        row.unmet = unmet.get(code, [])
        row.survey = surveys.get(code)
    city.unmet = unmet.get(CITY, [])
    return PotentialReport(period, list(rows.values()), city, min_searchers())


def _add_supply(rows: dict[str, PlaceRow], city: PlaceRow) -> None:
    available = or_(Product.made_to_order.is_(True), exists().where(
        Variant.product_id == Product.id, Variant.archived.is_(False), Variant.stock > 0))
    result = db.session.execute(
        select(Sentra.kelurahan_code, Product.subsector_code, func.count(Product.id),
               func.sum(case((available, 1), else_=0)))
        .join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE)
        .group_by(Sentra.kelurahan_code, Product.subsector_code))
    subsectors: set[str] = set()
    for kelurahan, subsector, products, in_stock in result:
        row = rows.get(kelurahan)
        for target in (row, city):
            if target is not None:
                target.supply.products += products
                target.supply.products_in_stock += int(in_stock or 0)
        if row is not None:
            row.supply.subsectors.append(subsector)
        subsectors.add(subsector)
    for row in rows.values():
        row.supply.subsectors.sort()
    city.supply.subsectors = sorted(subsectors)


def _memo(name: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept per process until the worker next changes the rollup (its version moves).

    The rollup changes at most once a minute, while the office and the sentras read the same periods
    again and again; what is kept is read-only for its callers.
    """
    version = rollup_version()
    if version is None:
        return compute()
    cache: OrderedDict = current_app.extensions.setdefault(_MEMO, OrderedDict())
    full = (name, key, min_searchers(), version)
    if full in cache:
        cache.move_to_end(full)
        return cache[full]
    value = cache[full] = compute()
    while len(cache) > MEMO_SIZE:
        cache.popitem(last=False)
    return value


def _search_demand(period: Period) -> dict[str, tuple[int, int]]:
    """Per place: searches and distinct searchers in the period."""
    days, months = _segments(period)
    parts = [_sums(period, DemandDay, _day_range(DemandDay, a, b), ("place",)) for a, b in days]
    if months:
        parts.append(_sums(period, DemandMonth, _month_range(DemandMonth, months), ("place",)))
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for part in parts:
        for place, searches, first in db.session.execute(part):
            found[place][0] += int(searches or 0)
            found[place][1] += int(first or 0)
    for place, late in db.session.execute(_late_first_rows(period, SearcherDay, SearcherDay.place)):
        found[place][1] += late
    return {place: (searches, searchers) for place, (searches, searchers) in found.items()}


def _add_search_demand(period: Period, rows: dict[str, PlaceRow], city: PlaceRow) -> None:
    found = _memo("search", (period.first, period.last), lambda: _search_demand(period))
    for place, (searches, searchers) in found.items():
        row = city if place == CITY else rows.get(place)
        if row is not None:
            row.demand.searches, row.demand.searchers = searches, searchers


def _order_demand(period: Period) -> list[tuple[str, int, int]]:
    return [(resident, int(orders), int(elsewhere or 0)) for resident, orders, elsewhere in db.session.execute(
        select(OrderDay.resident, func.sum(OrderDay.orders),
               func.sum(case((OrderDay.sentra_kelurahan != OrderDay.resident, OrderDay.orders), else_=0)))
        .where(OrderDay.day >= period.first, OrderDay.day <= period.last).group_by(OrderDay.resident))]


def _add_order_demand(period: Period, rows: dict[str, PlaceRow], city: PlaceRow) -> None:
    result = _memo("orders", (period.first, period.last), lambda: _order_demand(period))
    for resident, orders, elsewhere in result:
        row = rows.get(resident)
        if row is None:
            continue
        row.demand.orders_by_residents, row.demand.orders_by_residents_elsewhere = orders, elsewhere
        city.demand.orders_by_residents += orders
        city.demand.orders_by_residents_elsewhere += elsewhere


def unmet_terms(period: Period, places: list[str] | None, limit: int = UNMET_LIMIT) -> dict[str, list[Term]]:
    """:func:`_unmet_terms`, kept until the rollup changes (:func:`_memo`)."""
    return _memo("unmet", (period.first, period.last, tuple(places or ()), places is None, limit),
                 lambda: _unmet_terms(period, places, limit))


def _unmet_terms(period: Period, places: list[str] | None, limit: int = UNMET_LIMIT) -> dict[str, list[Term]]:
    """Per place (kelurahan, kecamatan or city code; all when ``places`` is None): the terms that found
    nothing, searched by at least ``POTENTIAL_MIN_SEARCHERS`` people there in the period, most first.

    A person counts once however many days they searched, so only terms with at least that many
    searcher rows can qualify (:func:`_unmet_candidates`); their exact count adds the rows that only the
    detailed table can place (:func:`_late_first_rows`). All of it is one statement that returns only
    the terms shown (ranked per place; ties at the last place come too and are cut here, by term): the
    thousands of candidates never become Python objects, whose allocation set off full garbage
    collections of a third of a second.
    """
    least = min_searchers()
    late = _late_first_rows(period, UnmetDay, UnmetDay.place, UnmetDay.term, searches=True)
    if places is not None:
        late = late.where(UnmetDay.place.in_(places))
    both = union_all(*_unmet_candidates(period, places, least), late).subquery()
    people, searches = func.sum(both.c.first), func.sum(both.c.searches)
    shown = (select(both.c.place, both.c.term, searches.label("searches"), people.label("people"))
             .group_by(both.c.place, both.c.term)
             .having(and_(func.max(both.c.candidate) == 1, people >= literal(least)))).subquery()
    rank = func.rank().over(partition_by=shown.c.place, order_by=(shown.c.people.desc(), shown.c.searches.desc()))
    ranked = select(shown, rank.label("rank")).subquery()
    found: dict[str, list[Term]] = defaultdict(list)
    for place, term, n, people_n in db.session.connection().execute(
            select(ranked.c.place, ranked.c.term, ranked.c.searches, ranked.c.people)
            .where(ranked.c.rank <= limit)):
        found[place].append(Term(term, int(n), int(people_n)))
    return {place: sorted(terms, key=lambda t: (-t.searchers, -t.searches, t.term))[:limit]
            for place, terms in found.items()}


def _unmet_candidates(period: Period, places: list[str] | None, least: int) -> list[Any]:
    """Statements of (place, term, searches, searcher rows that certainly count, candidate): the terms
    with at least ``least`` searcher rows (fewer cannot be ``least`` people) are the candidates (1).

    A period within two partial months reads the day twin alone. A longer one reads the monthly twin
    over every month it touches, which keeps a superset of the terms that can qualify (the edge months
    count whole there) and adds up their whole months; the partial edge months then come from the day
    twin (0: they add to candidates only).
    """
    days, months = _segments(period)
    place_in = (lambda twin: twin.place.in_(places)) if places is not None else (lambda twin: true())
    if months is None:
        return [_sums(period, UnmetTermDay, and_(_day_range(UnmetTermDay, period.first, period.last),
                                                 place_in(UnmetTermDay)), ("place", "term"))
                .add_columns(literal_column("1").label("candidate"))
                .having(func.sum(UnmetTermDay.searchers) >= literal(least))]
    touched = (month_number(period.first), month_number(period.last))
    whole = (_sums(period, UnmetTermMonth, and_(_month_range(UnmetTermMonth, touched), place_in(UnmetTermMonth)),
                   ("place", "term"), searches=_month_range(UnmetTermMonth, months))
             .add_columns(literal_column("1").label("candidate"))
             .having(func.sum(UnmetTermMonth.searchers) >= literal(least)))
    return [whole, *(_sums(period, UnmetTermDay, and_(_day_range(UnmetTermDay, a, b), place_in(UnmetTermDay)),
                           ("place", "term")).add_columns(literal_column("0").label("candidate"))
                     for a, b in days)]


def bought_elsewhere(period: Period, resident: str, limit: int = ELSEWHERE_LIMIT) -> Elsewhere:
    """What people living in ``resident`` bought at other kelurahan's sentras in the period (order counts)."""
    condition = and_(ElsewhereItemDay.resident == resident, ElsewhereItemDay.day >= period.first,
                     ElsewhereItemDay.day <= period.last)
    total = func.sum(ElsewhereItemDay.orders)
    subsectors = db.session.execute(
        select(ElsewhereItemDay.subsector, total).where(condition, ElsewhereItemDay.subsector != "")
        .group_by(ElsewhereItemDay.subsector).order_by(total.desc(), ElsewhereItemDay.subsector).limit(limit)).all()
    products = db.session.execute(
        select(ElsewhereItemDay.title, total).where(condition)
        .group_by(ElsewhereItemDay.title).order_by(total.desc(), ElsewhereItemDay.title).limit(limit)).all()
    return Elsewhere([(code, int(n)) for code, n in subsectors], [(title, int(n)) for title, n in products])


def elsewhere_by_subsector(period: Period, subsector: str) -> dict[str, int]:
    """Per resident kelurahan: their purchases of ``subsector`` at other kelurahan's sentras (the gap
    between residents' demand and local supply that the office's map can shade)."""
    return _memo("gap", (period.first, period.last, subsector), lambda: _elsewhere_by_subsector(period, subsector))


def _elsewhere_by_subsector(period: Period, subsector: str) -> dict[str, int]:
    resident: Any = ElsewhereItemDay.resident
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite would walk the whole resident index, every subsector's rows, to spare a sort of 56 groups
        # (200 ms for a year); grouped by an expression (unary plus: the same text) it reads this
        # subsector's days from the subsector's index and sorts (15 ms).
        resident = literal_column(f"+{ElsewhereItemDay.__tablename__}.resident", String)
    return {place: int(n) for place, n in db.session.execute(
        select(resident, func.sum(ElsewhereItemDay.orders))
        .where(ElsewhereItemDay.subsector == subsector, ElsewhereItemDay.day >= period.first,
               ElsewhereItemDay.day <= period.last).group_by(resident))}


def place_json(row: PlaceRow) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "supply": asdict(row.supply), "demand": asdict(row.demand),
            "unmet": [asdict(term) for term in row.unmet], "survey": row.survey}
