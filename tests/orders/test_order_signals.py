"""The order core tells the layers above it what happened through signals (orders.core.signals),
and the app factory alone connects their receivers: the web app, the CLI and the worker alike."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from orders.b2b.acceptance import accept_quote
from orders.b2b.models import Invoice, InvoiceStatus
from orders.core.models import OrderStatus
from orders.core.signals import order_status_changed
from orders.core.status import transition
from orders.ledger.models import LedgerEntry
from shop.extensions import db
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.ledger.ledger_helpers import completed_order
from tests.orders.orders_helpers import a_sentra, make_user, placed_order

RECEIVERS = """
from shop import create_app
create_app({"TESTING": True})
from orders.core import signals
for signal in (signals.order_status_changed, signals.order_paid, signals.order_refunded, signals.order_dispute_lost):
    for receiver in signal.receivers_for(object()):
        print(signal.name, f"{receiver.__module__}.{receiver.__name__}")
"""


@pytest.mark.nodb
def test_the_app_factory_alone_connects_the_b2b_and_ledger_receivers():
    result = subprocess.run([sys.executable, "-c", RECEIVERS], capture_output=True, text=True, timeout=60, check=True)
    assert set(result.stdout.split("\n")) >= {
        "order-status-changed orders.b2b.invoices._void_when_order_ends",
        "order-status-changed orders.ledger.services._sync_when_completed",
        "order-paid orders.b2b.invoices._paid_when_order_paid",
        "order-paid orders.ledger.services._sync_when_paid",
        "order-refunded orders.ledger.services._sync_when_refunded",
        "order-dispute-lost orders.ledger.services._sync_when_dispute_lost",
    }


def test_a_status_change_sends_the_order_with_where_it_came_from_and_went():
    _, _, variant = a_sentra()
    order = placed_order(make_user(), variant)
    heard: list[tuple] = []

    def listen(sender, **kwargs):
        heard.append((sender, kwargs["from_status"], kwargs["to_status"]))

    with order_status_changed.connected_to(listen):
        transition(order, OrderStatus.PROCESSING, None, "accepted")
    assert heard == [(order, OrderStatus.PLACED, OrderStatus.PROCESSING)]


def test_cancelling_a_partner_order_by_its_status_alone_voids_the_invoice():
    partner, _owner, staff = partner_team(threshold=None)
    sentra, owner, _variant = a_sentra()
    quote = send_quote(sentra, owner, send_rfq(partner, staff, sentra))
    order = accept_quote(membership(partner, staff), staff, quote.id, None, {"PPN_RATE_PERCENT": 11}).order
    transition(order, OrderStatus.CANCELLED, None, "cancelled by the office")
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert invoice.status == InvoiceStatus.VOID


def test_completing_an_order_by_its_status_alone_credits_the_sentra():
    order = completed_order(complete=False)
    transition(order, OrderStatus.COMPLETED, None, "completed")
    keys = set(db.session.scalars(select(LedgerEntry.dedupe_key).where(LedgerEntry.order_id == order.id)))
    assert keys == {f"order:{order.id}:credit"}
