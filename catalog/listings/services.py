"""Creating, changing and copying a whole product: its variants, and their first stock.

These sit above ``catalog.products`` (the rules and the rows) and ``catalog.stock`` (every
stock change is a movement). Services take explicit arguments, flush and never commit, and
raise :class:`~catalog.products.services.ProductValidationError` with per-field messages, so
the web form, the JSON API and the seed share one set of rules.
"""
from __future__ import annotations

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalog import stock
from catalog.products.models import Product, ProductStatus, Variant
from catalog.products.services import (
    ProductDraft,
    ProductValidationError,
    TierDraft,
    VariantDraft,
    apply_fields,
    apply_variant,
    check_skus,
    fill_missing_skus,
    next_ref,
    record_event,
    validate,
)
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import Sentra


def create_product(sentra: Sentra, actor_id: int | None, draft: ProductDraft) -> Product:
    """Create a product with its variants; initial stock goes through restock movements. Flushes.

    A variant without an SKU gets one made from the title and options (unique in the sentra).

    :raise ProductValidationError: with every broken rule, nothing written.
    """
    draft = fill_missing_skus(sentra.id, draft)
    errors = {**check_skus(sentra.id, draft, None), **validate(draft)}
    ref = (draft.ref or "").strip() or next_ref(sentra.id)
    if not errors and db.session.scalar(select(Product.id).where(Product.sentra_id == sentra.id, Product.ref == ref)):
        errors = {"ref": _l("Reference %(ref)s is already used.", ref=ref)}
    if errors:
        raise ProductValidationError(errors)
    product = Product(sentra_id=sentra.id, ref=ref, created_by_id=actor_id, updated_by_id=actor_id)
    apply_fields(product, draft)
    db.session.add(product)
    for position, variant_draft in enumerate(draft.variants):
        variant = Variant(sentra_id=sentra.id, stock=0)
        apply_variant(variant, variant_draft, position)
        product.variants.append(variant)
    db.session.flush()
    for variant, variant_draft in zip(product.variants, draft.variants, strict=True):
        if variant_draft.stock:
            stock.restock(variant.id, variant_draft.stock, actor_id=actor_id, note="initial stock")
    record_event(product, actor_id, "created")
    return product


def update_product(product: Product, actor_id: int | None, draft: ProductDraft) -> Product:
    """Change a product and its variants. Flushes.

    Variants with an ``id`` are updated (their stock is not: use catalog.stock);
    variants without one are created with their initial stock; variants left
    out are archived, not deleted, because orders may point at them.

    A variant without an SKU gets one made, as :func:`create_product` does.

    :raise ProductValidationError: with every broken rule, nothing written.
    """
    draft = fill_missing_skus(product.sentra_id, draft)
    errors = {**check_skus(product.sentra_id, draft, product.id), **validate(draft)}
    existing = {v.id: v for v in product.variants}
    # Variants left out keep their SKU (archived, for orders), so no other variant may take it.
    kept_ids = {d.id for d in draft.variants if d.id is not None}
    left_out = {v.sku for v in existing.values() if v.id not in kept_ids}
    for index, variant_draft in enumerate(draft.variants):
        if variant_draft.id is not None and variant_draft.id not in existing:
            errors[f"variants-{index}-id"] = _l("This variant does not belong to the product.")
        elif variant_draft.sku.strip() in left_out:
            errors.setdefault(
                f"variants-{index}-sku",
                _l("SKU %(sku)s belongs to an archived variant of this product.", sku=variant_draft.sku.strip()),
            )
    if errors:
        raise ProductValidationError(errors)
    current = {v.sku: v.id for v in existing.values()}
    if any(current.get(d.sku.strip(), d.id) != d.id for d in draft.variants):
        # A SKU moves from one kept variant to another: park them on placeholders
        # first, or the unique constraint trips over the half-renamed rows.
        for variant_id in kept_ids:
            existing[variant_id].sku = f"~{variant_id}"
        db.session.flush()
    apply_fields(product, draft)
    product.updated_by_id = actor_id
    product.updated_at = utcnow()
    kept: set[int] = set()
    new: list[tuple[Variant, int]] = []
    for index, variant_draft in enumerate(draft.variants):
        if variant_draft.id is not None:
            variant = existing[variant_draft.id]
            apply_variant(variant, variant_draft, index)
            kept.add(variant.id)
        else:
            variant = Variant(sentra_id=product.sentra_id, stock=0)
            apply_variant(variant, variant_draft, index)
            product.variants.append(variant)
            new.append((variant, variant_draft.stock))
    for variant_id, variant in existing.items():
        if variant_id not in kept:
            variant.archived = True
    db.session.flush()
    for variant, initial in new:
        if initial:
            stock.restock(variant.id, initial, actor_id=actor_id, note="initial stock")
    record_event(product, actor_id, "updated")
    return product


def duplicate_product(product: Product, actor_id: int | None) -> Product:
    """A draft copy with new SKUs (``-SALIN``, ``-SALIN2``...), no stock and no photos. Flushes."""
    taken = set(db.session.scalars(select(Variant.sku).where(Variant.sentra_id == product.sentra_id)))

    def fresh_sku(sku: str) -> str:
        base = f"{sku[:56]}-SALIN"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        return candidate

    draft = ProductDraft(
        title=product.title[:113] + " (salinan)" if len(product.title) > 110 else f"{product.title} (salinan)",
        subsector_code=product.subsector_code,
        description=product.description,
        category=product.category,
        status=ProductStatus.DRAFT,
        made_to_order=product.made_to_order,
        lead_time_days=product.lead_time_days,
        pirt_number=product.pirt_number,
        halal_number=product.halal_number,
        shelf_life_days=product.shelf_life_days,
        variants=tuple(
            VariantDraft(
                sku=fresh_sku(v.sku), price_idr=v.price_idr, options=tuple(tuple(p) for p in v.options),
                weight_grams=v.weight_grams, low_stock_threshold=v.low_stock_threshold,
                min_wholesale_qty=v.min_wholesale_qty,
                tiers=tuple(TierDraft(t.min_qty, t.unit_price_idr) for t in v.tiers),
            )
            for v in product.active_variants
        ),
    )
    return create_product(product.sentra, actor_id, replace(draft, ref=None))
