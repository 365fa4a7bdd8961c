"""CSV import and export of a sentra's products: one row per variant (format in README.md).

The whole file is read and checked before anything is written, so an import is
all or nothing; every problem comes back with its spreadsheet row number (the
header is row 1) and its column. Product rules are the ones of
:func:`catalog.products.services.validate`, so the form, the API and the CSV agree.

Writing is a bulk path with the same effect as ``create_product`` / ``update_product``
(same field helpers, stock through :func:`catalog.stock.set_stock_many`), except
that variants absent from the file are left as they are instead of archived.
The sentra's products, variants and subsector codes are loaded once, not per row.
"""
from __future__ import annotations

from sqlalchemy import select

from catalog.csv.checks import build_draft, group_rows, match_existing, read_file
from catalog.csv.export import export_products
from catalog.csv.format import COLUMNS, CsvImportError, ErrorList, ImportSummary, RowError
from catalog.csv.writing import write_plans
from shop.extensions import db
from shop.places.models import Subsector
from shop.sentras.models import Sentra

__all__ = ["COLUMNS", "CsvImportError", "ImportSummary", "RowError", "export_products", "import_products"]


def import_products(sentra: Sentra, actor_id: int | None, data: bytes) -> ImportSummary:
    """Create and update the sentra's products from CSV bytes, all or nothing. Flushes, never commits.

    ``product_ref`` matches a product of this sentra, ``sku`` a variant of that
    product; ``stock`` sets the stock absolutely (a correction movement).

    :raise CsvImportError: with every problem of the file; nothing is written.
    """
    errors = ErrorList()
    header, records = read_file(data, errors)
    if errors:
        raise CsvImportError(errors.sorted())
    codes = set(db.session.scalars(select(Subsector.code)))
    plans = group_rows(header, records, codes, errors)
    match_existing(sentra.id, plans, errors)
    for plan in plans.values():
        build_draft(plan, codes, errors)
    if errors:
        raise CsvImportError(errors.sorted())
    return write_plans(sentra.id, actor_id, list(plans.values()))
