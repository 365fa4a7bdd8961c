"""The quote: the cart priced for a buyer, per sentra, with the delivery options that fit.

The checkout page shows it; step 1 of :func:`orders.checkout.services.place_checkout`
computes it again inside its transaction and refuses anything that changed.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import joinedload

from catalog.pricing import RetailStrategy, partner_member_by_id, strategy_for, strategy_of
from catalog.products.models import Product, ProductStatus, Variant
from orders.cart.models import Cart, CartLine
from orders.core.providers import available_methods
from orders.delivery.models import DeliverySettings
from orders.delivery.services import DeliveryOption, Destination, options_for, settings_for_many
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus


@dataclass
class QuotedLine:
    variant: Variant
    quantity: int
    unit_price_idr: int
    cart_line_id: int | None = None
    seen_unit_price_idr: int | None = None  # the cart line's price the buyer last saw

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity

    @property
    def price_changed(self) -> bool:
        """Today's price is not the one the buyer last saw in the cart."""
        return self.seen_unit_price_idr is not None and self.seen_unit_price_idr != self.unit_price_idr


@dataclass
class SentraQuote:
    sentra: Sentra
    lines: list[QuotedLine]
    options: list[DeliveryOption]
    chosen: DeliveryOption | None = None
    settings: DeliverySettings | None = None

    @property
    def subtotal_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum(line.variant.weight_grams * line.quantity for line in self.lines)

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + (self.chosen.fee_idr if self.chosen else 0)


@dataclass
class Quote:
    parts: list[SentraQuote] = field(default_factory=list)
    payment_methods: list[str] = field(default_factory=list)

    @property
    def total_idr(self) -> int:
        return sum(part.total_idr for part in self.parts)

    @property
    def complete(self) -> bool:
        return all(part.chosen is not None for part in self.parts)


def cart_lines(buyer: User, strategy: RetailStrategy | None = None) -> list[CartLine]:
    """The buyer's cart lines with variant, product and sentra loaded (one query; tiers in a
    second one only when ``strategy`` prices by tier, or is not known)."""
    query = (
        select(CartLine).join(Cart).where(Cart.user_id == buyer.id)
        .options(joinedload(CartLine.variant).joinedload(Variant.product).joinedload(Product.sentra))
        .order_by(CartLine.id)
    )
    if strategy is None or strategy.shows_tiers:
        query = query.options(joinedload(CartLine.variant).selectinload(Variant.tiers))
    return list(db.session.scalars(query).unique())


@functools.cache
def _lines_and_partner_check() -> Select:
    """The buyer's cart lines (variant, product and sentra joined) with the partner check, built once.

    Built per call, this select and its loader options cost more of a checkout's CPU than running
    it: one statement object keeps its cache key, so the ORM finds its compiled form at once.
    """
    buyer_id = bindparam("buyer_id", type_=Integer)
    return (
        select(CartLine, partner_member_by_id(buyer_id)).join(Cart).where(Cart.user_id == buyer_id)
        .options(joinedload(CartLine.variant).joinedload(Variant.product).joinedload(Product.sentra))
        .order_by(CartLine.id)
    )


def strategy_and_cart_lines(buyer: User) -> tuple[RetailStrategy, list[CartLine]]:
    """:func:`strategy_for` the buyer and :func:`cart_lines` with it, in one query for a retail
    buyer (the partner check rides along with the lines); a partner's tiers take a second one."""
    rows = db.session.execute(_lines_and_partner_check(), {"buyer_id": buyer.id}).unique().all()
    if not rows:  # an empty cart says nothing of the buyer
        return strategy_for(buyer), []
    strategy = strategy_of(rows[0][1])
    if strategy.shows_tiers:
        return strategy, cart_lines(buyer, strategy)
    return strategy, [line for line, _partner in rows]


def is_unavailable(variant: Variant) -> bool:
    return (variant.archived or variant.product.status != ProductStatus.ACTIVE
            or variant.product.sentra.status != SentraStatus.ACTIVE)


def quote(buyer: User, lines: list[CartLine], destination: Destination | None,
          deliveries: Mapping[str, str], config: Mapping[str, Any],
          strategy: RetailStrategy | None = None) -> Quote:
    """Price the cart for ``buyer``: per sentra its lines, the delivery options that fit, the choice.

    Reads only. Unavailable lines are left out here; :func:`place_checkout` refuses them.
    """
    strategy = strategy or strategy_for(buyer)
    by_sentra: dict[int, SentraQuote] = {}
    for line in lines:
        variant = line.variant
        if is_unavailable(variant):
            continue
        part = by_sentra.get(variant.sentra_id)
        if part is None:
            part = by_sentra[variant.sentra_id] = SentraQuote(variant.product.sentra, [], [])
        price = strategy.price(variant, line.quantity).unit_price_idr
        part.lines.append(QuotedLine(variant, line.quantity, price, line.id, line.unit_price_idr_seen))
    result = Quote(parts=sorted(by_sentra.values(), key=lambda p: p.sentra.name))
    all_settings = settings_for_many([part.sentra for part in result.parts])
    for part in result.parts:
        settings = part.settings = all_settings[part.sentra.id]
        part.options = options_for(part.sentra, destination or Destination(None), part.weight_grams, settings)
        if destination is None:  # no address yet: only what needs none
            part.options = [o for o in part.options if o.method == "pickup"] or part.options
        wanted = deliveries.get(part.sentra.slug)
        part.chosen = next((o for o in part.options if o.method == wanted), None)
    chosen = [part.chosen.method for part in result.parts if part.chosen]
    result.payment_methods = available_methods(config, chosen) if result.complete else []
    return result
