"""Popular products: the most sold in the last 30 days, then the best rated, available ones first.

The order, as the home page (issue 17) and an empty search show it:

1. products that sold in the window before products that did not (a new product with no
   sale never outranks one that sells);
2. among each, the available ones first (in stock, or made to order);
3. more units sold first, then the higher rating (and more ratings), then the newest.

What counts as sold is the orders' business, and the catalog never imports orders: the
package that keeps them provides the units sold per product (:func:`provide_sales`, called
by ``orders.blueprints.init_app`` with ``orders.core.sales.units_sold_since``). Without a
provider nothing has sold, and popularity is availability and rating alone.

Sales move no page-cache version (a checkout must not lock a row every checkout shares): a
cached home page shows the ranking of at most ``PAGE_CACHE_TIMEOUT`` seconds ago.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)

from catalog.products.models import Product, ProductStatus, Variant
from catalog.storefront.queries import (
    ProductCard,
    _card,
    _card_query,
    _listed,
    reference,
)
from shop.database import prebuilt_rows
from shop.db import utcnow
from shop.sentras.models import Sentra, SentraStatus

WINDOW = timedelta(days=30)
HOME_PRODUCTS = 8

SalesSource = Callable[[Any], Select]
"""``source(since)``: a select of ``(product_id, units)``, one row per product sold since then.

``since`` is a bound parameter standing for the datetime (the ranking is built once per source),
so the source may only compare with it, as ``Order.created_at >= since`` does."""

_KEY = "catalog_sales_source"
_BUILT = "catalog_popular_statements"


def provide_sales(app: Flask, source: SalesSource) -> None:
    """Make ``source`` the units sold that every popularity ranking of ``app`` reads."""
    app.extensions[_KEY] = source


def _available() -> ColumnElement[int]:
    """1 for a product made to order or with an active variant in stock, else 0.

    The variant is looked up by a scalar subquery, not ``EXISTS``: PostgreSQL may answer an
    ``EXISTS`` from a hash of every variant in stock (a pass over the catalogue) when the
    ranking asks it of a few products.
    """
    in_stock = (select(Variant.id)
                .where(Variant.product_id == Product.id, Variant.archived == false(), Variant.stock > 0)
                .limit(1).scalar_subquery())
    return case((or_(Product.made_to_order, in_stock.is_not(None)), 1), else_=0)


def _public(statement: Select, *, by_key: bool = False) -> Select:
    # ``+ 0`` keeps SQLite from reaching the products through their sentra (every product of every
    # active sentra, then a sort): an unsold walk takes them in ``ix_product_popular``'s order.
    # ``by_key``: the products are reached from the sales by id; their status is tested on the row
    # (``|| ''``), so SQLite without statistics (a new database) does not walk every active product
    # of ``ix_product_popular`` and look each one up in the sales instead.
    status = Product.status.concat("") if by_key else Product.status
    return statement.join(Sentra, Sentra.id == Product.sentra_id + 0).where(
        status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE, _listed()
    )


def _top_sold(sales: CTE, limit: BindParameter[int], available_only: bool) -> Select:
    """The best ``limit`` public products the sales source names, ranked by every key (a sort of those alone)."""
    available = _available()
    units = func.coalesce(sales.c.units, 0)
    keys = [case((units > 0, 1), else_=0).label("sold"), available.label("available"), units.label("units"),
            Product.rating_avg, Product.rating_count, Product.created_at, Product.id]
    statement = _public(select(*keys).select_from(sales).join(Product, Product.id == sales.c.product_id), by_key=True)
    if available_only:
        statement = statement.where(available == 1)
    return statement.order_by(*(key.desc() for key in keys)).limit(limit)


def _top_unsold(available: int, sales: CTE | None, ahead: ColumnElement[int] | None,
                limit: BindParameter[int]) -> Select:
    """The best public products the sales source does not name, ``available`` (1) or not (0).

    They all share the first three keys, so the rest is the order of ``ix_product_popular``: the
    walk stops once it has found enough, however large the catalogue. The ``ahead`` rows each
    outrank every product here, so it needs only ``limit`` less those, and none once they fill it.
    """
    statement = _public(select(
        literal(0).label("sold"), literal(available).label("available"), literal(0).label("units"),
        Product.rating_avg, Product.rating_count, Product.created_at, Product.id,
    )).where(_available() == available)
    if sales is not None:
        named = select(sales.c.product_id).where(sales.c.product_id.is_not(None))
        statement = statement.where(Product.id.not_in(named))
    wanted = limit if ahead is None else case((ahead < limit, limit - ahead), else_=0)
    return statement.order_by(Product.rating_avg.desc(), Product.rating_count.desc(),
                              Product.created_at.desc(), Product.id.desc()).limit(wanted)


def _count(rows: CTE, *where: ColumnElement[bool]) -> ColumnElement[int]:
    return select(func.count()).select_from(rows).where(*where).scalar_subquery()


def _ranking(sales: Select | None, available_only: bool) -> Select:
    """One statement whose cost follows the sales and ``limit``, not the catalogue (parameters ``since``, ``limit``).

    The products split three ways: those the sales source names, the others available, the
    others not. The best ``limit`` of the whole are among the best ``limit`` of each part, ranked
    together by every key. A later part outranks none of an earlier one's sold or available rows,
    so it is read only for as many as those leave the ranking short of.
    """
    limit = bindparam("limit", type_=Integer)
    named = sales.cte("sales") if sales is not None else None
    parts: list[CTE] = []
    ahead: ColumnElement[int] | None = None
    if named is not None:
        parts.append(_top_sold(named, limit, available_only).cte("top_sold"))
        ahead = _count(parts[-1], parts[-1].c.sold == 1)
    parts.append(_top_unsold(1, named, ahead, limit).cte("top_available"))
    if not available_only:
        ahead = _count(parts[-1]) if ahead is None else ahead + _count(parts[-1])
        parts.append(_top_unsold(0, named, ahead, limit).cte("top_unavailable"))
    ranked = union_all(*(select(*part.c) for part in parts)).subquery("ranked")
    return select(ranked.c.id).order_by(*(column.desc() for column in ranked.c)).limit(limit)


def _statement(available_only: bool) -> Select:
    """The ranking over this app's sales source, built once per source: building it cost more than running it."""
    source = current_app.extensions.get(_KEY)
    built = current_app.extensions.setdefault(_BUILT, {})
    statement = built.get((source, available_only))
    if statement is None:
        sales = source(bindparam("since")) if source is not None else None
        statement = built[source, available_only] = _ranking(sales, available_only)
    return statement


def popular_product_ids(limit: int = HOME_PRODUCTS, *, available_only: bool = False,
                        now: datetime | None = None) -> list[int]:
    """The ids of the most popular public products, best first (the order in this module's docstring)."""
    rows = prebuilt_rows(_statement(available_only), since=(now or utcnow()) - WINDOW, limit=limit)
    return [row.id for row in rows]


_CARDS_OF = _card_query(Product.id.in_(bindparam("ids", expanding=True)), with_sentra=True, counted=False, by_id=True)


def popular_products(limit: int = HOME_PRODUCTS, *, available_only: bool = False) -> list[ProductCard]:
    """Cards of the most popular public products, best first, with their sentras (two statements)."""
    ids = popular_product_ids(limit, available_only=available_only)
    if not ids:
        return []
    kelurahan = reference().kelurahan
    rows = prebuilt_rows(_CARDS_OF, ids=ids, limit=len(ids), offset=0)
    cards = {row.id: _card(row, kelurahan) for row in rows}
    return [cards[i] for i in ids if i in cards]


