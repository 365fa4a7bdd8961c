"""Reorder: a partner repeats an earlier order (into the cart) or quote (as a new request).

Current prices and stock apply; what differs from before is returned so the page can
say it. An order or quote of another partner is a 404, as everywhere in the partner area.
Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from catalog.pricing import PARTNER
from catalog.products.models import Product, Variant
from orders.b2b.invoices import today_wib
from orders.b2b.models import Quote, Rfq
from orders.b2b.partner_orders import load_partner_order
from orders.b2b.quotes import load_partner_quote
from orders.b2b.rfqs import RfqInput, RfqLineInput, create_rfq, min_quantity
from orders.cart import services as cart
from orders.cart.errors import CartError
from orders.cart.models import CartLine
from orders.checkout.services import AddressInput
from orders.core.models import Order, OrderLine
from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import PartnerMembership

MIN_LEAD_DAYS = 7  # a repeated request asks for at least a week


class Change(StrEnum):
    PRICE = "price_changed"  # added, at another unit price than before
    REDUCED = "reduced"  # added, fewer than before (stock, or the cart's limit of 999)
    UNAVAILABLE = "unavailable"  # skipped: no longer for sale
    OUT_OF_STOCK = "out_of_stock"  # skipped: none left
    CUSTOM = "custom"  # skipped: a custom made-to-order line; ask for a new quote
    RAISED = "raised"  # (quotes) the quantity went up to the product's wholesale minimum
    NOT_LISTED = "not_listed"  # (quotes) the product left the catalogue: the line keeps only its words


@dataclass(frozen=True)
class Difference:
    title: str
    change: Change
    old_quantity: int | None = None
    new_quantity: int | None = None
    old_unit_price_idr: int | None = None
    new_unit_price_idr: int | None = None


@dataclass
class ReorderedOrder:
    order: Order
    added: list[tuple[str, int]] = field(default_factory=list)  # (title, quantity) put in the cart
    differences: list[Difference] = field(default_factory=list)


@dataclass
class RepeatedQuote:
    quote: Quote
    rfq: Rfq
    differences: list[Difference] = field(default_factory=list)


def _title(line: OrderLine) -> str:
    return f"{line.title} ({line.variant_label})" if line.variant_label else line.title


def _variants(ids: list[int]) -> dict[int, Variant]:
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Variant).where(Variant.id.in_(ids))
        .options(joinedload(Variant.product).joinedload(Product.sentra), selectinload(Variant.tiers))
    ).unique()
    return {variant.id: variant for variant in rows}


def reorder_order(membership: PartnerMembership, buyer: User, number: str) -> ReorderedOrder:
    """Put the lines of one of the partner's orders into ``buyer``'s cart at today's prices. Flushes.

    A line whose variant is no longer for sale, or a custom line without a variant, is
    skipped; a quantity above the stock left (beside what the cart holds already) is cut
    to it; a price different from the order's is reported.

    :raise NotFoundError: (404) not an order of the member's partner.
    """
    order = load_partner_order(membership.partner_id, number)
    result = ReorderedOrder(order)
    variants = _variants(sorted({line.variant_id for line in order.lines if line.variant_id is not None}))
    basket = cart.cart_for_user(buyer, create=True)
    held = dict(db.session.execute(
        select(CartLine.variant_id, CartLine.quantity).where(CartLine.cart_id == basket.id)).tuples().all())
    for line in order.lines:
        title = _title(line)
        variant = variants.get(line.variant_id) if line.variant_id is not None else None
        if line.variant_id is None:
            result.differences.append(Difference(title, Change.CUSTOM, old_quantity=line.quantity))
            continue
        if variant is None or not cart.is_available(variant):
            result.differences.append(Difference(title, Change.UNAVAILABLE, old_quantity=line.quantity))
            continue
        already = held.get(variant.id, 0)
        room = cart.MAX_QUANTITY - already
        if not variant.product.made_to_order:
            room = min(room, variant.stock - already)
        quantity = min(line.quantity, room)
        if quantity <= 0:
            result.differences.append(Difference(title, Change.OUT_OF_STOCK, old_quantity=line.quantity,
                                                 new_quantity=0))
            continue
        try:
            cart.add_item(basket, variant.id, quantity, PARTNER)
        except CartError:  # changed meanwhile: as good as not for sale now
            result.differences.append(Difference(title, Change.UNAVAILABLE, old_quantity=line.quantity))
            continue
        held[variant.id] = already + quantity
        result.added.append((title, quantity))
        if quantity < line.quantity:
            result.differences.append(Difference(title, Change.REDUCED, old_quantity=line.quantity,
                                                 new_quantity=quantity))
        price = PARTNER.price(variant, held[variant.id]).unit_price_idr
        if price != line.unit_price_idr:
            result.differences.append(Difference(title, Change.PRICE, old_unit_price_idr=line.unit_price_idr,
                                                 new_unit_price_idr=price, new_quantity=held[variant.id]))
    return result


def _needed_by(rfq: Rfq, today: date) -> date:
    asked = (rfq.needed_by - today_wib(rfq.created_at)).days
    return today + timedelta(days=max(MIN_LEAD_DAYS, asked))


def _catalogue_price(product: Product, variant_id: int | None, quantity: int) -> int | None:
    """Today's partner unit price of the quoted variant, or of the product's cheapest live variant."""
    live = [v for v in product.variants if not v.archived]
    chosen = next((v for v in live if v.id == variant_id), None)
    if chosen is None and live:
        chosen = min(live, key=lambda v: PARTNER.price(v, quantity).unit_price_idr)
    return PARTNER.price(chosen, quantity).unit_price_idr if chosen is not None else None


def repeat_quote(membership: PartnerMembership, actor: User, quote_id: int,
                 today: date | None = None) -> RepeatedQuote:
    """Send the quote's sentra a new request with the quote's lines, address and a fresh needed-by date.

    Lines pointing at a product that left the catalogue keep only their words; a quantity
    under a product's wholesale minimum goes up to it. Differences between the quoted unit
    prices and today's catalogue prices are returned. Flushes; emails the sentra.

    :raise NotFoundError: (404) not a quote to the member's partner.
    :raise B2bValidationError: (422) the sentra no longer takes requests (not active).
    """
    quote = load_partner_quote(membership.partner_id, quote_id)
    rfq = quote.rfq
    today = today or today_wib()
    products: Mapping[int, Product] = {
        product.id: product for product in db.session.scalars(
            select(Product).where(Product.id.in_({line.product_id for line in quote.lines if line.product_id}))
            .options(selectinload(Product.variants).selectinload(Variant.tiers))
        )
    }
    lines: list[RfqLineInput] = []
    differences: list[Difference] = []
    for line in quote.lines:
        product = products.get(line.product_id) if line.product_id is not None else None
        quantity = line.quantity
        if line.product_id is not None and (product is None or product.sentra_id != rfq.sentra_id
                                            or not product.is_public):
            differences.append(Difference(line.description, Change.NOT_LISTED, old_quantity=quantity))
            product = None
        if product is not None:
            minimum = min_quantity(product)
            if minimum and quantity < minimum:
                differences.append(Difference(line.description, Change.RAISED, old_quantity=quantity,
                                              new_quantity=minimum))
                quantity = minimum
            price = _catalogue_price(product, line.variant_id, quantity)
            if price is not None and price != line.unit_price_idr:
                differences.append(Difference(line.description, Change.PRICE, old_unit_price_idr=line.unit_price_idr,
                                              new_unit_price_idr=price, new_quantity=quantity))
        lines.append(RfqLineInput(description=line.description, quantity=quantity,
                                  product_id=product.id if product is not None else None))
    address = AddressInput(rfq.recipient, rfq.phone, rfq.street, rfq.kelurahan_code, rfq.city, rfq.postal_code)
    data = RfqInput(sentra=rfq.sentra.slug, needed_by=_needed_by(rfq, today), address=address,
                    notes=f"Repeat of quote #{quote.id}", lines=lines)
    new = create_rfq(membership, actor, data, [])
    return RepeatedQuote(quote, new, differences)
