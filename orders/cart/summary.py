"""Reading a cart: its lines grouped by sentra, priced today, with what changed since they were added.

Reads only, in a bounded number of queries (one for the lines with their variants,
products and sentras, one for tiers when the buyer sees tier prices).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from catalog.pricing import RetailStrategy
from catalog.products.models import Product, Variant
from orders.cart.models import Cart
from orders.cart.services import is_available, lines_with_variants
from shop.sentras.models import Sentra


@dataclass(frozen=True)
class CartLineView:
    id: int
    variant: Variant
    quantity: int
    unit_price_idr: int  # today's price for this buyer and quantity
    seen_unit_price_idr: int  # what the buyer saw when adding it (or last accepted)
    line_total_idr: int
    unavailable: bool  # archived variant, product not active or sentra not active
    stock_short: bool  # stocked variant with fewer units than the quantity

    @property
    def variant_id(self) -> int:
        return self.variant.id

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def sentra(self) -> Sentra:
        return self.variant.product.sentra

    @property
    def title(self) -> str:
        return self.variant.product.title

    @property
    def variant_label(self) -> str:
        return self.variant.label

    @property
    def price_changed(self) -> bool:
        return self.unit_price_idr != self.seen_unit_price_idr

    @property
    def available_stock(self) -> int | None:
        """Units in stock, or None for a made-to-order variant."""
        return None if self.variant.product.made_to_order else self.variant.stock

    @property
    def is_purchasable(self) -> bool:
        return not self.unavailable and not self.stock_short


@dataclass(frozen=True)
class SentraGroup:
    sentra: Sentra
    lines: list[CartLineView]
    subtotal_idr: int  # of the lines that can be bought (unavailable lines left out)


@dataclass(frozen=True)
class CartSummary:
    cart_id: int | None
    groups: list[SentraGroup] = field(default_factory=list)
    total_idr: int = 0
    item_count: int = 0  # units in the cart, all lines

    @property
    def lines(self) -> list[CartLineView]:
        return [line for group in self.groups for line in group.lines]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def has_price_changes(self) -> bool:
        return any(line.price_changed for line in self.lines)

    @property
    def has_problems(self) -> bool:
        """Lines that cannot be checked out as they are (unavailable or short of stock)."""
        return any(not line.is_purchasable for line in self.lines)


EMPTY = CartSummary(None)


def summarize(cart: Cart | None, strategy: RetailStrategy) -> CartSummary:
    """The cart as the buyer sees it: lines grouped by sentra (by name), today's prices, warnings.

    Two queries at most (lines with variant, product and sentra; tiers for a partner).
    Unavailable lines are listed but left out of subtotals and the total.
    """
    if cart is None:
        return EMPTY
    by_sentra: dict[int, list[CartLineView]] = {}
    sentras: dict[int, Sentra] = {}
    item_count = 0
    for line, variant in lines_with_variants(cart.id, strategy):
        price = strategy.price(variant, line.quantity).unit_price_idr
        view = CartLineView(
            id=line.id, variant=variant, quantity=line.quantity, unit_price_idr=price,
            seen_unit_price_idr=line.unit_price_idr_seen, line_total_idr=price * line.quantity,
            unavailable=not is_available(variant),
            stock_short=not variant.product.made_to_order and variant.stock < line.quantity,
        )
        sentra = variant.product.sentra
        sentras[sentra.id] = sentra
        by_sentra.setdefault(sentra.id, []).append(view)
        item_count += line.quantity
    groups = [
        SentraGroup(sentras[sid], lines, sum(v.line_total_idr for v in lines if not v.unavailable))
        for sid, lines in sorted(by_sentra.items(), key=lambda item: (sentras[item[0]].name, item[0]))
    ]
    return CartSummary(cart.id, groups, sum(g.subtotal_idr for g in groups), item_count)
