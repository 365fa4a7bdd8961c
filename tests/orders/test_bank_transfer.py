"""Bank transfer: a unique amount per waiting transfer, the instructions, and the office's refund."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from orders.cart.services import cart_for_user
from orders.checkout.errors import CheckoutError
from orders.core import lifecycle
from orders.core.models import Checkout
from orders.core.payments import Payment, Refund
from orders.core.providers import get_provider
from orders.payments import bank_transfer
from orders.payments.services import mark_paid
from shop.db import utcnow
from shop.extensions import db
from tests.factories import make_checkout, make_product, make_sentra, make_user


def _variant(price_idr: int = 50_000, stock: int = 20, sentra=None):
    sentra = sentra or make_sentra()
    product = make_product(sentra, variants=[{"price_idr": price_idr, "stock": stock}])
    db.session.commit()
    return product.variants[0]


def _transfer(buyer, variant, quantity: int = 1, **kwargs):
    return make_checkout(buyer, [(variant, quantity)], method="bank_transfer", **kwargs)


def test_transfer_amount_is_the_checkout_total_plus_its_unique_code(app):
    checkout = _transfer(make_user(), _variant(50_000), 2)
    payment = checkout.payment
    assert checkout.total_idr == 100_000
    assert 1 <= payment.unique_code <= 999
    assert payment.amount_idr == 100_000 + payment.unique_code
    assert payment.state == "pending"
    assert all(order.status == "pending_payment" and order.payment_status == "unpaid" for order in checkout.orders)


def test_waiting_transfers_of_the_same_total_get_different_amounts(app):
    variant = _variant(50_000)
    checkouts = [_transfer(make_user(f"buyer{i}@example.test"), variant) for i in range(6)]
    amounts = {c.payment.amount_idr for c in checkouts}
    assert {c.total_idr for c in checkouts} == {50_000}
    assert len(amounts) == 6


def test_code_of_a_waiting_transfer_is_never_drawn_again(app, monkeypatch):
    variant = _variant(50_000)
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: free[0])  # always the lowest free code
    first = _transfer(make_user("a@example.test"), variant)
    second = _transfer(make_user("b@example.test"), variant)
    assert (first.payment.unique_code, second.payment.unique_code) == (1, 2)


def test_code_of_a_confirmed_transfer_is_free_again(app, monkeypatch):
    variant = _variant(50_000)
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: free[0])
    first = _transfer(make_user("a@example.test"), variant)
    mark_paid(first.payment, None, "confirmed", app.config)
    db.session.commit()
    second = _transfer(make_user("b@example.test"), variant)
    assert second.payment.unique_code == first.payment.unique_code == 1


def test_total_equal_to_another_transfers_amount_still_checks_out(app, monkeypatch):
    sentra = make_sentra()
    cheap, dear = _variant(50_000, sentra=sentra), _variant(50_999, sentra=sentra)
    monkeypatch.setattr(bank_transfer, "draw_code", lambda free: free[-1])  # code 999
    first = _transfer(make_user("a@example.test"), cheap)
    assert first.payment.amount_idr == 50_999
    second = _transfer(make_user("b@example.test"), dear)  # its bare total is first's amount
    assert second.payment.amount_idr == 50_999 + 999


def test_instructions_name_account_amount_code_deadline_and_reference(app):
    checkout = _transfer(make_user(), _variant(75_000))
    payment = checkout.payment
    info = get_provider("bank_transfer").instructions(payment, app.config)
    assert set(info) == {"bank", "account_number", "account_holder", "amount_idr", "unique_code", "expires_at",
                         "reference"}
    assert info["bank"] == app.config["BANK_TRANSFER_BANK"]
    assert info["account_number"] == app.config["BANK_TRANSFER_ACCOUNT"]
    assert info["account_holder"] == app.config["BANK_TRANSFER_HOLDER"]
    assert (info["amount_idr"], info["unique_code"]) == (payment.amount_idr, payment.unique_code)
    assert info["reference"] == checkout.orders[0].number
    expires = datetime.fromisoformat(info["expires_at"])
    assert expires.utcoffset() is not None and expires == checkout.expires_at


def test_demo_account_is_clearly_fake(app):
    assert "DEMO" in app.config["BANK_TRANSFER_ACCOUNT"].upper()


def test_transfer_checkout_expires_after_the_configured_hours(app):
    before = utcnow()
    checkout = _transfer(make_user(), _variant(), config={"BANK_TRANSFER_EXPIRY_HOURS": 6})
    assert before + timedelta(hours=6) <= checkout.expires_at <= utcnow() + timedelta(hours=6)


def test_transfer_checkout_expires_after_24_hours_by_default(app):
    checkout = _transfer(make_user(), _variant())
    assert timedelta(hours=23, minutes=59) < checkout.expires_at - checkout.created_at <= timedelta(hours=24)


def test_refund_of_a_paid_transfer_waits_for_the_office_and_changes_nothing_yet(app):
    buyer, admin = make_user(), make_user("kantor@example.test", admin=True)
    checkout = _transfer(buyer, _variant(60_000))
    mark_paid(checkout.payment, admin, "confirmed", app.config)
    db.session.commit()
    order = checkout.orders[0]
    refund = lifecycle.refund(order, admin, "sentra cannot make it", app.config)
    db.session.commit()
    assert isinstance(refund, Refund)
    assert (refund.state, refund.amount_idr, refund.order_id, refund.created_by_id) == ("pending", 60_000, order.id,
                                                                                       admin.id)
    assert refund.reason == "sentra cannot make it"
    db.session.refresh(order)
    assert (order.payment_status, order.refunded_idr) == ("paid", 0)
    assert db.session.get(Payment, checkout.payment.id).state == "succeeded"


def test_amount_taken_between_the_draw_and_the_insert_is_drawn_again(app, monkeypatch):
    """A parallel transfer that takes the drawn amount first (here: just before the INSERT) makes
    the INSERT skip it; the code is drawn again and the rest of the checkout stands."""
    variant = _variant(50_000)
    other = _transfer(make_user("a@example.test"), variant)
    other_amount = other.payment.amount_idr
    draws: list[int] = []

    def draw_then_lose_the_race(free: list[int]) -> int:
        code = free[0]
        if not draws:  # the first draw: a parallel transfer takes that very amount first
            db.session.execute(Payment.__table__.update().where(Payment.id == other.payment.id)
                               .values(amount_idr=50_000 + code, unique_code=code))
        draws.append(code)
        return code

    monkeypatch.setattr(bank_transfer, "draw_code", draw_then_lose_the_race)
    checkout = _transfer(make_user("b@example.test"), variant)
    assert len(draws) == 2 and draws[0] != draws[1]
    assert checkout.payment.amount_idr == 50_000 + draws[1]
    assert db.session.get(Payment, other.payment.id).amount_idr == 50_000 + draws[0] != other_amount
    assert len(checkout.orders) == 1 and checkout.orders[0].lines[0].quantity == 1


def test_a_checkout_whose_every_draw_is_taken_first_places_nothing(app, monkeypatch):
    """Every draw loses its race (the last one at a plain INSERT): the checkout is refused and
    nothing of it stays, neither orders nor a payment nor the stock taken; the cart is kept."""
    variant = _variant(50_000, stock=5)
    other = _transfer(make_user("a@example.test"), variant)
    buyer = make_user("b@example.test")

    def always_lose_the_race(free: list[int]) -> int:
        db.session.execute(Payment.__table__.update().where(Payment.id == other.payment.id)
                           .values(amount_idr=50_000 + free[0], unique_code=free[0]))
        return free[0]

    monkeypatch.setattr(bank_transfer, "draw_code", always_lose_the_race)
    with pytest.raises(CheckoutError):
        _transfer(buyer, variant)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Checkout).where(Checkout.buyer_id == buyer.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.get(type(variant), variant.id).stock == 4
    assert [line.variant_id for line in cart_for_user(buyer).lines] == [variant.id]
