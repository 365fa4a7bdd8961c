"""The sentra ledger: what the platform owes each sentra, as entries that are only ever appended.

Where the money goes (DESIGN.md, Orders): card, bank-transfer and payment-terms money reaches
the program's account, which owes the sentra its share; cash or QRIS at pickup is already in
the sentra's hands. So, per order:

- paid to the platform and completed: one credit of the goods minus the commission, plus the
  delivery fee and any PPN in full (key ``order:<id>:credit``); an order on terms is credited
  once it is both completed and paid, whichever comes last;
- paid at pickup and completed: one debit of the commission only (``order:<id>:commission``);
- each refund booked on a credited order: a debit of what was credited for the refunded part
  (``refund:<id>``), counted cumulatively so a full refund takes back exactly the credit;
- a lost card dispute: a debit of what is still credited (``dispute:<order id>``);
- paid through Midtrans (QRIS, e-wallets, virtual accounts: platform money like card and transfer),
  with ``MIDTRANS_FEE_BP`` set: beside the credit, a separate debit of the gateway's fee on the
  order's total (``order:<id>:gateway_fee``); it stays when the order is refunded (the gateway keeps it).

:func:`sync_order` works all of that out from the order as it is now and posts only the
entries that are missing, so every hook (the receivers of :mod:`orders.core.signals` at the
end of this module, ``flask --app shop ledger sync``, a worker that runs twice) can call it again without counting anything twice: each entry's key is
unique in the database. The commission rate is the sentra's override or the configured
``PLATFORM_COMMISSION_BP``, recorded on the entry; card fees are the platform's, inside its
commission, and a bank transfer's unique code is not the sentra's (it is not in the order).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from orders.core.models import Order, OrderStatus, PaymentStatus
from orders.core.payments import MIDTRANS_METHODS, Refund
from orders.core.signals import order_dispute_lost, order_paid, order_refunded, order_status_changed
from orders.ledger.models import EntryKind, LedgerEntry
from shop.extensions import db
from shop.pagecache.versions import EXPLAINED
from shop.sentras.models import Sentra

PLATFORM_METHODS = frozenset({"stripe_card", "bank_transfer", "payment_terms"}) | MIDTRANS_METHODS
AT_PICKUP = "pay_on_pickup"
PAID = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


def commission_rate_bp(sentra: Sentra, config: Mapping[str, Any]) -> int:
    """The sentra's override, else the configured rate (basis points)."""
    if sentra.commission_rate_bp is not None:
        return sentra.commission_rate_bp
    return int(config["PLATFORM_COMMISSION_BP"])  # its default lives in shop.config only


def commission_of(goods_idr: int, rate_bp: int) -> int:
    """The commission on ``goods_idr`` at ``rate_bp``, rounded half up to the rupiah."""
    return (goods_idr * rate_bp + 5_000) // 10_000


def balance_idr(sentra_id: int) -> int:
    """Credits minus debits: the balance is always derived from the entries."""
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.credit_idr - LedgerEntry.debit_idr), 0))
        .where(LedgerEntry.sentra_id == sentra_id)
    )


def post(sentra_id: int, kind: str, dedupe_key: str, *, credit_idr: int = 0, debit_idr: int = 0,
         actor: Any | None = None, **fields: Any) -> LedgerEntry | None:
    """Append one entry unless its key is already used (then None). Flushes.

    :raise ValueError: both sides, or a negative amount.
    """
    if credit_idr < 0 or debit_idr < 0 or (credit_idr and debit_idr):
        raise ValueError("an entry is a credit or a debit of 0 or more rupiah")
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.dedupe_key == dedupe_key)) is not None:
        return None
    entry = LedgerEntry(sentra_id=sentra_id, kind=EntryKind(kind).value, dedupe_key=dedupe_key,
                        credit_idr=credit_idr, debit_idr=debit_idr, created_by_id=getattr(actor, "id", None),
                        **fields)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:  # a parallel transaction posted the same effect first
        return None
    return entry


def _entries(order_id: int) -> dict[str, LedgerEntry]:
    return {e.dedupe_key: e for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order_id))}


def _booked_refunds(order_id: int) -> list[Refund]:
    return list(db.session.scalars(
        select(Refund).where(Refund.order_id == order_id, Refund.completed_at.is_not(None))
        .order_by(Refund.completed_at, Refund.id)
    ))


def _refund_pending(order_id: int) -> bool:
    return db.session.scalar(select(func.count()).select_from(Refund).where(
        Refund.order_id == order_id, Refund.state == "pending")) > 0


def gross_credit(order: Order, rate_bp: int) -> tuple[int, int]:
    """(what completing ``order`` credits the sentra, the commission in it)."""
    commission = commission_of(order.subtotal_idr, rate_bp)
    return order.subtotal_idr - commission + order.delivery_fee_idr + order.tax_idr, commission


