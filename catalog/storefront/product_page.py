"""The product page's query: a public product with its variants, tiers and photos.

Like the other public pages' queries (:mod:`catalog.storefront.queries`), it reads plain
rows with prebuilt Core selects of the columns the page shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, false, select

from catalog.products.models import PriceTier, Product, ProductImage, ProductStatus, Variant
from catalog.storefront.queries import SENTRA_COLUMNS, Photo, SentraView, SubsectorRef, reference
from shop.database import prebuilt_rows
from shop.records import quick_init
from shop.sentras.models import Sentra, SentraStatus


@dataclass
class VariantView:
    """A variant as the product page and the pricing strategy read it."""

    id: int
    sku: str
    options: list[Any]
    price_idr: int
    stock: int
    min_wholesale_qty: int | None
    tiers: list[TierView] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ", ".join(f"{name}: {value}" for name, value in self.options or [])


@quick_init
@dataclass(frozen=True)
class TierView:
    min_qty: int
    unit_price_idr: int


@dataclass
class ProductPage:
    id: int
    slug: str
    title: str
    description: str
    category: str
    subsector: SubsectorRef
    made_to_order: bool
    lead_time_days: int | None
    pirt_number: str | None
    halal_number: str | None
    shelf_life_days: int | None
    sentra: SentraView
    variants: list[VariantView]
    photos: list[Photo]
    # The photo a variant shows: variant id -> index in ``photos`` (its first photo linked to it).
    variant_photos: dict[int, int] = field(default_factory=dict)
    rating_avg: float = 0.0
    rating_count: int = 0


_PRODUCT = (
    select(
        Product.id, Product.slug, Product.title, Product.description, Product.category,
        Product.subsector_code, Product.made_to_order, Product.lead_time_days, Product.pirt_number,
        Product.halal_number, Product.shelf_life_days, Product.rating_avg, Product.rating_count,
        *(column.label(f"sentra_{column.key}") for column in SENTRA_COLUMNS),
    )
    .join(Sentra, Sentra.id == Product.sentra_id)
    .where(Product.id == bindparam("product_id"), Product.status == ProductStatus.ACTIVE,
           Sentra.status == SentraStatus.ACTIVE)
)
_VARIANTS = (
    select(Variant.id, Variant.sku, Variant.options, Variant.price_idr, Variant.stock, Variant.min_wholesale_qty)
    .where(Variant.product_id == bindparam("product_id"), Variant.archived == false())
    .order_by(Variant.position, Variant.id)
)
_TIERS = (
    select(PriceTier.variant_id, PriceTier.min_qty, PriceTier.unit_price_idr)
    .where(PriceTier.variant_id.in_(bindparam("ids", expanding=True)))
    .order_by(PriceTier.min_qty)
)
_PHOTOS = (
    select(ProductImage.key, ProductImage.thumb_320_key, ProductImage.thumb_960_key, ProductImage.width,
           ProductImage.height, ProductImage.alt_text, ProductImage.variant_id)
    .where(ProductImage.product_id == bindparam("product_id"))
    .order_by(ProductImage.position, ProductImage.id)
)


def public_product(product_id: int, with_tiers: bool = False) -> ProductPage | None:
    """A public product (active, of an active sentra) with its active variants and photos, or None.

    Tiers are read only when ``with_tiers`` (the partner strategy shows them).
    """
    found = prebuilt_rows(_PRODUCT, product_id=product_id)
    if not found:
        return None
    row = found[0]
    variants = [
        VariantView(v.id, v.sku, v.options or [], v.price_idr, v.stock, v.min_wholesale_qty)
        for v in prebuilt_rows(_VARIANTS, product_id=product_id)
    ]
    if not variants:
        return None
    if with_tiers:
        by_id = {v.id: v for v in variants}
        for variant_id, min_qty, price in prebuilt_rows(_TIERS, ids=list(by_id)):
            by_id[variant_id].tiers.append(TierView(min_qty, price))
    photos: list[Photo] = []
    variant_photos: dict[int, int] = {}
    active = {v.id for v in variants}
    for *image, variant_id in prebuilt_rows(_PHOTOS, product_id=product_id):
        if variant_id in active:
            variant_photos.setdefault(variant_id, len(photos))
        photos.append(Photo(*image))
    ref = reference()
    sentra = SentraView(
        id=row.sentra_id, slug=row.sentra_slug, name=row.sentra_name,
        kelurahan=ref.kelurahan[row.sentra_applied_kelurahan_code], whatsapp=row.sentra_whatsapp,
        address=row.sentra_address, opening_hours=row.sentra_opening_hours, logo_key=row.sentra_logo_key,
    )
    return ProductPage(
        id=row.id, slug=row.slug, title=row.title, description=row.description, category=row.category,
        subsector=ref.subsectors[row.subsector_code], made_to_order=row.made_to_order,
        lead_time_days=row.lead_time_days, pirt_number=row.pirt_number, halal_number=row.halal_number,
        shelf_life_days=row.shelf_life_days, sentra=sentra, variants=variants, photos=photos,
        variant_photos=variant_photos,
        rating_avg=row.rating_avg or 0.0, rating_count=row.rating_count or 0,
    )
