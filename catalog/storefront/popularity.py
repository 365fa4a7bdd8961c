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

from flask import Flask, current_app
from sqlalchemy import Select, bindparam, case, false, func, or_, select

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
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus

WINDOW = timedelta(days=30)
HOME_PRODUCTS = 8

SalesSource = Callable[[datetime], Select]
"""``source(since)``: a select of ``(product_id, units)``, one row per product sold since then."""

_KEY = "catalog_sales_source"


def provide_sales(app: Flask, source: SalesSource) -> None:
    """Make ``source`` the units sold that every popularity ranking of ``app`` reads."""
    app.extensions[_KEY] = source


def _sales_since(since: datetime) -> Select | None:
    source = current_app.extensions.get(_KEY)
    return source(since) if source is not None else None


def _available():
    in_stock = select(Variant.id).where(
        Variant.product_id == Product.id, Variant.archived == false(), Variant.stock > 0
    ).exists()
    return case((or_(Product.made_to_order, in_stock), 1), else_=0)


def popular_product_ids(limit: int = HOME_PRODUCTS, *, available_only: bool = False,
                        now: datetime | None = None) -> list[int]:
    """The ids of the most popular public products, best first (the order in this module's docstring)."""
    since = (now or utcnow()) - WINDOW
    available = _available()
    statement = (
        select(Product.id)
        .join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE, _listed())
    )
    if available_only:
        statement = statement.where(available == 1)
    sales = _sales_since(since)
    order = []
    if sales is not None:
        sold = sales.subquery("sold")
        units = func.coalesce(sold.c.units, 0)
        statement = statement.outerjoin(sold, sold.c.product_id == Product.id)
        order.append(case((units > 0, 1), else_=0).desc())
    order.append(available.desc())
    if sales is not None:
        order.append(units.desc())
    order += [Product.rating_avg.desc(), Product.rating_count.desc(), Product.created_at.desc(), Product.id.desc()]
    return list(db.session.scalars(statement.order_by(*order).limit(limit)))


_CARDS_OF = _card_query(Product.id.in_(bindparam("ids", expanding=True)), with_sentra=True, counted=False)


def popular_products(limit: int = HOME_PRODUCTS, *, available_only: bool = False) -> list[ProductCard]:
    """Cards of the most popular public products, best first, with their sentras (two statements)."""
    ids = popular_product_ids(limit, available_only=available_only)
    if not ids:
        return []
    kelurahan = reference().kelurahan
    rows = prebuilt_rows(_CARDS_OF, ids=ids, limit=len(ids), offset=0)
    cards = {row.id: _card(row, kelurahan) for row in rows}
    return [cards[i] for i in ids if i in cards]


