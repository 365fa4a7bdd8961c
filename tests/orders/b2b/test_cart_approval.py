"""A partner member's purchase through the normal cart and checkout: tier prices, the partner's
checkout and invoices, and the approval gate above the partner's threshold."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from orders.b2b import approvals
from orders.b2b.cart_approval import ApprovalRequiredError, cart_fingerprint, request_cart_approval
from orders.b2b.errors import ApprovalNotAllowedError
from orders.b2b.invoices import due_on_for
from orders.b2b.models import ApprovalStatus, Invoice, PurchaseApproval
from orders.cart.models import CartLine
from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.models import Checkout, Order
from shop.extensions import db
from shop.outbox.models import OutboxJob
from tests.factories import (
    BEKASI_ADDRESS,
    fill_cart,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
)
from tests.orders.b2b.b2b_helpers import membership, partner_team
from tests.orders.cart_helpers import bearer_for
from tests.orders.orders_helpers import drain_all

TIERS = "10:12000;50:10000"


def _wholesale(sentra=None, *, price_idr=15_000, stock=200, minimum=10):
    sentra = sentra or make_sentra()
    return make_product(sentra, variants=[{"price_idr": price_idr, "stock": stock, "tiers": TIERS,
                                           "min_wholesale_qty": minimum}]).variants[0]


def _request(variants, key="k1", method="bank_transfer", delivery="pickup"):
    slugs = {v.product.sentra.slug for v in variants}
    return CheckoutRequest(idempotency_key=key, payment_method=method, address=AddressInput(**BEKASI_ADDRESS),
                           deliveries={slug: delivery for slug in slugs})


def _unit_price(checkout) -> int:
    return checkout.orders[0].lines[0].unit_price_idr


# --- prices ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "unit_price"), [(9, 15_000), (10, 12_000), (49, 12_000), (50, 10_000)])
def test_a_partner_pays_the_tier_price_from_its_minimum_and_retail_below_it(app, quantity, unit_price):
    _partner, _owner, staff = partner_team(threshold=None)
    variant = _wholesale()
    checkout = make_checkout(staff, [(variant, quantity)], method="bank_transfer")
    assert _unit_price(checkout) == unit_price
    assert checkout.total_idr == quantity * unit_price


def test_a_resident_pays_retail_whatever_the_quantity(app):
    variant = _wholesale()
    checkout = make_checkout(make_user(), [(variant, 50)], method="bank_transfer")
    assert _unit_price(checkout) == 15_000


# --- the partner's checkout and its invoices ------------------------------------------------------------


def test_a_partner_members_checkout_is_the_partners_with_an_invoice_per_order(app):
    partner, _owner, staff = partner_team(threshold=None)
    va = _wholesale(make_sentra("32.75.08.1001"))
    vb = _wholesale(make_sentra("32.75.01.1001"))
    checkout = make_checkout(staff, [(va, 10), (vb, 20)], method="bank_transfer")
    assert checkout.partner_id == partner.id and len(checkout.orders) == 2
    for order in checkout.orders:
        assert order.partner_id == partner.id and order.tax_idr == 0
        invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
        assert invoice.partner_id == partner.id and invoice.sentra_id == order.sentra_id
        assert invoice.total_idr == order.total_idr and invoice.tax_idr == 0 and invoice.terms_days is None
        assert invoice.due_on == due_on_for(None, checkout.expires_at)
        assert invoice.number.endswith("/0001")


def test_invoices_of_successive_partner_checkouts_are_numbered_consecutively(app):
    _partner, owner, staff = partner_team(threshold=None)
    variant = _wholesale()
    numbers = [db.session.scalar(select(Invoice.number).where(Invoice.order_id == checkout.orders[0].id))
               for checkout in (make_checkout(staff, [(variant, 10)], method="bank_transfer"),
                                make_checkout(owner, [(variant, 10)], method="pay_on_pickup"),
                                make_checkout(staff, [(variant, 12)], method="bank_transfer"))]
    slug = variant.product.sentra.slug.upper()
    assert [n.rsplit("/", 1)[1] for n in numbers] == ["0001", "0002", "0003"]
    assert all(n.startswith(f"INV/{slug}/") for n in numbers)


def test_a_residents_checkout_has_no_partner_and_no_invoice(app):
    variant = _wholesale()
    checkout = make_checkout(make_user(), [(variant, 10)], method="bank_transfer")
    assert checkout.partner_id is None and checkout.orders[0].partner_id is None
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0


# --- the approval gate ------------------------------------------------------------------------------------


def _over_threshold():
    """A partner with a Rp100.000 threshold and its staff's cart of Rp120.000 (10 x Rp12.000)."""
    partner, owner, staff = partner_team(threshold=100_000)
    variant = _wholesale()
    fill_cart(staff, [(variant, 10)])
    db.session.commit()
    return partner, owner, staff, variant


