"""The B2B core: a request, a quote, accepting it below and above the threshold, the invoice number."""
from __future__ import annotations

import pytest

from orders.b2b import acceptance, approvals
from orders.b2b.errors import ApprovalNotAllowedError, QuoteUnavailableError
from orders.b2b.models import ApprovalStatus, Invoice, QuoteStatus, RfqStatus
from orders.core.models import OrderStatus
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq

CONFIG = {"PPN_RATE_PERCENT": 11, "BANK_TRANSFER_EXPIRY_HOURS": 24}


def test_accepting_below_the_threshold_makes_the_order_and_numbers_its_invoice(app):
    partner, owner, staff = partner_team(threshold=10_000_000)
    sentra = make_sentra()
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, sentra.memberships[0].user, rfq,
                       lines=[{"description": "Tas", "quantity": 100, "unit_price_idr": 20_000, "lead_time_days": 5}])
    assert quote.total_idr == 2_025_000 and rfq.status == RfqStatus.QUOTED
    accepted = acceptance.accept_quote(membership(partner, staff), staff, quote.id, "bank_transfer", CONFIG)
    order = accepted.order
    assert order is not None and accepted.approval is None
    assert order.total_idr == 2_025_000 and order.lines[0].unit_price_idr == 20_000
    assert order.status == OrderStatus.PENDING_PAYMENT and order.partner_id == partner.id
    invoice = db.session.query(Invoice).filter_by(order_id=order.id).one()
    assert invoice.number.startswith(f"INV/{sentra.slug.upper()}/") and invoice.number.endswith("/0001")
    assert quote.status == QuoteStatus.ACCEPTED and rfq.status == RfqStatus.ACCEPTED
    with pytest.raises(QuoteUnavailableError) as twice:
        acceptance.accept_quote(membership(partner, staff), staff, quote.id, "bank_transfer", CONFIG)
    assert twice.value.code == "already_accepted" and twice.value.status == 409


def test_above_the_threshold_a_manager_other_than_the_preparer_approves(app):
    partner, owner, staff = partner_team(threshold=1_000_000)
    sentra = make_sentra()
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, sentra.memberships[0].user, rfq)
    accepted = acceptance.accept_quote(membership(partner, staff), staff, quote.id, None, CONFIG)
    assert accepted.order is None and accepted.approval.status == ApprovalStatus.PENDING
    with pytest.raises(ApprovalNotAllowedError):
        approvals.approve(membership(partner, staff), accepted.approval.id, CONFIG)
    approval = approvals.approve(membership(partner, owner), accepted.approval.id, CONFIG)
    assert approval.status == ApprovalStatus.APPROVED
    assert quote.status == QuoteStatus.ACCEPTED and quote.order.buyer_id == staff.id


def test_a_manager_cannot_approve_their_own_acceptance(app):
    partner, owner, staff = partner_team(threshold=1_000_000)
    sentra = make_sentra()
    rfq = send_rfq(partner, owner, sentra)
    quote = send_quote(sentra, sentra.memberships[0].user, rfq)
    accepted = acceptance.accept_quote(membership(partner, owner), owner, quote.id, None, CONFIG)
    with pytest.raises(ApprovalNotAllowedError):
        approvals.approve(membership(partner, owner), accepted.approval.id, CONFIG)
    other = make_user()
    assert other is not None
