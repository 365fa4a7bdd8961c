"""Writing a sentra's products in the import format."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.csv.format import COLUMNS
from catalog.products.models import Product, Variant
from catalog.products.services import format_options, format_tiers
from shop.extensions import db


def export_products(sentra_id: int) -> bytes:
    """Every product of the sentra (drafts and archived too), one row per active variant.

    UTF-8 with a byte-order mark so spreadsheet programs read it right; the import accepts it.
    """
    products = db.session.scalars(
        select(Product)
        .where(Product.sentra_id == sentra_id)
        .order_by(Product.id)
        .options(selectinload(Product.variants).selectinload(Variant.tiers))
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for product in products:
        for variant in product.active_variants:
            writer.writerow([
                product.ref, product.title, product.description, product.subsector_code, product.category,
                product.status, "true" if product.made_to_order else "false", _cell(product.lead_time_days),
                variant.weight_grams, variant.sku, format_options(variant.options), variant.price_idr,
                variant.stock, format_tiers(variant.tiers), _cell(variant.min_wholesale_qty),
            ])
    return out.getvalue().encode("utf-8")


def _cell(value: int | None) -> str:
    return "" if value is None else str(value)
