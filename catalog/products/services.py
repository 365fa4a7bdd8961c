"""Products and their variants: drafts, the rules they must follow, and writing them.

Writing a whole product with its first stock is ``catalog.listings.services`` (it sits above
``catalog.stock``); this module holds what it and the CSV import share.

Services take explicit arguments, flush and never commit, and raise
:class:`ProductValidationError` with per-field messages, so the web form, the
JSON API and the CSV import share one set of rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from catalog.products.models import PriceTier, Product, ProductEvent, ProductStatus, Variant
from shop.db import utcnow
from shop.extensions import db
from shop.money import parse_rupiah
from shop.places.models import Subsector
from shop.places.services import slugify

MAX_VARIANTS = 50
MAX_PRICE_IDR = 1_000_000_000
MAX_QUANTITY = 1_000_000  # keeps every count inside a 32-bit INTEGER column
MAX_OPTION_NAME, MAX_OPTION_VALUE = 30, 40  # what a variant label shows; longer is refused, never cut
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
FOOD_SUBSECTOR = "kuliner"


class ProductError(Exception):
    """Base class of product errors."""


class ProductValidationError(ProductError):
    """Input that breaks a rule; ``fields`` maps a field name to a message.

    Variant fields are named ``variants-<index>-<field>`` (WTForms' FieldList naming).
    """

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class ProductNotFoundError(ProductError):
    pass


@dataclass(frozen=True)
class TierDraft:
    min_qty: int
    unit_price_idr: int


@dataclass(frozen=True)
class VariantDraft:
    """A variant as submitted. ``id`` is None for a new one; ``stock`` only applies to new ones."""

    sku: str
    price_idr: int
    options: tuple[tuple[str, str], ...] = ()
    stock: int = 0
    weight_grams: int = 0
    low_stock_threshold: int = 3
    min_wholesale_qty: int | None = None
    tiers: tuple[TierDraft, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class ProductDraft:
    title: str
    subsector_code: str
    description: str = ""
    category: str = ""
    status: str = ProductStatus.DRAFT
    made_to_order: bool = False
    lead_time_days: int | None = None
    pirt_number: str | None = None
    halal_number: str | None = None
    shelf_life_days: int | None = None
    variants: tuple[VariantDraft, ...] = field(default_factory=tuple)
    ref: str | None = None


# --- parsing helpers shared by forms, API and CSV -------------------------------------------


def parse_options(text: str) -> tuple[tuple[str, str], ...]:
    """``Ukuran=M;Warna=Biru`` -> (("Ukuran", "M"), ("Warna", "Biru")). Empty text: ().

    :raise ValueError: a part without ``=``, or an empty name or value.
    """
    text = (text or "").strip()
    if not text:
        return ()
    pairs = []
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(part)
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def format_options(options: Any) -> str:
    return ";".join(f"{name}={value}" for name, value in (options or []))


def parse_tiers(text: str) -> tuple[TierDraft, ...]:
    """``10:45000;50:40000`` -> tiers ordered by minimum quantity. Empty text: ().

    Each price is read by :func:`shop.money.parse_rupiah` (``10:45.000`` is the same tier).

    :raise ValueError: anything else (a missing colon, a non-number, sen, a duplicate minimum).
    """
    text = (text or "").strip()
    if not text:
        return ()
    tiers: dict[int, int] = {}
    for part in text.split(";"):
        qty, sep, price_text = part.strip().partition(":")
        qty = qty.strip()
        if not sep or not (qty.isascii() and qty.isdigit()) or int(qty) in tiers:
            raise ValueError(part)
        price = parse_rupiah(price_text)
        if price is None:
            raise ValueError(part)
        tiers[int(qty)] = price
    return tuple(TierDraft(q, p) for q, p in sorted(tiers.items()))


def format_tiers(tiers: Any) -> str:
    return ";".join(f"{t.min_qty}:{t.unit_price_idr}" for t in tiers)


# --- validation -----------------------------------------------------------------------------


def _subsector_codes() -> set[str]:
    return set(db.session.scalars(select(Subsector.code)))


def validate(draft: ProductDraft, subsector_codes: set[str] | None = None) -> dict[str, Any]:
    """Every rule broken by ``draft``, as field -> message (empty when it is fine).

    Does not check SKU uniqueness against the database (see :func:`check_skus`).
    """
    errors: dict[str, Any] = {}
    codes = subsector_codes if subsector_codes is not None else _subsector_codes()
    title = draft.title.strip()
    if not title:
        errors["title"] = _l("Give the product a title.")
    elif len(title) > 120:
        errors["title"] = _l("At most 120 characters.")
    if len(draft.description) > 5000:
        errors["description"] = _l("At most 5,000 characters.")
    if draft.subsector_code not in codes:
        errors["subsector_code"] = _l("Choose one of the 17 subsectors.")
    if len(draft.category) > 60:
        errors["category"] = _l("At most 60 characters.")
    if draft.status not in set(ProductStatus):
        errors["status"] = _l("Status must be draft, active or archived.")
    if draft.made_to_order:
        if draft.lead_time_days is None or not 1 <= draft.lead_time_days <= 365:
            errors["lead_time_days"] = _l("Made-to-order products need a lead time of 1 to 365 days.")
    elif draft.lead_time_days is not None and not 0 <= draft.lead_time_days <= 365:
        errors["lead_time_days"] = _l("Lead time is 0 to 365 days.")
    if draft.shelf_life_days is not None and not 1 <= draft.shelf_life_days <= 3650:
        errors["shelf_life_days"] = _l("Shelf life is 1 to 3,650 days.")
    if draft.subsector_code == FOOD_SUBSECTOR:  # kept only for food, so checked only for food
        if len((draft.pirt_number or "").strip()) > 40:
            errors["pirt_number"] = _l("At most 40 characters.")
        if len((draft.halal_number or "").strip()) > 60:
            errors["halal_number"] = _l("At most 60 characters.")
    if not draft.variants:
        errors["variants"] = _l("A product needs at least one variant with a price.")
    elif len(draft.variants) > MAX_VARIANTS:
        errors["variants"] = _l("At most %(n)d variants.", n=MAX_VARIANTS)
    seen_skus: dict[str, int] = {}
    seen_options: dict[tuple, int] = {}
    for index, variant in enumerate(draft.variants):
        errors.update(_validate_variant(index, variant))
        key = variant.sku.strip().upper()
        if key and key in seen_skus:
            errors[f"variants-{index}-sku"] = _l("This SKU is used twice in this product.")
        seen_skus.setdefault(key, index)
        if variant.options in seen_options:
            errors[f"variants-{index}-options"] = _l("Two variants have the same options.")
        seen_options.setdefault(variant.options, index)
    if len(draft.variants) > 1 and any(not v.options for v in draft.variants):
        errors.setdefault("variants", _l("When there are several variants, each needs options such as Ukuran=M."))
    return errors


def _validate_variant(index: int, v: VariantDraft) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = f"variants-{index}-"
    if not SKU_PATTERN.match(v.sku.strip()):
        errors[name + "sku"] = _l("SKU: letters, digits, dot, dash or underscore, up to 64.")
    if not 0 <= v.price_idr <= MAX_PRICE_IDR:
        errors[name + "price_idr"] = _l("Price must be a whole number of rupiah, 0 or more.")
    if any(len(option) > MAX_OPTION_NAME or len(value) > MAX_OPTION_VALUE for option, value in v.options):
        errors[name + "options"] = _l("An option's name has at most %(name)d characters and its value at most "
                                      "%(value)d.", name=MAX_OPTION_NAME, value=MAX_OPTION_VALUE)
    if v.stock < 0:
        errors[name + "stock"] = _l("Stock cannot be below zero.")
    elif v.stock > MAX_QUANTITY:
        errors[name + "stock"] = _l("At most 1,000,000 units.")
    if not 0 <= v.weight_grams <= 100_000:
        errors[name + "weight_grams"] = _l("Weight is 0 to 100,000 grams.")
    if not 0 <= v.low_stock_threshold <= MAX_QUANTITY:
        errors[name + "low_stock_threshold"] = _l("The low-stock threshold is 0 to 1,000,000.")
    if v.min_wholesale_qty is not None and not 1 <= v.min_wholesale_qty <= MAX_QUANTITY:
        errors[name + "min_wholesale_qty"] = _l("The minimum wholesale quantity is 1 to 1,000,000.")
    last_price = v.price_idr
    for tier in v.tiers:
        if not 2 <= tier.min_qty <= MAX_QUANTITY or not 0 <= tier.unit_price_idr <= MAX_PRICE_IDR:
            errors[name + "tiers"] = _l("Each tier needs a minimum of 2 or more and a price of 0 or more.")
            break
        if tier.unit_price_idr > last_price:
            errors[name + "tiers"] = _l("A tier for more units cannot cost more per unit.")
            break
        last_price = tier.unit_price_idr
    return errors


def check_skus(sentra_id: int, draft: ProductDraft, product_id: int | None) -> dict[str, Any]:
    """SKUs used by another product of the same sentra."""
    skus = [v.sku.strip() for v in draft.variants]
    query = select(Variant.sku).where(Variant.sentra_id == sentra_id, Variant.sku.in_(skus))
    if product_id is not None:
        query = query.where(Variant.product_id != product_id)
    taken = set(db.session.scalars(query))
    return {
        f"variants-{i}-sku": _l("SKU %(sku)s is already used by another product.", sku=sku)
        for i, sku in enumerate(skus)
        if sku in taken
    }


# --- SKUs made for the seller ---------------------------------------------------------------

SKU_BASE_WORDS, SKU_WORD_LENGTH, SKU_BASE_LENGTH = 3, 8, 30


def _sku_part(text: str, length: int) -> str:
    return slugify(text)[:length].strip("-").upper()


def suggest_sku(title: str, options: tuple[tuple[str, str], ...] = ()) -> str:
    """A readable SKU from the title's first words and the option values: ``KAOS-BATIK-BEKASI-M``."""
    words = [_sku_part(word, SKU_WORD_LENGTH) for word in slugify(title).split("-")[:SKU_BASE_WORDS]]
    values = [_sku_part(value, 12) for _name, value in options]
    base = "-".join(part for part in words if part)[:SKU_BASE_LENGTH].strip("-") or "SKU"
    return "-".join([base, *(value for value in values if value)])[:56].strip("-")


def fill_missing_skus(sentra_id: int, draft: ProductDraft) -> ProductDraft:
    """``draft`` with an SKU made for every variant left without one, unique within the sentra.

    Made from the title and the options (:func:`suggest_sku`); when that is taken by any
    variant of the sentra (archived ones too) or by another row of the draft, ``-2``, ``-3``...
    is added. Reads the sentra's SKUs; writes nothing. Two saves racing for the same new SKU
    meet the unique constraint, which the caller reports as a conflict.
    """
    if all(v.sku.strip() for v in draft.variants):
        return draft
    taken = {sku.upper() for sku in db.session.scalars(select(Variant.sku).where(Variant.sentra_id == sentra_id))}
    taken |= {v.sku.strip().upper() for v in draft.variants if v.sku.strip()}
    variants = []
    for variant in draft.variants:
        if not variant.sku.strip():
            base = suggest_sku(draft.title, variant.options)
            sku, number = base, 1
            while sku.upper() in taken:
                number += 1
                sku = f"{base}-{number}"
            taken.add(sku.upper())
            variant = replace(variant, sku=sku)
        variants.append(variant)
    return replace(draft, variants=tuple(variants))


# --- operations -----------------------------------------------------------------------------


def next_ref(sentra_id: int) -> str:
    """The next free UI reference: ``P-000001``, ``P-000002``, ..."""
    count = db.session.scalar(select(func.count(Product.id)).where(Product.sentra_id == sentra_id)) or 0
    number = count + 1
    while db.session.scalar(select(Product.id).where(Product.sentra_id == sentra_id, Product.ref == f"P-{number:06d}")):
        number += 1
    return f"P-{number:06d}"


def load_product(sentra_id: int, product_id: int) -> Product:
    """A product of this sentra (tenant-safe: another sentra's id is not found).

    :raise ProductNotFoundError:
    """
    product = db.session.scalar(select(Product).where(Product.sentra_id == sentra_id, Product.id == product_id))
    if product is None:
        raise ProductNotFoundError(product_id)
    return product


def load_variant(sentra_id: int, variant_id: int) -> Variant:
    """A variant of this sentra. :raise ProductNotFoundError:"""
    variant = db.session.scalar(select(Variant).where(Variant.sentra_id == sentra_id, Variant.id == variant_id))
    if variant is None:
        raise ProductNotFoundError(variant_id)
    return variant


def apply_fields(product: Product, draft: ProductDraft) -> None:
    """Copy the product's own fields from ``draft`` (checked already); its variants are apart."""
    product.title = draft.title.strip()
    product.slug = slugify(product.title)[:140] or "produk"
    product.description = draft.description.strip()
    product.subsector_code = draft.subsector_code
    product.category = draft.category.strip()
    product.status = draft.status
    product.made_to_order = draft.made_to_order
    product.lead_time_days = draft.lead_time_days
    food = draft.subsector_code == FOOD_SUBSECTOR
    product.pirt_number = (draft.pirt_number or "").strip() or None if food else None
    product.halal_number = (draft.halal_number or "").strip() or None if food else None
    product.shelf_life_days = draft.shelf_life_days if food else None


def apply_variant(variant: Variant, draft: VariantDraft, position: int) -> None:
    """Copy ``draft`` (checked already) onto ``variant`` at ``position``, its tiers too; never its stock."""
    variant.sku = draft.sku.strip()
    variant.options = [list(pair) for pair in draft.options]
    variant.price_idr = draft.price_idr
    variant.weight_grams = draft.weight_grams
    variant.low_stock_threshold = draft.low_stock_threshold
    variant.min_wholesale_qty = draft.min_wholesale_qty
    variant.position = position
    variant.archived = False
    wanted = {t.min_qty: t.unit_price_idr for t in draft.tiers}
    for tier in list(variant.tiers):
        if tier.min_qty not in wanted:
            variant.tiers.remove(tier)
        else:
            tier.unit_price_idr = wanted.pop(tier.min_qty)
    for min_qty, price in wanted.items():
        variant.tiers.append(PriceTier(min_qty=min_qty, unit_price_idr=price))


def record_event(product: Product, actor_id: int | None, kind: str) -> None:
    """Append who worked on the listing (created, updated, photo, status): member activity counts these."""
    db.session.add(ProductEvent(product_id=product.id, sentra_id=product.sentra_id, actor_id=actor_id, kind=kind))


def set_status(product: Product, actor_id: int | None, status: ProductStatus) -> Product:
    """Publish, unpublish, archive or restore. Flushes.

    :raise ProductValidationError: publishing a product without an active variant.
    """
    if status == ProductStatus.ACTIVE and not product.active_variants:
        raise ProductValidationError({"status": _l("Add a variant with a price before publishing.")})
    product.status = status
    product.updated_by_id = actor_id
    product.updated_at = utcnow()
    record_event(product, actor_id, "status")
    db.session.flush()
    return product


def delete_product(product: Product) -> list[str]:
    """Delete a product with its variants and photos' rows. Flushes.

    Returns the storage keys of its photos: the caller deletes those files after
    the commit, so a rollback never leaves a row pointing at a missing file.
    """
    keys = [key for image in product.images for key in image.keys]
    db.session.delete(product)
    db.session.flush()
    return keys