def sync_order(order: Order, config: Mapping[str, Any]) -> list[LedgerEntry]:
    """Post the entries ``order`` should have by now and does not; return the new ones. Flushes.

    Safe to call any number of times, from any hook, in any order of events.
    """
    posted: list[LedgerEntry] = []
    have = _entries(order.id)
    sentra = order.sentra
    if order.payment_method == AT_PICKUP:
        key = f"order:{order.id}:commission"
        if order.status == OrderStatus.COMPLETED and key not in have:
            rate = commission_rate_bp(sentra, config)
            commission = commission_of(order.subtotal_idr, rate)
            entry = post(sentra.id, EntryKind.PICKUP_COMMISSION, key, debit_idr=commission, order_id=order.id,
                         goods_idr=order.subtotal_idr, delivery_idr=order.delivery_fee_idr,
                         commission_idr=commission, commission_rate_bp=rate,
                         note=f"order {order.number} paid at pickup: commission only")
            posted += [entry] if entry else []
        return posted
    if order.payment_method not in PLATFORM_METHODS:
        return posted
    key = f"order:{order.id}:credit"
    credit = have.get(key)
    if credit is None:
        if order.status != OrderStatus.COMPLETED or order.payment_status not in PAID:
            return posted
        if _refund_pending(order.id):
            return posted  # credited once the office has paid the refund back (apply_refund syncs again)
        rate = commission_rate_bp(sentra, config)
        amount, commission = gross_credit(order, rate)
        credit = post(sentra.id, EntryKind.ORDER_CREDIT, key, credit_idr=amount, order_id=order.id,
                      goods_idr=order.subtotal_idr, delivery_idr=order.delivery_fee_idr + order.tax_idr,
                      commission_idr=commission, commission_rate_bp=rate, note=f"order {order.number} completed")
        if credit is None:  # posted by a parallel transaction meanwhile
            credit = _entries(order.id).get(key)
            if credit is None:
                return posted  # not visible to this transaction: the other one posts the rest
        else:
            posted.append(credit)
        have = _entries(order.id)
    posted += _gateway_fee(order, have, config)
    gross = credit.credit_idr
    total = order.total_idr
    taken = sum(e.debit_idr for e in have.values() if e.kind in (EntryKind.REFUND, EntryKind.DISPUTE))
    refunded = 0
    for refund in _booked_refunds(order.id):
        before = refunded
        refunded = min(refunded + refund.amount_idr, total)
        refund_key = f"refund:{refund.id}"
        if refund_key in have or total <= 0:
            continue
        share = gross * refunded // total - gross * before // total
        share = max(0, min(share, gross - taken))
        entry = post(sentra.id, EntryKind.REFUND, refund_key, debit_idr=share, order_id=order.id,
                     refund_id=refund.id, note=f"refund of Rp{refund.amount_idr} on order {order.number}")
        if entry:
            taken += share
            posted.append(entry)
    dispute_key = f"dispute:{order.id}"
    if order.dispute_lost_at is not None and dispute_key not in have:
        entry = post(sentra.id, EntryKind.DISPUTE, dispute_key, debit_idr=max(gross - taken, 0), order_id=order.id,
                     note=f"card dispute lost on order {order.number}")
        posted += [entry] if entry else []
    return posted


def gateway_fee_of(order: Order, config: Mapping[str, Any]) -> int:
    """The Midtrans fee on ``order`` at ``MIDTRANS_FEE_BP`` (0 when unset or not a Midtrans order)."""
    rate = int(config.get("MIDTRANS_FEE_BP") or 0)
    if order.payment_method not in MIDTRANS_METHODS or rate <= 0:
        return 0
    return commission_of(order.total_idr, rate)


def _gateway_fee(order: Order, have: dict[str, LedgerEntry], config: Mapping[str, Any]) -> list[LedgerEntry]:
    key = f"order:{order.id}:gateway_fee"
    fee = gateway_fee_of(order, config)
    if fee <= 0 or key in have:
        return []
    entry = post(order.sentra_id, EntryKind.GATEWAY_FEE, key, debit_idr=fee, order_id=order.id,
                 note=f"Midtrans fee on order {order.number} ({int(config['MIDTRANS_FEE_BP'])} bp)")
    return [entry] if entry else []


def lock_sentra(sentra_id: int) -> Sentra:
    """Lock the sentra row: payouts and adjustments of one sentra happen one at a time.

    A no-op UPDATE first: on PostgreSQL it takes the row lock, and on SQLite (where FOR UPDATE
    does nothing and a transaction only locks at its first write) it takes the write lock, so a
    second payout waits here and then reads the balance the first one left.
    """
    db.session.execute(update(Sentra).where(Sentra.id == sentra_id).values(id=Sentra.id)
                       .execution_options(synchronize_session=False, **{EXPLAINED: True}))  # shows nothing new
    return db.session.scalar(select(Sentra).where(Sentra.id == sentra_id).with_for_update(of=Sentra)
                             .execution_options(populate_existing=True))


def orders_to_sync():
    """Orders that may have ledger entries due: completed, refunded or with a lost dispute."""
    return (select(Order.id)
            .where((Order.status == OrderStatus.COMPLETED) | (Order.refunded_idr > 0) | Order.dispute_lost_at.is_not(None))
            .order_by(Order.id))


def sync_all(config: Mapping[str, Any], batch: int = 500) -> int:
    """Post every missing entry of every order (``flask --app shop ledger sync``); return how many. Commits."""
    ids = list(db.session.scalars(orders_to_sync()))
    count = 0
    for start in range(0, len(ids), batch):
        for order in db.session.scalars(select(Order).where(Order.id.in_(ids[start:start + batch]))):
            count += len(sync_order(order, config))
        db.session.commit()
    return count


# --- what the ledger hears from the order core (orders.core.signals) ------------------------------


@order_status_changed.connect
def _sync_when_completed(order: Order, *, to_status: str, **_: Any) -> None:
    if to_status == OrderStatus.COMPLETED:
        sync_order(order, current_app.config)  # credits the sentra (or takes the pickup commission)


@order_paid.connect
def _sync_when_paid(order: Order, *, config: Mapping[str, Any], **_: Any) -> None:
    if order.status == OrderStatus.COMPLETED:  # an invoice on terms paid after completion
        sync_order(order, config)


@order_refunded.connect
def _sync_when_refunded(order: Order, **_: Any) -> None:
    sync_order(order, current_app.config)  # a credited order gives back its refunded part


@order_dispute_lost.connect
def _sync_when_dispute_lost(order: Order, *, config: Mapping[str, Any], **_: Any) -> None:
    sync_order(order, config)  # takes back what is still credited
