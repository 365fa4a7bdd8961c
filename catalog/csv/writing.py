"""Writing a checked import: the effect of create_product / update_product, in batches.

New products, variants and tiers are inserted in a few statements; matched
products are compared with the file first and only what changed is updated, by
primary key, in batches. Column values come from the services' own field helpers
(``apply_fields``, ``apply_variant``), so the rows are the ones they would write. Stock goes
through :func:`catalog.stock.set_stock_many`. Variants absent from the file are
left as they are (``update_product`` would archive them).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from catalog import stock
from catalog.csv.format import ImportSummary, Plan
from catalog.products.listed import refresh_listed
from catalog.products.models import PriceTier, Product, ProductEvent, StockReason, Variant
from catalog.products.services import VariantDraft, apply_fields, apply_variant
from catalog.search.indexing import reindex_products
from shop.db import utcnow
from shop.extensions import db


@dataclass
class _Changes:
    """What the import writes besides new products, gathered first and written in batches."""

    new_variants: list[tuple[int, VariantDraft, int]] = field(default_factory=list)  # (product id, draft, position)
    corrections: dict[int, int] = field(default_factory=dict)  # variant id -> stock
    products: list[dict[str, Any]] = field(default_factory=list)  # column values by id
    variants: list[dict[str, Any]] = field(default_factory=list)
    tiers_removed: list[dict[str, Any]] = field(default_factory=list)
    tiers_repriced: list[dict[str, Any]] = field(default_factory=list)
    tiers_added: list[dict[str, Any]] = field(default_factory=list)


def write_plans(sentra_id: int, actor_id: int | None, plans: list[Plan]) -> ImportSummary:
    """New products, variants and tiers inserted in batches; matched ones updated in batches where they change."""
    summary = ImportSummary()
    changes = _Changes()
    new_products = [plan for plan in plans if plan.existing is None]
    product_ids = _insert_products(sentra_id, actor_id, new_products)
    for plan, product_id in zip(new_products, product_ids, strict=True):
        assert plan.draft is not None
        changes.new_variants += [(product_id, vd, position) for position, vd in enumerate(plan.draft.variants)]
    summary.products_created = len(new_products)
    for plan in plans:
        if plan.existing is not None:
            if _plan_changes(plan, actor_id, changes, summary):
                summary.products_updated += 1
            else:
                summary.products_unchanged += 1
    _update(changes)
    _record_events(sentra_id, actor_id, [(pid, "created") for pid in product_ids]
                   + [(row["id"], "updated") for row in changes.products])
    initial = _insert_variants(sentra_id, changes.new_variants)
    summary.variants_created = len(changes.new_variants)
    stock.set_stock_many(initial, reason=StockReason.RESTOCK, actor_id=actor_id, note="initial stock")
    summary.stock_corrections = stock.set_stock_many(changes.corrections, actor_id=actor_id, note="CSV import")
    # Core statements bypass the session events that keep ``listed`` and the search index: both here,
    # same transaction (a variant the file lists again is restored, a new one may be a product's first).
    touched = [*product_ids, *(plan.existing.product.id for plan in plans if plan.existing is not None)]
    refresh_listed(touched)
    reindex_products(touched)
    return summary


def _record_events(sentra_id: int, actor_id: int | None, events: list[tuple[int, str]]) -> None:
    """Who created or changed which listing, as ``record_event`` would (member activity counts them)."""
    if events:
        db.session.execute(insert(ProductEvent.__table__), [
            {"product_id": product_id, "sentra_id": sentra_id, "actor_id": actor_id, "kind": kind}
            for product_id, kind in events])


def _values(apply: Any, *args: Any) -> dict[str, Any]:
    """The column values the services' field helper would set, without building an ORM object."""
    target = SimpleNamespace(tiers=[])
    apply(target, *args)
    return vars(target)


