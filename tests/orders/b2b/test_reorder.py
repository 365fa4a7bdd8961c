"""Reorder: repeat an earlier order into the cart, or an earlier quote as a new request, with differences."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from catalog import stock
from catalog.products.models import PriceTier
from orders.b2b import acceptance
from orders.b2b.invoices import today_wib
from orders.b2b.models import Rfq, RfqStatus
from orders.cart.models import CartLine
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import make_checkout, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq

CONFIG = {"PPN_RATE_PERCENT": 11, "BANK_TRANSFER_EXPIRY_HOURS": 24}


def _earlier_order(staff):
    """One partner order of three wholesale lines (Rp12.000 each at 10+), made through checkout."""
    sentra = make_sentra()
    variants = [make_product(sentra, title=title, variants=[{"price_idr": 15_000, "stock": 50, "tiers": "10:12000",
                                                             "min_wholesale_qty": 10}]).variants[0]
                for title in ("Keripik Tempe", "Keripik Pisang", "Rempeyek")]
    checkout = make_checkout(staff, [(v, 10) for v in variants], method="bank_transfer")
    return checkout.orders[0], variants


def _cart(user) -> dict[int, int]:
    return dict(db.session.execute(select(CartLine.variant_id, CartLine.quantity)).tuples().all())


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def test_reordering_puts_the_lines_in_the_cart_at_todays_prices_and_stock(app, client, auth):
    _partner, _owner, staff = partner_team(threshold=None)
    order, (dearer, scarcer, gone) = _earlier_order(staff)
    db.session.get(PriceTier, dearer.tiers[0].id).unit_price_idr = 13_000
    stock.set_stock(scarcer.id, 4)
    gone.product.status = "archived"
    db.session.commit()
    auth.login(staff.email)
    client.post("/bahasa", data={"lang": "en"})
    response = client.post(f"/mitra/pesanan/{order.number}/pesan-lagi")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart")
    assert _cart(staff) == {dearer.id: 10, scarcer.id: 4}
    said = " | ".join(_flashes(client))
    assert "Keripik Tempe: the unit price is now Rp13,000 (it was Rp12,000)." in said
    assert "Keripik Pisang: only 4 of 10 could be added" in said
    assert "Rempeyek is no longer for sale" in said


def test_reordering_counts_what_the_cart_already_holds_against_the_stock(app, client, auth):
    _partner, _owner, staff = partner_team(threshold=None)
    order, (first, second, third) = _earlier_order(staff)  # 40 of each left
    auth.login(staff.email)
    client.post(f"/mitra/pesanan/{order.number}/pesan-lagi")
    stock.set_stock(first.id, 15)
    db.session.commit()
    client.post(f"/mitra/pesanan/{order.number}/pesan-lagi")
    assert _cart(staff) == {first.id: 15, second.id: 20, third.id: 20}


def test_a_custom_quote_line_is_skipped_with_a_request_for_a_new_quote(app, client, auth):
    partner, _owner, staff = partner_team(threshold=None)
    sentra = make_sentra()
    listed = make_product(sentra, title="Kaos Polos", variants=[{"price_idr": 40_000, "stock": 100}]).variants[0]
    rfq = send_rfq(partner, staff, sentra, lines=[{"description": "Tas totebag sablon logo", "quantity": 300},
                                                  {"description": "Kaos", "quantity": 20, "product_id": listed.product_id}])
    quote = send_quote(sentra, sentra.memberships[0].user, rfq, lines=[
        {"description": "Tas totebag sablon logo", "quantity": 300, "unit_price_idr": 25_000, "lead_time_days": 10},
        {"description": "Kaos Polos", "quantity": 20, "unit_price_idr": 38_000, "product_id": listed.product_id}])
    order = acceptance.accept_quote(membership(partner, staff), staff, quote.id, None, CONFIG).order
    db.session.commit()
    auth.login(staff.email)
    client.post("/bahasa", data={"lang": "en"})
    client.post(f"/mitra/pesanan/{order.number}/pesan-lagi")
    assert _cart(staff) == {listed.id: 20}
    said = " | ".join(_flashes(client))
    assert "Tas totebag sablon logo was custom work: request a new quote for it." in said
    assert "Kaos Polos: the unit price is now Rp40,000 (it was Rp38,000)." in said


def test_another_partners_order_is_not_found(app, client, auth):
    _partner, _owner, staff = partner_team(threshold=None)
    order, _variants = _earlier_order(staff)
    _other, outsider, _ = partner_team(threshold=None, name="CV Lain")
    db.session.commit()
    auth.login(outsider.email)
    assert client.post(f"/mitra/pesanan/{order.number}/pesan-lagi").status_code == 404
    assert client.post("/mitra/pesanan/PS-0000-NONE/pesan-lagi").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_a_buyer_without_a_partner_cannot_reorder(app, client, auth):
    _partner, _owner, staff = partner_team(threshold=None)
    order, _variants = _earlier_order(staff)
    buyer = make_user()
    db.session.commit()
    auth.login(buyer.email)
    assert client.post(f"/mitra/pesanan/{order.number}/pesan-lagi").status_code == 403


# --- repeating a quote --------------------------------------------------------------------------------


def _quoted(partner, staff, *, needed_in=14):
    sentra = make_sentra()
    listed = make_product(sentra, title="Kaos Polos", variants=[
        {"price_idr": 40_000, "stock": 100, "tiers": "20:35000", "min_wholesale_qty": 20}])
    rfq = send_rfq(partner, staff, sentra, needed_by=today_wib() + timedelta(days=needed_in), lines=[
        {"description": "Tas totebag sablon logo", "quantity": 300},
        {"description": "Kaos Polos", "quantity": 20, "product_id": listed.id}])
    quote = send_quote(sentra, sentra.memberships[0].user, rfq, lines=[
        {"description": "Tas totebag sablon logo", "quantity": 300, "unit_price_idr": 25_000, "lead_time_days": 10},
        {"description": "Kaos Polos", "quantity": 20, "unit_price_idr": 33_000, "product_id": listed.id}])
    db.session.commit()
    return sentra, listed, rfq, quote


def test_repeating_a_quote_sends_the_sentra_a_new_request_with_its_lines(app, client, auth):
    partner, _owner, staff = partner_team(threshold=None)
    sentra, listed, rfq, quote = _quoted(partner, staff)
    auth.login(staff.email)
    client.post("/bahasa", data={"lang": "en"})
    response = client.post(f"/mitra/penawaran/{quote.id}/minta-lagi")
    new = db.session.scalar(select(Rfq).where(Rfq.id != rfq.id))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/mitra/permintaan/{new.id}")
    assert (new.partner_id, new.sentra_id, new.status) == (partner.id, sentra.id, RfqStatus.OPEN)
    assert [(line.description, line.quantity, line.product_id) for line in new.lines] == [
        ("Tas totebag sablon logo", 300, None), ("Kaos Polos", 20, listed.id)]
    assert (new.recipient, new.street, new.kelurahan_code) == (rfq.recipient, rfq.street, rfq.kelurahan_code)
    assert new.notes == f"Repeat of quote #{quote.id}"
    assert new.needed_by == today_wib() + timedelta(days=14)
    assert rfq.status == RfqStatus.QUOTED  # the earlier request is left as it was
    said = " | ".join(_flashes(client))
    assert "Kaos Polos: the unit price is now Rp35,000 (it was Rp33,000)." in said
    assert "Tas totebag" not in said
    assert db.session.scalar(select(func.count()).select_from(OutboxJob).where(
        OutboxJob.kind == "b2b.rfq_created", OutboxJob.payload["rfq_id"].as_integer() == new.id)) == 1


def test_a_repeated_request_is_needed_a_week_out_at_the_soonest(app, client, auth):
    partner, _owner, staff = partner_team(threshold=None)
    _sentra, _listed, rfq, quote = _quoted(partner, staff, needed_in=2)
    auth.login(staff.email)
    client.post(f"/mitra/penawaran/{quote.id}/minta-lagi")
    new = db.session.scalar(select(Rfq).where(Rfq.id != rfq.id))
    assert new.needed_by == today_wib() + timedelta(days=7)


def test_a_product_gone_from_the_catalogue_is_asked_for_in_words(app, client, auth):
    partner, _owner, staff = partner_team(threshold=None)
    _sentra, listed, rfq, quote = _quoted(partner, staff)
    listed.status = "archived"
    db.session.commit()
    auth.login(staff.email)
    client.post("/bahasa", data={"lang": "en"})
    client.post(f"/mitra/penawaran/{quote.id}/minta-lagi")
    new = db.session.scalar(select(Rfq).where(Rfq.id != rfq.id))
    assert [(line.description, line.product_id) for line in new.lines] == [
        ("Tas totebag sablon logo", None), ("Kaos Polos", None)]
    assert "Kaos Polos is no longer in the catalogue" in " | ".join(_flashes(client))


def test_another_partners_quote_is_not_found(app, client, auth):
    partner, _owner, staff = partner_team(threshold=None)
    _sentra, _listed, _rfq, quote = _quoted(partner, staff)
    _other, outsider, _ = partner_team(threshold=None, name="CV Lain")
    db.session.commit()
    auth.login(outsider.email)
    assert client.post(f"/mitra/penawaran/{quote.id}/minta-lagi").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Rfq)) == 1
