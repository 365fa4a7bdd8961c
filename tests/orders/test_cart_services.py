"""Cart services: adding, limits, merging, and the summary the cart page and checkout read."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog import stock as catalog_stock
from catalog.pricing import PARTNER, RETAIL, strategy_for
from orders.cart import errors as cart_errors
from orders.cart import services
from orders.cart import summary as cart_summary
from orders.cart.models import Cart, CartLine
from shop.extensions import db
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.orders.cart_helpers import KELURAHAN, made_to_order_product, stocked_product, variant_of


@pytest.fixture
def buyer():
    return make_user("buyer@example.test")


@pytest.fixture
def cart(buyer):
    return services.cart_for_user(buyer, create=True)


# --- finding carts -------------------------------------------------------------------------------


def test_a_buyer_has_one_cart(buyer):
    first = services.cart_for_user(buyer, create=True)
    assert services.cart_for_user(buyer, create=True).id == first.id
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1


def test_no_cart_is_made_unless_asked(buyer):
    assert services.cart_for_user(buyer) is None
    assert services.cart_for_token(services.new_guest_token()) is None


def test_a_guest_cart_stores_only_the_hash_of_its_token():
    token = services.new_guest_token()
    cart = services.cart_for_token(token, create=True)
    assert cart.token == services.hash_guest_token(token) != token
    assert services.cart_for_token(token).id == cart.id


def test_a_malformed_guest_token_finds_nothing_and_makes_nothing():
    assert services.cart_for_token("short", create=True) is None
    assert services.cart_for_token(None, create=True) is None


# --- adding --------------------------------------------------------------------------------------


def test_adding_a_variant_makes_a_line_at_the_price_the_buyer_sees(cart):
    variant = variant_of(stocked_product(price_idr=42_000))
    line = services.add_item(cart, variant.id, 2, RETAIL)
    assert (line.variant_id, line.quantity, line.unit_price_idr_seen) == (variant.id, 2, 42_000)


def test_adding_the_same_variant_again_adds_to_its_quantity(cart):
    variant = variant_of(stocked_product(stock=10))
    services.add_item(cart, variant.id, 2, RETAIL)
    line = services.add_item(cart, variant.id, 3, RETAIL)
    assert line.quantity == 5
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 1


def test_adding_more_than_the_stock_is_refused_as_insufficient_stock(cart):
    variant = variant_of(stocked_product(stock=3))
    with pytest.raises(cart_errors.InsufficientStockError) as caught:
        services.add_item(cart, variant.id, 4, RETAIL)
    assert (caught.value.requested, caught.value.available) == (4, 3)
    assert isinstance(caught.value, catalog_stock.InsufficientStockError)
    assert caught.value.status == 409 and caught.value.code == "insufficient_stock"


def test_the_stock_check_applies_to_the_sum_with_the_line_already_there(cart):
    variant = variant_of(stocked_product(stock=5))
    services.add_item(cart, variant.id, 3, RETAIL)
    with pytest.raises(cart_errors.InsufficientStockError) as caught:
        services.add_item(cart, variant.id, 3, RETAIL)
    assert caught.value.requested == 6
    assert db.session.scalar(select(CartLine.quantity)) == 3


def test_a_made_to_order_variant_has_no_stock_limit(cart):
    product = made_to_order_product()
    line = services.add_item(cart, variant_of(product).id, 50, RETAIL)
    assert line.quantity == 50


@pytest.mark.parametrize("quantity", [0, -1, 1000, 2.5, "2", True, None])
def test_a_quantity_that_is_not_a_whole_number_from_1_to_999_is_refused(cart, quantity):
    variant = variant_of(stocked_product(stock=5))
    with pytest.raises(cart_errors.InvalidQuantityError):
        services.add_item(cart, variant.id, quantity, RETAIL)


def test_a_line_cannot_grow_beyond_999_units(cart):
    product = made_to_order_product()
    services.add_item(cart, variant_of(product).id, 999, RETAIL)
    with pytest.raises(cart_errors.InvalidQuantityError):
        services.add_item(cart, variant_of(product).id, 1, RETAIL)


def test_an_unknown_variant_is_not_found(cart):
    with pytest.raises(cart_errors.VariantNotFoundError) as caught:
        services.add_item(cart, 987654, 1, RETAIL)
    assert caught.value.status == 404


def test_an_archived_variant_is_unavailable(cart):
    product = make_product(make_sentra(KELURAHAN[0]), variants=[{"options": "Ukuran=S"}, {"options": "Ukuran=M"}])
    variant_of(product, 1).archived = True
    db.session.flush()
    with pytest.raises(cart_errors.VariantUnavailableError) as caught:
        services.add_item(cart, variant_of(product, 1).id, 1, RETAIL)
    assert (caught.value.status, caught.value.code) == (422, "unavailable")


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_variant_of_a_product_that_is_not_active_is_unavailable(cart, status):
    product = make_product(make_sentra(KELURAHAN[0]), status=status)
    with pytest.raises(cart_errors.VariantUnavailableError):
        services.add_item(cart, variant_of(product).id, 1, RETAIL)


@pytest.mark.parametrize("status", ["suspended", "pending"])
def test_a_variant_of_a_sentra_that_is_not_active_is_unavailable(cart, status):
    sentra = make_sentra(KELURAHAN[0])
    product = stocked_product(sentra)
    sentra.status = status
    db.session.flush()
    with pytest.raises(cart_errors.VariantUnavailableError):
        services.add_item(cart, variant_of(product).id, 1, RETAIL)


# --- changing lines ------------------------------------------------------------------------------


def test_setting_a_quantity_above_the_stock_is_refused(cart):
    variant = variant_of(stocked_product(stock=4))
    line = services.add_item(cart, variant.id, 1, RETAIL)
    with pytest.raises(cart_errors.InsufficientStockError):
        services.set_quantity(cart, line.id, 5, RETAIL)
    assert services.set_quantity(cart, line.id, 4, RETAIL).quantity == 4


def test_lowering_the_quantity_of_an_unavailable_item_is_allowed(cart):
    sentra = make_sentra(KELURAHAN[0])
    line = services.add_item(cart, variant_of(stocked_product(sentra)).id, 3, RETAIL)
    sentra.status = "suspended"
    db.session.flush()
    assert services.set_quantity(cart, line.id, 1, RETAIL).quantity == 1
    with pytest.raises(cart_errors.VariantUnavailableError):
        services.set_quantity(cart, line.id, 2, RETAIL)


def test_a_line_of_another_cart_is_not_found(cart):
    other = services.cart_for_user(make_user(), create=True)
    line = services.add_item(other, variant_of(stocked_product()).id, 1, RETAIL)
    with pytest.raises(cart_errors.CartLineNotFoundError):
        services.set_quantity(cart, line.id, 2, RETAIL)
    with pytest.raises(cart_errors.CartLineNotFoundError):
        services.remove_line(cart, line.id)
    assert db.session.get(CartLine, line.id).quantity == 1


def test_removing_a_line_takes_it_out(cart):
    line = services.add_item(cart, variant_of(stocked_product()).id, 1, RETAIL)
    services.remove_line(cart, line.id)
    assert cart_summary.summarize(cart, RETAIL).is_empty


def test_clear_lines_removes_only_the_given_variants(cart):
    sentra = make_sentra(KELURAHAN[0])
    first, second = (variant_of(stocked_product(sentra)) for _ in range(2))
    services.add_item(cart, first.id, 1, RETAIL)
    services.add_item(cart, second.id, 1, RETAIL)
    assert services.clear_lines(cart, [first.id, 999_999]) == 1
    assert [line.variant_id for line in cart_summary.summarize(cart, RETAIL).lines] == [second.id]


# --- merging -------------------------------------------------------------------------------------


def test_merging_sums_quantities_per_variant_capped_at_the_stock(buyer, cart):
    sentra = make_sentra(KELURAHAN[0])
    scarce, plenty = variant_of(stocked_product(sentra, stock=5)), variant_of(stocked_product(sentra, stock=50))
    services.add_item(cart, scarce.id, 3, RETAIL)
    services.add_item(cart, plenty.id, 3, RETAIL)
    guest = services.cart_for_token(services.new_guest_token(), create=True)
    services.add_item(guest, scarce.id, 4, RETAIL)
    services.add_item(guest, plenty.id, 4, RETAIL)
    result = services.merge_carts(guest, cart)
    quantities = {line.variant_id: line.quantity for line in cart_summary.summarize(cart, RETAIL).lines}
    assert quantities == {scarce.id: 5, plenty.id: 7}
    assert result.capped_variant_ids == (scarce.id,)
    assert db.session.get(Cart, guest.id) is None


def test_merging_does_not_cap_made_to_order_variants(cart):
    product = made_to_order_product()
    services.add_item(cart, variant_of(product).id, 10, RETAIL)
    guest = services.cart_for_token(services.new_guest_token(), create=True)
    services.add_item(guest, variant_of(product).id, 20, RETAIL)
    services.merge_carts(guest, cart)
    assert cart_summary.summarize(cart, RETAIL).lines[0].quantity == 30


def test_a_guest_cart_becomes_the_account_cart_when_the_buyer_has_none(buyer):
    token = services.new_guest_token()
    guest = services.cart_for_token(token, create=True)
    services.add_item(guest, variant_of(stocked_product()).id, 2, RETAIL)
    result = services.adopt_guest_cart(buyer, token)
    assert result.cart.id == guest.id
    assert (guest.user_id, guest.token) == (buyer.id, None)
    assert services.cart_for_token(token) is None


# --- the summary ---------------------------------------------------------------------------------


def test_the_summary_groups_lines_by_sentra_with_a_subtotal_each(cart):
    jati, bekasi = make_sentra(KELURAHAN[0], name="B Sentra"), make_sentra(KELURAHAN[1], name="A Sentra")
    services.add_item(cart, variant_of(stocked_product(jati, price_idr=10_000)).id, 2, RETAIL)
    services.add_item(cart, variant_of(stocked_product(jati, price_idr=5_000)).id, 1, RETAIL)
    services.add_item(cart, variant_of(stocked_product(bekasi, price_idr=7_000)).id, 3, RETAIL)
    summary = cart_summary.summarize(cart, RETAIL)
    assert [(g.sentra.slug, g.subtotal_idr, len(g.lines)) for g in summary.groups] == [
        (bekasi.slug, 21_000, 1), (jati.slug, 25_000, 2)]
    assert (summary.total_idr, summary.item_count) == (46_000, 6)


def test_a_verified_partner_sees_the_tier_price(buyer, cart):
    make_partner(buyer)
    variant = variant_of(stocked_product(price_idr=10_000, stock=100, tiers="10:8000"))
    services.add_item(cart, variant.id, 12, strategy_for(buyer))
    line = cart_summary.summarize(cart, strategy_for(buyer)).lines[0]
    assert strategy_for(buyer) is PARTNER
    assert (line.unit_price_idr, line.line_total_idr, line.price_changed) == (8_000, 96_000, False)
    assert cart_summary.summarize(cart, RETAIL).lines[0].unit_price_idr == 10_000


def test_reaching_a_tier_by_quantity_is_not_a_price_change(buyer, cart):
    make_partner(buyer)
    variant = variant_of(stocked_product(price_idr=10_000, stock=100, tiers="10:8000"))
    line = services.add_item(cart, variant.id, 2, PARTNER)
    services.set_quantity(cart, line.id, 10, PARTNER)
    assert cart_summary.summarize(cart, PARTNER).lines[0].price_changed is False


def test_a_price_changed_since_adding_is_flagged_until_the_buyer_accepts_it(cart):
    variant = variant_of(stocked_product(price_idr=20_000))
    services.add_item(cart, variant.id, 1, RETAIL)
    variant.price_idr = 25_000
    db.session.flush()
    line = cart_summary.summarize(cart, RETAIL).lines[0]
    assert (line.price_changed, line.seen_unit_price_idr, line.unit_price_idr) == (True, 20_000, 25_000)
    assert services.refresh_seen_prices(cart, RETAIL) == 1
    assert cart_summary.summarize(cart, RETAIL).has_price_changes is False


def test_an_unaccepted_price_change_survives_a_quantity_change(cart):
    variant = variant_of(stocked_product(price_idr=20_000))
    line = services.add_item(cart, variant.id, 1, RETAIL)
    variant.price_idr = 25_000
    db.session.flush()
    services.set_quantity(cart, line.id, 2, RETAIL)
    assert cart_summary.summarize(cart, RETAIL).lines[0].price_changed is True


def test_a_line_short_of_stock_is_flagged(cart):
    variant = variant_of(stocked_product(stock=5))
    services.add_item(cart, variant.id, 4, RETAIL)
    catalog_stock.reserve(variant.id, 3)
    line = cart_summary.summarize(cart, RETAIL).lines[0]
    assert (line.stock_short, line.available_stock, line.is_purchasable) == (True, 2, False)


def test_an_unavailable_line_is_flagged_and_left_out_of_the_total(cart):
    sentra = make_sentra(KELURAHAN[0])
    kept = variant_of(stocked_product(sentra, price_idr=1_000))
    gone = variant_of(stocked_product(sentra, price_idr=9_000))
    services.add_item(cart, kept.id, 1, RETAIL)
    services.add_item(cart, gone.id, 1, RETAIL)
    gone.archived = True
    db.session.flush()
    summary = cart_summary.summarize(cart, RETAIL)
    assert [line.unavailable for line in summary.lines] == [False, True]
    assert summary.total_idr == 1_000 and summary.has_problems


def test_an_empty_or_missing_cart_summarizes_as_empty():
    assert cart_summary.summarize(None, RETAIL).is_empty
    assert cart_summary.summarize(None, RETAIL).total_idr == 0