def _ask(partner, staff, amount=120_000, pairs=None, variant=None):
    approval = request_cart_approval(membership(partner, staff), staff, pairs or [(variant.id, 10)], amount,
                                     "bank_transfer")
    db.session.commit()
    return approval


def test_above_the_threshold_the_checkout_is_refused_and_nothing_is_written(app):
    _partner, _owner, staff, variant = _over_threshold()
    with pytest.raises(ApprovalRequiredError) as refused:
        place_checkout(staff, _request([variant]), current_app.config)
    assert refused.value.code == "approval_required" and refused.value.status == 422
    assert refused.value.fields == {"total_idr": "120000", "threshold_idr": "100000"}
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 0
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 1
    db.session.refresh(variant)
    assert variant.stock == 200


def test_at_the_threshold_no_approval_is_needed(app):
    partner, _owner, staff = partner_team(threshold=120_000)
    variant = _wholesale()
    checkout = make_checkout(staff, [(variant, 10)], method="bank_transfer")
    assert checkout.total_idr == 120_000 and checkout.partner_id == partner.id


def test_asking_approval_from_the_checkout_page_makes_a_pending_cart_approval(app, client, auth):
    partner, _owner, staff, variant = _over_threshold()
    auth.login(staff.email)
    form = {"address": "new", "location": "bekasi", f"delivery-{variant.product.sentra.slug}": "pickup",
            "payment_method": "bank_transfer", "idempotency_key": "form-1", **BEKASI_ADDRESS}
    refused = client.post("/checkout", data={**form, "action": "place"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'formaction="/mitra/keranjang/minta-persetujuan"' in body
    asked = client.post("/mitra/keranjang/minta-persetujuan", data=form)
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/checkout?")
    approval = db.session.scalar(select(PurchaseApproval))
    assert (approval.kind, approval.status, approval.partner_id) == ("cart", ApprovalStatus.PENDING, partner.id)
    assert approval.requested_by_id == staff.id and approval.amount_idr == 120_000
    assert approval.payment_method == "bank_transfer"
    assert approval.fingerprint == cart_fingerprint([(variant.id, 10)])
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == "b2b.approval_requested"))
    assert job.payload == {"approval_id": approval.id}
    again = client.get(asked.headers["Location"])
    assert again.status_code == 200 and "minta-persetujuan" not in again.get_data(as_text=True)
    client.post("/mitra/keranjang/minta-persetujuan", data=form)  # asking twice keeps one request
    assert db.session.scalar(select(func.count()).select_from(PurchaseApproval)) == 1


