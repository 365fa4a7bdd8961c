"""A first look at the ledger: a transfer order credits, a pickup order debits the commission."""
from __future__ import annotations

from orders.ledger.services import balance_idr
from tests.factories import make_sentra
from tests.orders.ledger.ledger_helpers import completed_order, entries


def test_a_completed_transfer_order_credits_goods_minus_commission(app):
    sentra = make_sentra()
    order = completed_order(sentra, price=50_000, quantity=2)
    (entry,) = entries(sentra.id)
    assert (entry.kind, entry.credit_idr, entry.commission_idr, entry.commission_rate_bp) == (
        "order_credit", 100_000 - 5_000 + order.delivery_fee_idr, 5_000, 500)
    assert balance_idr(sentra.id) == entry.credit_idr


def test_a_completed_pickup_order_debits_the_commission_only(app):
    sentra = make_sentra()
    completed_order(sentra, paid="pay_on_pickup", price=30_000, quantity=1)
    (entry,) = entries(sentra.id)
    assert (entry.kind, entry.debit_idr) == ("pickup_commission", 1_500)
    assert balance_idr(sentra.id) == -1_500
