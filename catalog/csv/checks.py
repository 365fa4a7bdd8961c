"""Reading and checking a whole CSV file before anything is written.

Each check adds to one :class:`ErrorList` with the spreadsheet row (header = 1)
and the column, so every problem of the file is reported at once.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from catalog.csv.format import COLUMNS, PRODUCT_COLUMNS, ErrorList, Existing, Plan, Row
from catalog.products.models import PriceTier, Product, Variant
from catalog.products.services import (
    ProductDraft,
    TierDraft,
    VariantDraft,
    parse_options,
    parse_tiers,
    validate,
)
from shop.extensions import db
from shop.spreadsheet import read_cell

MAX_NUMBER = 2_000_000_000
_INTEGER = re.compile(r"^-?\d+$")
_TRUE, _FALSE = {"true", "1"}, {"false", "0", ""}

# validate()'s field names -> CSV columns.
_PRODUCT_FIELD_COLUMNS = {
    "title": "title", "description": "description", "subsector_code": "subsector", "category": "category",
    "status": "status", "made_to_order": "made_to_order", "lead_time_days": "lead_time_days",
    "variants": "variant", "ref": "product_ref",
}
_VARIANT_FIELD_COLUMNS = {
    "sku": "sku", "id": "sku", "price_idr": "price_idr", "stock": "stock", "weight_grams": "weight_grams",
    "options": "variant", "tiers": "wholesale_tiers", "min_wholesale_qty": "min_wholesale_qty",
}


def read_file(data: bytes, errors: ErrorList) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lower case) and the non-empty records with their spreadsheet row numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.add(None, None, _("The file is not UTF-8 (save as CSV UTF-8)."))
        return [], []
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save "CSV" with semicolons.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        errors.add(None, None, _("The file cannot be read as CSV: %(problem)s", problem=str(exc)))
        return [], []
    if not records or not any(cell.strip() for cell in records[0]):
        errors.add(1, None, _("The file is empty: the first row must be the header."))
        return [], []
    header = [cell.strip().lower() for cell in records[0]]
    for column in COLUMNS:
        if column not in header:
            errors.add(1, column, _("Column %(column)s is missing.", column=column))
    unknown = [name for name in header if name not in COLUMNS]
    for name in unknown:
        errors.add(1, name or None, _("Unknown column %(column)s (check its spelling).", column=name or '""'))
    for name in {name for name in header if header.count(name) > 1}:
        errors.add(1, name, _("Column %(column)s appears twice.", column=name))
    body = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if not body and not errors:
        errors.add(2, None, _("The file has a header but no rows."))
    return header, body


def group_rows(header: list[str], records: list[tuple[int, list[str]]], codes: set[str],
           errors: ErrorList) -> dict[str, Plan]:
    """Parse every row and group the rows by product_ref (in the order products first appear)."""
    plans: dict[str, Plan] = {}
    skus: dict[str, int] = {}
    for number, cells in records:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            errors.add(number, None, _("This row has more cells than the header has columns."))
        # A cell our export neutralised ('=...) reads as it was written before.
        values = {name: (read_cell(cells[i].strip()) if i < len(cells) else "") for i, name in enumerate(header)}
        row = _parse_row(number, values, codes, errors)
        ref = values["product_ref"]
        if not ref:
            errors.add(number, "product_ref", _("Fill in product_ref: rows with the same ref make one product."))
            continue
        if len(ref) > 40:
            errors.add(number, "product_ref", _("At most 40 characters."))
            continue
        key = row.variant.sku.upper()
        if key and key in skus:
            errors.add(number, "sku", _("SKU %(sku)s is also on row %(row)d.", sku=row.variant.sku, row=skus[key]))
        skus.setdefault(key, number)
        plan = plans.setdefault(ref, Plan(ref=ref))
        if plan.rows:
            _check_agreement(plan, row, errors)
        plan.rows.append(row)
    return plans


def _parse_row(number: int, v: dict[str, str], codes: set[str], errors: ErrorList) -> Row:
    def integer(column: str, *, required: bool = False) -> int | None:
        text = v[column]
        if not text:
            if required:
                errors.add(number, column, _("Fill in %(column)s.", column=column))
            return None
        if not _INTEGER.match(text):
            errors.add(number, column, _("Write a whole number in plain digits, without dots, commas or Rp "
                                         "(for example 15000)."))
            return None
        if abs(int(text)) > MAX_NUMBER:
            errors.add(number, column, _("This number is too large."))
            return None
        return int(text)

    made_to_order = v["made_to_order"].lower()
    if made_to_order not in _TRUE | _FALSE:
        errors.add(number, "made_to_order", _("Write true or false."))
    subsector = v["subsector"].lower()
    if subsector not in codes:
        errors.add(number, "subsector", _("Unknown subsector %(code)s; use one of: %(codes)s.",
                                          code=v["subsector"] or '""', codes=", ".join(sorted(codes))))
    try:
        options = parse_options(v["variant"])
    except ValueError:
        errors.add(number, "variant", _("Write options as Name=Value separated by semicolons, "
                                        "for example Ukuran=M;Warna=Biru (empty for a single variant)."))
        options = ()
    try:
        tiers: tuple[TierDraft, ...] = parse_tiers(v["wholesale_tiers"])
    except ValueError:
        errors.add(number, "wholesale_tiers", _("Write tiers as quantity:price separated by semicolons, "
                                                "for example 10:45000;50:40000."))
        tiers = ()
    product = {
        "title": v["title"], "description": v["description"], "subsector": subsector,
        "category": v["category"], "status": v["status"].lower() or "draft",
        "made_to_order": made_to_order in _TRUE, "lead_time_days": integer("lead_time_days"),
    }
    stock_value = integer("stock")
    variant = VariantDraft(
        sku=v["sku"], options=options, tiers=tiers,
        price_idr=_or(integer("price_idr", required=True), 0), stock=_or(stock_value, 0),
        weight_grams=_or(integer("weight_grams"), 0), min_wholesale_qty=integer("min_wholesale_qty"),
    )
    return Row(number, product, variant, stock_given=stock_value is not None)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _check_agreement(plan: Plan, row: Row, errors: ErrorList) -> None:
    first = plan.rows[0]
    for column in PRODUCT_COLUMNS:
        if errors.has(row.number, column) or errors.has(first.number, column):
            continue
        if row.product[column] != first.product[column]:
            errors.add(row.number, column, _(
                "%(column)s differs from row %(row)d; it must be the same on every row of product %(ref)s.",
                column=column, row=first.number, ref=plan.ref))


def match_existing(sentra_id: int, plans: dict[str, Plan], errors: ErrorList) -> None:
    """Attach the sentra's existing products (three queries for the whole file); refuse SKUs of other products."""
    existing = {
        row.id: Existing(row)
        for row in db.session.execute(select(Product.__table__).where(Product.sentra_id == sentra_id))
    }
    owner_of_sku: dict[str, int] = {}
    product_of_variant: dict[int, int] = {}
    variants = db.session.execute(
        select(Variant.__table__).where(Variant.sentra_id == sentra_id).order_by(Variant.position, Variant.id))
    for row in variants:
        existing[row.product_id].variants.append(row)
        owner_of_sku[row.sku] = product_of_variant[row.id] = row.product_id
    tiers = db.session.execute(
        select(PriceTier.variant_id, PriceTier.min_qty, PriceTier.unit_price_idr)
        .join(Variant, Variant.id == PriceTier.variant_id)
        .where(Variant.sentra_id == sentra_id).order_by(PriceTier.variant_id, PriceTier.min_qty))
    for variant_id, min_qty, price in tiers:
        existing[product_of_variant[variant_id]].tiers.setdefault(variant_id, []).append((min_qty, price))
    by_ref = {e.product.ref: e for e in existing.values()}
    for plan in plans.values():
        plan.existing = by_ref.get(plan.ref)
        own_id = plan.existing.product.id if plan.existing else None
        for row in plan.rows:
            owner = owner_of_sku.get(row.variant.sku)
            if owner is not None and owner != own_id:
                errors.add(row.number, "sku", _("SKU %(sku)s belongs to another product (%(ref)s).",
                                                sku=row.variant.sku, ref=existing[owner].product.ref))


