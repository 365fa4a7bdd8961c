"""The wholesale catalogue: public products a partner can buy in bulk or ask a quote for.

A product belongs here when one of its live variants has wholesale tiers or a minimum
wholesale quantity, or when it is made to order (every made-to-order product takes a
quote). Text, subsector and kecamatan go through :mod:`catalog.search` like /search;
the search index has no wholesale field, so the search is narrowed to the sentras that
have such products and its hits are intersected with the wholesale product ids. The
scan reads at most ``MAX_SCAN_PAGES`` pages of search hits, so a page costs a bounded
number of queries whatever the catalogue's size. Reads only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from catalog.pricing import PARTNER
from catalog.products.models import PriceTier, Product, ProductStatus, Variant
from catalog.search import search
from catalog.search.types import MAX_PER_PAGE, Hit, SearchQuery, Sort
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus

PER_PAGE = 20
MAX_SCAN_PAGES = 10  # search pages of MAX_PER_PAGE hits read at most to fill one catalogue page


@dataclass(frozen=True)
class TierPrice:
    min_qty: int
    unit_price_idr: int


@dataclass(frozen=True)
class VariantOffer:
    variant: Variant
    retail_price_idr: int
    tiers: list[TierPrice]
    min_qty: int | None  # the minimum wholesale quantity, if the variant has one
    default_qty: int  # what the quantity field starts at: the minimum, else the first tier, else 1
    unit_price_idr: int  # the partner's unit price at ``default_qty``

    @property
    def label(self) -> str:
        return self.variant.label or self.variant.sku


@dataclass(frozen=True)
class Offer:
    hit: Hit
    product: Product
    variants: list[VariantOffer]

    @property
    def lead_time_days(self) -> int | None:
        return self.product.lead_time_days if self.product.made_to_order else None


@dataclass
class CataloguePage:
    offers: list[Offer]
    total: int
    page: int
    per_page: int
    truncated: bool = False  # the scan stopped before the end of the search's hits


def wholesale_products() -> dict[int, str]:
    """Public products with tiers, a wholesale minimum or made to order: product id -> sentra slug."""
    wholesale_variant = exists().where(
        Variant.product_id == Product.id, Variant.archived.is_(False),
        or_(Variant.min_wholesale_qty.is_not(None), exists().where(PriceTier.variant_id == Variant.id)),
    )
    rows = db.session.execute(
        select(Product.id, Sentra.slug).join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE,
               or_(Product.made_to_order.is_(True), wholesale_variant))
    )
    return dict(rows.tuples().all())


def _offer(hit: Hit, product: Product) -> Offer:
    offers = []
    for variant in product.variants:
        if variant.archived:
            continue
        tiers = [TierPrice(t.min_qty, t.unit_price_idr) for t in PARTNER.visible_tiers(variant)]
        default = variant.min_wholesale_qty or (tiers[0].min_qty if tiers else 1)
        offers.append(VariantOffer(
            variant=variant, retail_price_idr=PARTNER.price(variant, 1).retail_price_idr, tiers=tiers,
            min_qty=variant.min_wholesale_qty, default_qty=default,
            unit_price_idr=PARTNER.price(variant, default).unit_price_idr,
        ))
    return Offer(hit, product, offers)


def browse(text: str = "", subsector: tuple[str, ...] = (), kecamatan: tuple[str, ...] = (), page: int = 1,
           per_page: int = PER_PAGE) -> CataloguePage:
    """One page of the wholesale catalogue, in the search's order (relevance, or newest without text)."""
    wholesale = wholesale_products()
    empty = CataloguePage([], 0, page, per_page)
    if not wholesale:
        return empty
    query = SearchQuery(text=text, subsector=subsector, kecamatan=kecamatan,
                        sentra=tuple(sorted(set(wholesale.values()))),
                        sort=Sort.RELEVANCE if text else Sort.NEWEST, per_page=MAX_PER_PAGE)
    matched: list[Hit] = []
    truncated = False
    for number in range(1, MAX_SCAN_PAGES + 1):
        result = search(dataclasses.replace(query, page=number))
        matched.extend(hit for hit in result.hits if hit.product_id in wholesale)
        if number * MAX_PER_PAGE >= result.total or not result.hits:
            break
    else:
        truncated = True
    start = (page - 1) * per_page
    hits = matched[start:start + per_page]
    products = {
        product.id: product for product in db.session.scalars(
            select(Product).where(Product.id.in_([hit.product_id for hit in hits]))
            .options(selectinload(Product.variants).selectinload(Variant.tiers))
        )
    } if hits else {}
    offers = [_offer(hit, products[hit.product_id]) for hit in hits if hit.product_id in products]
    return CataloguePage(offers, len(matched), page, per_page, truncated)


@dataclass(frozen=True)
class PickableProduct:
    id: int
    title: str
    min_qty: int | None  # the wholesale minimum when every live variant has one


@dataclass(frozen=True)
class SentraShelf:
    slug: str
    name: str
    products: list[PickableProduct]


def pickable_products(first_sentra: str | None = None) -> list[SentraShelf]:
    """The wholesale catalogue for the request form's product pickers: every sentra's products by
    title, sentras by name with ``first_sentra`` (a slug) first. Two reads, whatever the size."""
    wholesale = wholesale_products()
    if not wholesale:
        return []
    products = db.session.scalars(
        select(Product).where(Product.id.in_(list(wholesale)))
        .options(selectinload(Product.variants)).order_by(Product.title, Product.id)
    ).all()
    shelves: dict[str, SentraShelf] = {}
    for product in products:
        sentra = product.sentra
        shelf = shelves.setdefault(sentra.slug, SentraShelf(sentra.slug, sentra.name, []))
        minimums = [v.min_wholesale_qty for v in product.variants if not v.archived]
        shelf.products.append(PickableProduct(
            product.id, product.title, min(minimums) if minimums and all(minimums) else None))
    return sorted(shelves.values(), key=lambda shelf: (shelf.slug != first_sentra, shelf.name.casefold()))