def test_after_a_manager_approves_the_checkout_passes_and_uses_the_approval(app):
    partner, owner, staff, variant = _over_threshold()
    approval = _ask(partner, staff, variant=variant)
    with pytest.raises(ApprovalNotAllowedError):  # not by the person who prepared it
        approvals.approve(membership(partner, staff), approval.id, current_app.config)
    db.session.rollback()
    approvals.approve(membership(partner, owner), approval.id, current_app.config)
    db.session.commit()
    assert approval.status == ApprovalStatus.APPROVED
    checkout = place_checkout(staff, _request([variant]), current_app.config).checkout
    db.session.refresh(approval)
    assert approval.status == ApprovalStatus.USED and approval.checkout_id == checkout.id
    assert checkout.partner_id == partner.id and checkout.total_idr == 120_000
    fill_cart(staff, [(variant, 10)])  # the same cart again: the approval was used up
    db.session.commit()
    with pytest.raises(ApprovalRequiredError):
        place_checkout(staff, _request([variant], key="k2"), current_app.config)


def test_a_cart_changed_after_approval_is_refused_again(app):
    partner, owner, staff, variant = _over_threshold()
    approval = _ask(partner, staff, variant=variant)
    approvals.approve(membership(partner, owner), approval.id, current_app.config)
    line = db.session.scalar(select(CartLine))
    line.quantity = 11
    db.session.commit()
    with pytest.raises(ApprovalRequiredError):
        place_checkout(staff, _request([variant]), current_app.config)
    db.session.refresh(approval)
    assert approval.status == ApprovalStatus.APPROVED
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_an_approval_for_a_smaller_amount_does_not_cover_a_dearer_checkout(app):
    partner, owner, staff, variant = _over_threshold()
    approval = _ask(partner, staff, amount=110_000, variant=variant)
    approvals.approve(membership(partner, owner), approval.id, current_app.config)
    db.session.commit()
    with pytest.raises(ApprovalRequiredError):
        place_checkout(staff, _request([variant]), current_app.config)


def test_another_members_approval_does_not_open_the_gate(app):
    partner, owner, staff, variant = _over_threshold()
    fill_cart(owner, [(variant, 10)])
    approval = _ask(partner, owner, variant=variant)  # the owner asked; the staff member approves nothing
    assert approval.requested_by_id == owner.id
    with pytest.raises(ApprovalNotAllowedError):
        approvals.approve(membership(partner, owner), approval.id, current_app.config)
    with pytest.raises(ApprovalRequiredError):
        place_checkout(staff, _request([variant]), current_app.config)


def test_the_api_answers_422_approval_required(app, client):
    _partner, _owner, staff, variant = _over_threshold()
    response = client.post("/api/v1/checkout", headers={**bearer_for(staff), "Idempotency-Key": "api-1"}, json={
        "payment_method": "bank_transfer", "address": BEKASI_ADDRESS,
        "deliveries": {variant.product.sentra.slug: {"method": "pickup"}}})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "approval_required" and error["fields"]["threshold_idr"] == "100000"
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 0


def test_within_the_threshold_asking_for_approval_is_not_needed(app, client, auth):
    _partner, _owner, staff = partner_team(threshold=1_000_000)
    variant = _wholesale()
    fill_cart(staff, [(variant, 10)])
    db.session.commit()
    auth.login(staff.email)
    response = client.post("/mitra/keranjang/minta-persetujuan", data={
        "address": "new", "location": "bekasi", f"delivery-{variant.product.sentra.slug}": "pickup",
        "payment_method": "bank_transfer", **BEKASI_ADDRESS})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PurchaseApproval)) == 0


def test_only_a_partner_member_may_ask_for_approval(app, client, auth):
    buyer = make_user()
    variant = _wholesale()
    fill_cart(buyer, [(variant, 10)])
    db.session.commit()
    auth.login(buyer.email)
    response = client.post("/mitra/keranjang/minta-persetujuan", data={"payment_method": "bank_transfer"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(PurchaseApproval)) == 0


def test_the_managers_other_than_the_buyer_are_emailed_about_a_cart_approval(app, mail_outbox):
    partner, owner, staff, variant = _over_threshold()
    _ask(partner, staff, variant=variant)
    drain_all()
    assert [message["To"] for message in mail_outbox] == [owner.email]
    assert "Rp120" in mail_outbox[0].get_content()
