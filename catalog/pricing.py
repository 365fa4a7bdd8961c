"""Prices come from here and nowhere else (never from templates).

As django-oscar's strategy does it: a strategy is chosen for the buyer, then asked
for the price of a variant at a quantity. Residents and guests get the retail
strategy; members of a verified UMKM partner get the partner strategy, which
applies a variant's wholesale tiers from its minimum order quantity on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, false, select

from catalog.products.models import PriceTier, Variant
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerStatus


@dataclass(frozen=True)
class Price:
    unit_price_idr: int
    retail_price_idr: int
    quantity: int
    tier_min_qty: int | None = None  # the tier applied, if any

    @property
    def total_idr(self) -> int:
        return self.unit_price_idr * self.quantity

    @property
    def is_wholesale(self) -> bool:
        return self.tier_min_qty is not None


class RetailStrategy:
    """Everyone's price: the variant's retail price, whatever the quantity."""

    shows_tiers = False

    def price(self, variant: Variant, quantity: int = 1) -> Price:
        return Price(variant.price_idr, variant.price_idr, quantity)

    def visible_tiers(self, variant: Variant) -> list[PriceTier]:
        return []


class PartnerStrategy(RetailStrategy):
    """A verified partner's price: the best tier whose minimum the quantity reaches.

    Below the variant's minimum wholesale quantity (or below the lowest tier) the
    retail price applies.
    """

    shows_tiers = True

    def price(self, variant: Variant, quantity: int = 1) -> Price:
        retail = variant.price_idr
        if variant.min_wholesale_qty and quantity < variant.min_wholesale_qty:
            return Price(retail, retail, quantity)
        best: PriceTier | None = None
        for tier in variant.tiers:  # ordered by min_qty
            if tier.min_qty <= quantity and (best is None or tier.unit_price_idr <= best.unit_price_idr):
                best = tier
        if best is None or best.unit_price_idr >= retail:
            return Price(retail, retail, quantity)
        return Price(best.unit_price_idr, retail, quantity, best.min_qty)

    def visible_tiers(self, variant: Variant) -> list[PriceTier]:
        return list(variant.tiers)


RETAIL = RetailStrategy()
PARTNER = PartnerStrategy()


def verified_partner_member(user: Any) -> ColumnElement[bool]:
    """SQL: ``user`` is a member of a verified partner (false for None or anonymous), for a query
    that reads something else too (the checkout reads it with the cart: one round trip)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    return partner_member_by_id(user.id)


def partner_member_by_id(user_id: Any) -> ColumnElement[bool]:
    """SQL: the user ``user_id`` (a value, or a bound parameter of a statement built once) is a
    member of a verified partner."""
    return exists().where(
        PartnerMembership.user_id == user_id,
        PartnerMembership.partner_id == Partner.id,
        Partner.status == PartnerStatus.VERIFIED,
    )


def is_verified_partner_member(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(verified_partner_member(user))))


def strategy_of(partner_member: bool) -> RetailStrategy:
    """The pricing strategy of a verified partner's member (``partner_member``), or of anyone else."""
    return PARTNER if partner_member else RETAIL


def strategy_for(user: Any) -> RetailStrategy:
    """The pricing strategy for ``user`` (None or anonymous: retail)."""
    return strategy_of(is_verified_partner_member(user))


def price_range(variants: list[Variant]) -> tuple[int, int] | None:
    """Lowest and highest retail price of the active variants, or None when there are none."""
    prices = [v.price_idr for v in variants if not v.archived]
    return (min(prices), max(prices)) if prices else None
