"""The ledger's rules and invariants: what each order credits or debits, once, whatever the order of events."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from orders.b2b import acceptance
from orders.core import lifecycle
from orders.core.models import Order, OrderStatus
from orders.core.payments import Refund
from orders.core.status import transition
from orders.ledger.models import LedgerEntry
from orders.ledger.services import balance_idr, commission_of, sync_all, sync_order
from orders.payments.services import complete_refund, lose_dispute, mark_paid
from orders.services import accept_order
from orders.shipping import services as shipping
from orders.shipping.jobs import complete_delivered_orders
from shop.db import utcnow
from shop.extensions import db
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.ledger.ledger_helpers import completed_order, entries


def _refund(order: Order, amount: int | None = None) -> Refund:
    """A bank-transfer refund of ``order`` (all, or ``amount`` of it) that the office then paid."""
    if amount is None:
        refund = lifecycle.refund(order, None, "dikembalikan", current_app.config)
    else:
        refund = Refund(payment=order.checkout.payment, order_id=order.id, amount_idr=amount, state="pending")
        db.session.add(refund)
        db.session.flush()
    complete_refund(refund, f"TRF-{refund.id}", None)
    db.session.commit()
    return refund


def _order_entries(order: Order) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id)
                                   .order_by(LedgerEntry.id)))


def test_the_delivery_fee_goes_to_the_sentra_in_full_and_the_commission_rate_is_recorded(app):
    sentra = make_sentra()
    sentra.commission_rate_bp = 750  # the office's override: 7.5 %
    order = completed_order(sentra, price=40_000, quantity=3, delivery="courier")
    (entry,) = entries(sentra.id)
    assert order.delivery_fee_idr > 0
    assert entry.commission_rate_bp == 750 and entry.commission_idr == 9_000
    assert entry.credit_idr == 120_000 - 9_000 + order.delivery_fee_idr


def test_a_pickup_balance_goes_negative_and_is_netted_against_later_credits(app):
    sentra = make_sentra()
    completed_order(sentra, paid="pay_on_pickup", price=100_000, quantity=1)
    assert balance_idr(sentra.id) == -5_000
    completed_order(sentra, price=100_000, quantity=1)
    assert balance_idr(sentra.id) == -5_000 + 95_000


def test_an_order_is_not_credited_before_it_completes(app):
    sentra = make_sentra()
    order = completed_order(sentra, complete=False)
    assert entries(sentra.id) == []
    transition(order, OrderStatus.COMPLETED, None, "done")
    assert len(entries(sentra.id)) == 1


def test_an_order_on_terms_is_credited_once_both_completed_and_paid(app):
    partner, _owner, staff = partner_team(threshold=None, terms_days=30, credit_limit=10_000_000)
    sentra = make_sentra()
    member = sentra.memberships[0].user
    quote = send_quote(sentra, member, send_rfq(partner, staff, sentra), fee=0, delivery_method="pickup",
                       lines=[{"description": "Kopi", "quantity": 10, "unit_price_idr": 10_000}])
    order = acceptance.accept_quote(membership(partner, staff), staff, quote.id, "terms", app.config).order
    accept_order(order, member)
    shipping.record_tracking_event(order, "ready_for_pickup", member)
    shipping.handover(order, order.pickup_code, member)
    transition(order, OrderStatus.COMPLETED, None, "done")
    assert entries(sentra.id) == []  # the invoice is not paid yet
    mark_paid(order.checkout.payment, None, "invoice paid", app.config)
    (entry,) = entries(sentra.id)
    assert entry.credit_idr == 100_000 - commission_of(100_000, 500)


def test_a_full_refund_after_completion_takes_back_exactly_the_credit(app):
    sentra = make_sentra()
    order = completed_order(sentra, price=33_333, quantity=3, delivery="courier")
    _refund(order, 10_001)
    _refund(order, 20_000)
    _refund(order)  # the rest
    credit, *debits = _order_entries(order)
    assert credit.kind == "order_credit" and [d.kind for d in debits] == ["refund"] * 3
    assert sum(d.debit_idr for d in debits) == credit.credit_idr
    assert balance_idr(sentra.id) == 0


def test_a_partial_refund_before_completion_is_debited_when_the_order_is_credited(app):
    sentra = make_sentra()
    order = completed_order(sentra, price=50_000, quantity=2, complete=False)
    _refund(order, 50_000)  # half the goods; nothing credited yet, so nothing to take back yet
    assert entries(sentra.id) == []
    transition(order, OrderStatus.COMPLETED, None, "done")
    credit, debit = _order_entries(order)
    assert debit.debit_idr == credit.credit_idr * 50_000 // order.total_idr


def test_a_lost_dispute_takes_back_what_is_still_credited_once(app):
    sentra = make_sentra()
    order = completed_order(sentra, price=80_000, quantity=1)
    _refund(order, 10_000)
    lose_dispute(order.checkout.payment, "lost", app.config)
    lose_dispute(order.checkout.payment, "lost again (a repeated event)", app.config)
    db.session.commit()
    kinds = [e.kind for e in _order_entries(order)]
    assert kinds == ["order_credit", "refund", "dispute"]
    assert balance_idr(sentra.id) == 0


def test_running_the_worker_and_the_sync_again_adds_nothing(app):
    sentra = make_sentra()
    orders = [completed_order(sentra, complete=False) for _ in range(3)]
    for order in orders:
        order.shipment.delivered_at = utcnow() - timedelta(days=10)
    db.session.commit()
    later = utcnow() + timedelta(days=10)
    assert complete_delivered_orders(later, app.config) == 3
    assert complete_delivered_orders(later, app.config) == 0
    before = [(e.dedupe_key, e.credit_idr, e.debit_idr) for e in entries(sentra.id)]
    assert len(before) == 3
    assert sync_all(app.config) == 0
    for order in orders:
        assert sync_order(db.session.get(Order, order.id), app.config) == []
    assert [(e.dedupe_key, e.credit_idr, e.debit_idr) for e in entries(sentra.id)] == before


# --- the invariants, over random histories ---------------------------------------------------------------

def _fresh_sentra():
    from shop.places.models import Kelurahan
    from shop.sentras.models import Sentra

    taken = select(Sentra.kelurahan_code).where(Sentra.kelurahan_code.is_not(None))
    code = db.session.scalar(select(Kelurahan.code).where(Kelurahan.code.not_in(taken)).order_by(Kelurahan.code))
    return make_sentra(code)


STEPS = st.lists(
    st.tuples(st.sampled_from(["refund", "complete", "dispute", "sync", "refund_all"]), st.integers(0, 2),
              st.integers(1, 60_000)),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_whatever_happens_the_entries_add_up_and_nothing_is_counted_twice(app, steps):
    sentra = _fresh_sentra()  # hypothesis runs many examples in one test's transaction
    orders = [completed_order(sentra, price=price, quantity=1, complete=False)
              for price in (25_000, 40_000, 61_000)]
    for action, index, amount in steps:
        order = db.session.get(Order, orders[index].id)
        left = order.total_idr - order.refunded_idr
        if action == "refund" and left > 0 and order.dispute_lost_at is None:
            _refund(order, min(amount, left))
        elif action == "refund_all" and left > 0 and order.dispute_lost_at is None:
            _refund(order)
        elif action == "complete" and order.status == OrderStatus.DELIVERED:
            transition(order, OrderStatus.COMPLETED, None, "done")
        elif action == "dispute":
            lose_dispute(order.checkout.payment, "lost", app.config)
        else:
            sync_all(app.config)
        db.session.commit()
    sync_all(app.config)
    all_entries = entries(sentra.id)
    assert sum(e.credit_idr - e.debit_idr for e in all_entries) == balance_idr(sentra.id)
    assert len({e.dedupe_key for e in all_entries}) == len(all_entries)
    for order in (db.session.get(Order, o.id) for o in orders):
        mine = [e for e in all_entries if e.order_id == order.id]
        credits = [e for e in mine if e.kind == "order_credit"]
        taken = sum(e.debit_idr for e in mine if e.kind in ("refund", "dispute"))
        if order.status != OrderStatus.COMPLETED:
            assert mine == []
            continue
        assert len(credits) == 1
        assert 0 <= taken <= credits[0].credit_idr
        refunds = db.session.scalar(select(db.func.count()).select_from(Refund).where(
            Refund.order_id == order.id, Refund.completed_at.is_not(None)))
        assert len([e for e in mine if e.kind == "refund"]) == refunds
        if order.refunded_idr >= order.total_idr or order.dispute_lost_at is not None:
            assert taken == credits[0].credit_idr  # nothing of a fully refunded or lost order stays credited