def build_draft(plan: Plan, codes: set[str], errors: ErrorList) -> None:
    """The product as it will be: existing variants kept, the file's rows added or updated; then validate."""
    fields = plan.rows[0].product
    existing = plan.existing
    file_rows = {row.variant.sku: row for row in plan.rows}
    variants: list[VariantDraft] = []
    if existing is not None:
        by_sku = {v.sku: v for v in existing.variants}
        for v in existing.active_variants:
            row = file_rows.get(v.sku)
            if row is None:
                variants.append(_draft_of(v, existing.tiers.get(v.id, [])))
                plan.row_of_index.append(None)
        for row in plan.rows:
            match = by_sku.get(row.variant.sku)
            variants.append(_with_existing(row.variant, match))
            plan.row_of_index.append(row.number)
    else:
        variants = [row.variant for row in plan.rows]
        plan.row_of_index = [row.number for row in plan.rows]
    plan.draft = ProductDraft(
        title=fields["title"], subsector_code=fields["subsector"], description=fields["description"],
        category=fields["category"], status=fields["status"], made_to_order=fields["made_to_order"],
        lead_time_days=fields["lead_time_days"],
        pirt_number=existing.product.pirt_number if existing else None,
        halal_number=existing.product.halal_number if existing else None,
        shelf_life_days=existing.product.shelf_life_days if existing else None,
        variants=tuple(variants), ref=plan.ref,
    )
    first_row = plan.rows[0].number
    for name, message in validate(plan.draft, codes).items():
        if name.startswith("variants-"):
            _, index, variant_field = name.split("-", 2)
            row_number = plan.row_of_index[int(index)] or first_row
            errors.add(row_number, _VARIANT_FIELD_COLUMNS.get(variant_field), message)
        elif name in _PRODUCT_FIELD_COLUMNS:
            errors.add(first_row, _PRODUCT_FIELD_COLUMNS[name], message)


def _draft_of(v: Any, tiers: list[tuple[int, int]]) -> VariantDraft:
    return VariantDraft(
        sku=v.sku, price_idr=v.price_idr, options=tuple(tuple(pair) for pair in v.options), stock=v.stock,
        weight_grams=v.weight_grams, low_stock_threshold=v.low_stock_threshold,
        min_wholesale_qty=v.min_wholesale_qty, tiers=tuple(TierDraft(q, p) for q, p in tiers),
        id=v.id,
    )


def _with_existing(draft: VariantDraft, match: Any | None) -> VariantDraft:
    """The file's variant, keeping what the file does not carry (the low-stock threshold)."""
    if match is None:
        return draft
    return VariantDraft(
        sku=draft.sku, price_idr=draft.price_idr, options=draft.options, stock=draft.stock,
        weight_grams=draft.weight_grams, low_stock_threshold=match.low_stock_threshold,
        min_wholesale_qty=draft.min_wholesale_qty, tiers=draft.tiers, id=match.id,
    )
