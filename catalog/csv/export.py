"""Writing a sentra's products in the import format."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.csv.format import COLUMNS
from catalog.products.models import Product, Variant
from catalog.products.services import format_options, format_tiers
from shop.extensions import db
from shop.spreadsheet import csv_text


def export_products(sentra_id: int) -> bytes:
    """Every product of the sentra (drafts and archived too), one row per active variant.

    UTF-8 with a byte-order mark so spreadsheet programs read it right; the import accepts it.
    Text a spreadsheet would run as a formula is neutralised (:mod:`shop.spreadsheet`); the import
    undoes that, so importing the file changes nothing.
    """
    products = db.session.scalars(
        select(Product)
        .where(Product.sentra_id == sentra_id)
        .order_by(Product.id)
        .options(selectinload(Product.variants).selectinload(Variant.tiers))
    )
    return csv_text(COLUMNS, _rows(products), bom=True).encode("utf-8")


def _rows(products: Iterable[Product]) -> Iterator[list[Any]]:
    """One row per active variant; None is written as an empty cell."""
    for product in products:
        for variant in product.active_variants:
            yield [
                product.ref, product.title, product.description, product.subsector_code, product.category,
                product.status, "true" if product.made_to_order else "false", product.lead_time_days,
                variant.weight_grams, variant.sku, format_options(variant.options), variant.price_idr,
                variant.stock, format_tiers(variant.tiers), variant.min_wholesale_qty,
            ]

