"""catalog.pricing: retail for everyone, wholesale tiers for verified partners' members."""
from __future__ import annotations

from flask_login import AnonymousUserMixin

from catalog.pricing import (
    PARTNER,
    RETAIL,
    PartnerStrategy,
    RetailStrategy,
    price_range,
    strategy_for,
)
from shop.extensions import db
from shop.partners.models import PartnerMembership, PartnerRole, PartnerStatus
from tests.factories import make_partner, make_product, make_sentra, make_user

RETAIL_PRICE = 50_000


def _wholesale_variant(min_wholesale_qty: int | None = None):
    sentra = make_sentra()
    product = make_product(
        sentra,
        variants=[{
            "price_idr": RETAIL_PRICE,
            "tiers": "10:45000;50:40000",
            "min_wholesale_qty": min_wholesale_qty,
        }],
    )
    return product.variants[0]


def test_retail_strategy_ignores_tiers_at_any_quantity():
    variant = _wholesale_variant()

    for quantity in (1, 10, 50, 500):
        price = RetailStrategy().price(variant, quantity)
        assert price.unit_price_idr == RETAIL_PRICE
        assert not price.is_wholesale


def test_partner_strategy_applies_the_best_tier_the_quantity_reaches():
    variant = _wholesale_variant()

    assert PartnerStrategy().price(variant, 10).unit_price_idr == 45_000
    assert PartnerStrategy().price(variant, 49).unit_price_idr == 45_000
    assert PartnerStrategy().price(variant, 50).unit_price_idr == 40_000
    assert PartnerStrategy().price(variant, 500).tier_min_qty == 50


def test_partner_price_below_the_lowest_tier_is_retail():
    variant = _wholesale_variant()

    price = PartnerStrategy().price(variant, 9)

    assert price.unit_price_idr == RETAIL_PRICE
    assert not price.is_wholesale


def test_partner_price_below_the_minimum_wholesale_quantity_is_retail():
    variant = _wholesale_variant(min_wholesale_qty=20)

    assert PartnerStrategy().price(variant, 15).unit_price_idr == RETAIL_PRICE
    assert PartnerStrategy().price(variant, 20).unit_price_idr == 45_000


def test_price_total_is_unit_price_times_quantity():
    variant = _wholesale_variant()

    price = PartnerStrategy().price(variant, 12)

    assert (price.total_idr, price.retail_price_idr, price.quantity) == (12 * 45_000, RETAIL_PRICE, 12)


def test_strategy_for_nobody_is_retail():
    assert strategy_for(None) is RETAIL
    assert strategy_for(AnonymousUserMixin()) is RETAIL


def test_strategy_for_a_plain_user_is_retail():
    assert strategy_for(make_user()) is RETAIL


def test_strategy_for_a_member_of_a_verified_partner_is_partner():
    owner = make_user()
    make_partner(owner, status=PartnerStatus.VERIFIED)

    assert strategy_for(owner) is PARTNER


def test_strategy_for_a_staff_member_of_a_verified_partner_is_partner():
    partner = make_partner(status=PartnerStatus.VERIFIED)
    staff = make_user()
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=staff.id, role=PartnerRole.STAFF))
    db.session.flush()

    assert strategy_for(staff) is PARTNER


def test_strategy_for_a_member_of_a_pending_or_rejected_partner_is_retail():
    pending_owner = make_user()
    make_partner(pending_owner, status=PartnerStatus.PENDING)
    rejected_owner = make_user()
    make_partner(rejected_owner, status=PartnerStatus.REJECTED)

    assert strategy_for(pending_owner) is RETAIL
    assert strategy_for(rejected_owner) is RETAIL


def test_visible_tiers_are_empty_for_retail_and_ordered_for_partners():
    variant = _wholesale_variant()

    assert RETAIL.visible_tiers(variant) == []
    assert [(t.min_qty, t.unit_price_idr) for t in PARTNER.visible_tiers(variant)] == [(10, 45_000), (50, 40_000)]
    assert RETAIL.shows_tiers is False and PARTNER.shows_tiers is True


def test_price_range_leaves_out_archived_variants():
    sentra = make_sentra()
    product = make_product(
        sentra,
        variants=[
            {"options": "Ukuran=S", "price_idr": 10_000},
            {"options": "Ukuran=M", "price_idr": 20_000},
            {"options": "Ukuran=L", "price_idr": 90_000},
        ],
    )
    product.variants[2].archived = True

    assert price_range(product.variants) == (10_000, 20_000)
    assert price_range([]) is None
