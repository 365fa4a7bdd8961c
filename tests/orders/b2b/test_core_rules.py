"""The rules of requests, quotes, approvals and quote orders, at the service level."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orders.b2b import acceptance, approvals
from orders.b2b import quotes as quote_services
from orders.b2b import rfqs as rfq_services
from orders.b2b.errors import (
    ApprovalNotAllowedError,
    ApprovalStateError,
    B2bStockError,
    B2bValidationError,
    QuoteUnavailableError,
    RfqClosedError,
)
from orders.b2b.invoices import ppn_rate, today_wib
from orders.b2b.models import (
    ApprovalStatus,
    Invoice,
    InvoiceStatus,
    Quote,
    QuoteStatus,
    Rfq,
    RfqStatus,
)
from orders.core.models import Order, OrderStatus, PaymentStatus
from orders.payments.services import mark_paid
from orders.services import cancel_by_buyer
from shop.db import WIB
from shop.extensions import db
from tests.factories import make_product, make_sentra, png_bytes
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq

CONFIG = {"PPN_RATE_PERCENT": 11, "BANK_TRANSFER_EXPIRY_HOURS": 24}


@pytest.fixture
def setup(app):
    partner, owner, staff = partner_team(threshold=10_000_000)
    sentra = make_sentra()
    return partner, owner, staff, sentra, sentra.memberships[0].user


def _accept(partner, user, quote, payment=None):
    return acceptance.accept_quote(membership(partner, user), user, quote.id, payment, CONFIG)


# --- requests -------------------------------------------------------------------------------------------


def test_a_needed_by_date_in_the_past_is_refused(setup):
    partner, _owner, staff, sentra, _ = setup
    with pytest.raises(B2bValidationError) as error:
        send_rfq(partner, staff, sentra, needed_by=today_wib() - timedelta(days=1))
    assert error.value.fields == {"needed_by": "in_the_past"}
    assert db.session.scalar(select(db.func.count()).select_from(Rfq)) == 0


def test_request_lines_are_checked_against_the_sentra_and_the_wholesale_minimum(setup):
    partner, _owner, staff, sentra, _ = setup
    other = make_sentra("32.75.01.1001")
    theirs = make_product(other)
    mine = make_product(sentra, variants=[{"min_wholesale_qty": 50, "tiers": "50:20000"}])
    with pytest.raises(B2bValidationError) as error:
        send_rfq(partner, staff, sentra, lines=[{"description": "", "quantity": 10, "product_id": theirs.id},
                                                {"description": "Keripik", "quantity": 0},
                                                {"description": "", "quantity": 10, "product_id": mine.id}])
    assert error.value.fields["lines.0.product_id"] == "unknown"
    assert "lines.1.quantity" in error.value.fields
    assert error.value.fields["lines.2.quantity"].startswith("at least 50")
    rfq = send_rfq(partner, staff, sentra, lines=[{"description": "", "quantity": 50, "product_id": mine.id}])
    assert rfq.lines[0].description == mine.title


def test_at_most_three_reference_images_and_they_are_kept_private(setup):
    partner, _owner, staff, sentra, _ = setup
    with pytest.raises(B2bValidationError) as error:
        send_rfq(partner, staff, sentra, images=[png_bytes()] * 4)
    assert error.value.fields == {"images": "too_many"}
    with pytest.raises(B2bValidationError):
        send_rfq(partner, staff, sentra, images=[b"not an image"])
    rfq = send_rfq(partner, staff, sentra, images=[png_bytes()] * 3)
    assert [image.key.startswith("private/rfq/") for image in rfq.images] == [True] * 3


def test_a_request_to_an_inactive_sentra_is_refused(setup):
    partner, _owner, staff, _sentra, _ = setup
    pending = make_sentra("32.75.01.1001", status="pending")
    with pytest.raises(B2bValidationError) as error:
        send_rfq(partner, staff, pending)
    assert error.value.fields == {"sentra": "unknown"}


# --- quotes ---------------------------------------------------------------------------------------------


def test_a_revision_supersedes_the_open_quote_and_its_pending_approval(setup):
    partner, _owner, staff, sentra, member = setup
    rfq = send_rfq(partner, staff, sentra)
    first = send_quote(sentra, member, rfq)  # 300 x 25.000 + 25.000 = 7.525.000
    first_total = first.total_idr
    partner.approval_threshold_idr = 1_000_000
    pending = _accept(partner, staff, first).approval
    second = send_quote(sentra, member, rfq, lines=[{"description": "Tas", "quantity": 300,
                                                     "unit_price_idr": 24_000}])
    assert (first.status, second.status, second.revision) == (QuoteStatus.SUPERSEDED, QuoteStatus.OPEN, 2)
    assert pending.status == ApprovalStatus.CANCELLED and second.total_idr < first_total
    with pytest.raises(QuoteUnavailableError) as error:
        _accept(partner, staff, first)
    assert (error.value.code, error.value.status) == ("quote_superseded", 409)


def test_a_quote_needs_a_future_validity_and_an_open_request(setup):
    partner, _owner, staff, sentra, member = setup
    rfq = send_rfq(partner, staff, sentra)
    with pytest.raises(B2bValidationError) as error:
        send_quote(sentra, member, rfq, valid_until=today_wib() - timedelta(days=1))
    assert error.value.fields["valid_until"] == "in_the_past"
    rfq_services.cancel_rfq(membership(partner, staff), staff, rfq.id)
    with pytest.raises(RfqClosedError):
        send_quote(sentra, member, rfq)


def test_another_sentras_product_cannot_be_quoted(setup):
    partner, _owner, staff, sentra, member = setup
    theirs = make_product(make_sentra("32.75.01.1001"))
    rfq = send_rfq(partner, staff, sentra)
    with pytest.raises(B2bValidationError) as error:
        send_quote(sentra, member, rfq, lines=[{"description": "x", "quantity": 1, "unit_price_idr": 1000,
                                                "product_id": theirs.id}])
    assert error.value.fields == {"lines.0.product_id": "unknown"}


def test_only_a_pkp_sentra_adds_ppn(setup):
    partner, _owner, staff, sentra, member = setup
    lines = [{"description": "Tas", "quantity": 10, "unit_price_idr": 10_000}]
    plain = send_quote(sentra, member, send_rfq(partner, staff, sentra), lines=lines, fee=0)
    assert (plain.tax_idr, plain.total_idr) == (0, 100_000)
    sentra.is_pkp = True
    taxed = send_quote(sentra, member, send_rfq(partner, staff, sentra), lines=lines, fee=10_000)
    assert (taxed.tax_rate_percent, taxed.tax_idr, taxed.total_idr) == (11, 12_100, 122_100)
    order = _accept(partner, staff, taxed).order
    assert (order.tax_idr, order.total_idr) == (12_100, 122_100)


# --- accepting ------------------------------------------------------------------------------------------


def test_an_expired_quote_cannot_be_accepted(setup):
    partner, _owner, staff, sentra, member = setup
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    quote.valid_until = today_wib() - timedelta(days=1)
    with pytest.raises(QuoteUnavailableError) as error:
        _accept(partner, staff, quote)
    assert error.value.code == "quote_expired"
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0


def test_the_order_keeps_the_quoted_prices_reserves_stock_and_schedules_made_to_order_lines(setup):
    partner, _owner, staff, sentra, member = setup
    stocked = make_product(sentra, variants=[{"price_idr": 30_000, "stock": 40}])
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, member, rfq, lines=[
        {"description": "", "quantity": 20, "unit_price_idr": 21_000, "product_id": stocked.id},
        {"description": "Totebag sablon logo", "quantity": 100, "unit_price_idr": 15_000, "lead_time_days": 12},
    ])
    order = _accept(partner, staff, quote).order
    assert [(line.unit_price_idr, line.made_to_order) for line in order.lines] == [(21_000, False), (15_000, True)]
    assert stocked.variants[0].stock == 20
    placed_day = order.created_at.astimezone(WIB).date()
    # handling day 1 + the longest lead time 12 + the sentra courier's day 1
    assert order.promised_at.astimezone(WIB).date() == placed_day + timedelta(days=14)


def test_a_short_stocked_line_is_refused_and_the_caller_rolls_back(setup):
    partner, _owner, staff, sentra, member = setup
    stocked = make_product(sentra, variants=[{"stock": 5}])
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra), lines=[
        {"description": "", "quantity": 6, "unit_price_idr": 1_000, "product_id": stocked.id}])
    db.session.commit()
    with pytest.raises(B2bStockError):
        _accept(partner, staff, quote)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0
    assert db.session.get(Quote, quote.id).status == QuoteStatus.OPEN


def test_terms_orders_are_placed_unpaid_with_an_invoice_due_in_the_terms(setup):
    partner, _owner, staff, sentra, member = setup
    partner.terms_days, partner.credit_limit_idr = 30, 20_000_000
    order = _accept(partner, staff, send_quote(sentra, member, send_rfq(partner, staff, sentra)), "terms").order
    assert (order.status, order.payment_status, order.payment_method) == (
        OrderStatus.PLACED, PaymentStatus.UNPAID, "payment_terms")
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert invoice.terms_days == 30 and invoice.due_on == today_wib() + timedelta(days=30)


def test_an_unknown_payment_choice_is_refused(setup):
    partner, _owner, staff, sentra, member = setup
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    with pytest.raises(B2bValidationError):
        _accept(partner, staff, quote, "cash")


# --- approvals ------------------------------------------------------------------------------------------


def test_accepting_twice_while_waiting_returns_the_same_approval(setup):
    partner, owner, staff, sentra, member = setup
    partner.approval_threshold_idr = 1_000_000
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    first = _accept(partner, staff, quote).approval
    again = _accept(partner, owner, quote).approval
    assert first.id == again.id


def test_a_rejected_approval_buys_nothing_and_cannot_be_approved_later(setup):
    partner, owner, staff, sentra, member = setup
    partner.approval_threshold_idr = 1_000_000
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    approval = _accept(partner, staff, quote).approval
    approvals.reject(membership(partner, owner), approval.id, "too expensive")
    with pytest.raises(ApprovalStateError):
        approvals.approve(membership(partner, owner), approval.id, CONFIG)
    assert quote.status == QuoteStatus.OPEN and quote.order_id is None


def test_staff_cannot_approve_and_an_expired_quote_is_not_bought_on_approval(setup):
    partner, owner, staff, sentra, member = setup
    partner.approval_threshold_idr = 1_000_000
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    approval = _accept(partner, owner, quote).approval
    with pytest.raises(ApprovalNotAllowedError):
        approvals.approve(membership(partner, staff), approval.id, CONFIG)
    second_manager = staff
    membership(partner, second_manager).role = "manager"
    quote.valid_until = today_wib() - timedelta(days=1)
    with pytest.raises(QuoteUnavailableError):
        approvals.approve(membership(partner, second_manager), approval.id, CONFIG)


# --- invoices follow the order --------------------------------------------------------------------------


def test_the_invoice_is_void_when_the_order_is_cancelled_and_paid_when_money_arrives(setup):
    partner, _owner, staff, sentra, member = setup
    cancelled = _accept(partner, staff, send_quote(sentra, member, send_rfq(partner, staff, sentra))).order
    cancel_by_buyer(cancelled, staff, "salah pesan", CONFIG)
    paid = _accept(partner, staff, send_quote(sentra, member, send_rfq(partner, staff, sentra))).order
    mark_paid(paid.checkout.payment, None, "transfer confirmed", CONFIG)
    invoices = {i.order_id: i for i in db.session.scalars(select(Invoice))}
    assert invoices[cancelled.id].status == InvoiceStatus.VOID
    assert invoices[paid.id].status == InvoiceStatus.PAID and paid.status == OrderStatus.PLACED
    assert sorted(i.sequence for i in invoices.values()) == [1, 2]  # a void invoice keeps its number


def test_a_declined_quote_closes_the_request(setup):
    partner, _owner, staff, sentra, member = setup
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, member, rfq)
    quote_services.decline_quote(membership(partner, staff), staff, quote.id, "terlalu mahal")
    assert (quote.status, rfq.status) == (QuoteStatus.DECLINED, RfqStatus.DECLINED)
    with pytest.raises(QuoteUnavailableError) as error:
        _accept(partner, staff, quote)
    assert error.value.code == "quote_declined"


def test_approving_after_the_quote_expired_cancels_the_approval_for_good(setup, client, auth):
    partner, owner, staff, sentra, member = setup
    partner.approval_threshold_idr = 1_000_000
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra))
    approval = _accept(partner, staff, quote).approval
    quote.valid_until = today_wib() - timedelta(days=1)
    db.session.commit()
    token = client.post("/api/v1/auth/token", json={"email": owner.email,
                                                    "password": "correct-horse-battery"}).get_json()["token"]
    response = client.post(f"/api/v1/mitra/approvals/{approval.id}/approve", json={},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "quote_expired"
    db.session.expire_all()
    assert db.session.get(type(approval), approval.id).status == ApprovalStatus.CANCELLED


# --- fixes from review ----------------------------------------------------------------------------------


def test_a_suspended_sentra_cannot_quote_and_its_open_quote_cannot_be_accepted(setup):
    partner, _owner, staff, sentra, member = setup
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, member, rfq)
    sentra.status = "suspended"
    with pytest.raises(RfqClosedError):
        send_quote(sentra, member, rfq)
    with pytest.raises(QuoteUnavailableError) as error:
        _accept(partner, staff, quote)
    assert error.value.code == "sentra_inactive"


def test_the_invoice_keeps_the_ppn_of_the_quote_when_the_pkp_flag_changes_later(setup):
    partner, _owner, staff, sentra, member = setup
    sentra.is_pkp = True
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra),
                       lines=[{"description": "Tas", "quantity": 10, "unit_price_idr": 10_000}], fee=0)
    sentra.is_pkp = False
    order = _accept(partner, staff, quote).order
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert (invoice.seller_pkp, invoice.tax_idr, invoice.total_idr) == (True, 11_000, 111_000)


def test_a_paid_order_cancelled_by_the_sentra_voids_its_invoice(setup):
    from orders.services import cancel_by_sentra

    partner, _owner, staff, sentra, member = setup
    order = _accept(partner, staff, send_quote(sentra, member, send_rfq(partner, staff, sentra))).order
    mark_paid(order.checkout.payment, None, "transfer confirmed", CONFIG)
    cancel_by_sentra(order, member, "bahan baku habis", CONFIG)
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert invoice.status == InvoiceStatus.VOID


def test_a_late_transfer_that_revives_an_expired_order_pays_its_invoice(setup):
    from orders.payments.services import expire_due_payments
    from shop.db import utcnow

    partner, _owner, staff, sentra, member = setup
    order = _accept(partner, staff, send_quote(sentra, member, send_rfq(partner, staff, sentra))).order
    db.session.commit()
    expire_due_payments(utcnow() + timedelta(days=2), CONFIG)
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert (order.status, invoice.status) == (OrderStatus.EXPIRED, InvoiceStatus.VOID)
    mark_paid(order.checkout.payment, None, "transfer arrived late", CONFIG)
    assert (order.status, invoice.status) == (OrderStatus.PLACED, InvoiceStatus.PAID)


def test_numbers_no_database_can_hold_are_refused_not_a_500(setup, client, auth):
    partner, _owner, staff, sentra, _member = setup
    db.session.commit()
    auth.login(staff.email)
    assert client.get("/mitra/permintaan/99999999999999999999").status_code == 404
    assert client.get("/mitra/permintaan?page=%C2%B2").status_code == 200
    assert client.get("/mitra/permintaan/baru?product=%C2%B2").status_code == 200
    with pytest.raises(B2bValidationError) as error:
        send_rfq(partner, staff, sentra, lines=[{"description": "Tas", "quantity": "²"},
                                                {"description": "", "quantity": 1, "product_id": 10**20}])
    assert set(error.value.fields) == {"lines.0.quantity", "lines.1.product_id", "lines.1.description"}


def test_a_partner_cannot_sign_for_a_pay_at_pickup_order_the_sentra_has_not_been_paid_for(setup):
    from orders.b2b.partner_orders import confirm_handover
    from orders.services import accept_order
    from orders.shipping.errors import TimelineError
    from orders.shipping.services import record_tracking_event
    from tests.factories import make_checkout

    partner, _owner, staff, sentra, member = setup
    variant = make_product(sentra, variants=[{"price_idr": 20_000, "stock": 5}]).variants[0]
    checkout = make_checkout(staff, [(variant, 1)], method="pay_on_pickup", delivery="pickup")
    order = db.session.merge(checkout.orders[0])
    accept_order(order, member)
    record_tracking_event(order, "ready_for_pickup", member)
    with pytest.raises(TimelineError):
        confirm_handover(membership(partner, staff), staff, order.number, "Staf Mitra")


def test_the_ppn_rate_is_the_configured_one_whose_default_is_11_percent(app):
    assert ppn_rate(app.config) == 11
    assert ppn_rate({"PPN_RATE_PERCENT": 12}) == 12