def _plan_changes(plan: Plan, actor_id: int | None, changes: _Changes, summary: ImportSummary) -> bool:
    """Compare a matched product with the file and queue what differs. True if the product changes."""
    existing, draft = plan.existing, plan.draft
    assert existing is not None and draft is not None
    product = existing.product
    values = _values(apply_fields, draft)
    values.pop("tiers")
    changed = any(getattr(product, name) != value for name, value in values.items())
    by_id = {v.id: v for v in existing.variants}
    stock_given = {row.number: row.stock_given for row in plan.rows}
    position = max((v.position for v in existing.variants), default=-1) + 1
    for vd, row_number in zip(draft.variants, plan.row_of_index, strict=True):
        if row_number is None:
            continue
        if vd.id is None:
            changes.new_variants.append((product.id, vd, position))
            position += 1
            changed = True
            continue
        variant = by_id[vd.id]
        if stock_given[row_number] and vd.stock != variant.stock:
            changes.corrections[variant.id] = vd.stock
        wanted = _values(apply_variant, vd, variant.position)
        tiers = {t.min_qty: t.unit_price_idr for t in wanted.pop("tiers")}
        tiers_changed = _queue_tiers(variant.id, dict(existing.tiers.get(variant.id, [])), tiers, changes)
        if any(getattr(variant, name) != value for name, value in wanted.items()):
            changes.variants.append({**wanted, "id": variant.id})
        elif not tiers_changed:
            continue
        summary.variants_updated += 1
        changed = True
    if changed:
        changes.products.append({**values, "id": product.id, "updated_by_id": actor_id, "updated_at": utcnow()})
    return changed


def _queue_tiers(variant_id: int, old: dict[int, int], new: dict[int, int], changes: _Changes) -> bool:
    """Tiers are matched by minimum quantity, as ``apply_variant`` does. True if any differs."""
    removed = [{"v": variant_id, "q": q} for q in old if q not in new]
    repriced = [{"v": variant_id, "q": q, "p": p} for q, p in new.items() if q in old and old[q] != p]
    added = [{"variant_id": variant_id, "min_qty": q, "unit_price_idr": p} for q, p in new.items() if q not in old]
    changes.tiers_removed += removed
    changes.tiers_repriced += repriced
    changes.tiers_added += added
    return bool(removed or repriced or added)


def _update(changes: _Changes) -> None:
    """Write the queued updates by primary key, several rows per statement."""
    if changes.products:
        db.session.execute(update(Product), changes.products)
    if changes.variants:
        db.session.execute(update(Variant), changes.variants)
    tiers = PriceTier.__table__
    by_key = (tiers.c.variant_id == bindparam("v")) & (tiers.c.min_qty == bindparam("q"))
    if changes.tiers_removed:
        db.session.execute(delete(tiers).where(by_key), changes.tiers_removed)
    if changes.tiers_repriced:
        db.session.execute(update(tiers).where(by_key).values(unit_price_idr=bindparam("p")), changes.tiers_repriced)
    if changes.tiers_added:
        db.session.execute(insert(tiers), changes.tiers_added)
    # Objects the caller's session already holds must not show the old rows.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Product | Variant | PriceTier):
            db.session.expire(obj)


def _insert_products(sentra_id: int, actor_id: int | None, plans: list[Plan]) -> list[int]:
    """Insert new products in one batch; returns their ids in the order of ``plans``."""
    if not plans:
        return []
    rows = []
    for plan in plans:
        values = _values(apply_fields, plan.draft)
        values.pop("tiers")
        rows.append({**values, "sentra_id": sentra_id, "ref": plan.ref,
                     "created_by_id": actor_id, "updated_by_id": actor_id})
    db.session.execute(insert(Product.__table__), rows)
    # (sentra_id, ref) is unique: read the ids back rather than RETURNING them row by row.
    id_of = _ids_by(Product, Product.ref, sentra_id, [plan.ref for plan in plans])
    return [id_of[plan.ref] for plan in plans]


def _insert_variants(sentra_id: int, new: list[tuple[int, VariantDraft, int]]) -> dict[int, int]:
    """Insert variants with their tiers at stock 0; returns variant id -> initial stock (set by the caller)."""
    if not new:
        return {}
    rows, tiers = [], []
    for product_id, vd, position in new:
        values = _values(apply_variant, vd, position)
        tiers.append(values.pop("tiers"))
        rows.append({**values, "product_id": product_id, "sentra_id": sentra_id, "stock": 0})
    db.session.execute(insert(Variant.__table__), rows)
    id_of = _ids_by(Variant, Variant.sku, sentra_id, [row["sku"] for row in rows])
    ids = [id_of[row["sku"]] for row in rows]
    tier_rows = [
        {"variant_id": vid, "min_qty": t.min_qty, "unit_price_idr": t.unit_price_idr}
        for vid, variant_tiers in zip(ids, tiers, strict=True) for t in variant_tiers
    ]
    if tier_rows:
        db.session.execute(insert(PriceTier.__table__), tier_rows)
    return {vid: vd.stock for vid, (_, vd, _) in zip(ids, new, strict=True) if vd.stock}


def _ids_by(model: Any, key: Any, sentra_id: int, values: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(values), 500):
        ids.update(db.session.execute(
            select(key, model.id).where(model.sentra_id == sentra_id, key.in_(values[start:start + 500]))).all())
    return ids
