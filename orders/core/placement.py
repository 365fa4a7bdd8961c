"""Placement: the one way an order is built, whoever buys (a cart's checkout, an accepted quote,
and later class seats and facility bookings).

A purchase is a checkout (the payment group: who pays, where it goes, how) holding one order
per sentra and one payment record. The caller describes each order as an :class:`OrderSpec`
(what is bought at what price, how it travels, how it is paid) and gets back the rows, all
built the same way:

- :func:`open_checkout`: the payment group, with the payment method's expiry;
- :func:`place_orders` (:func:`place_order` for one): the orders, their lines, totals, codes,
  promised dates, opening events, and the ``order_placed`` signal (shipping gives each order
  its shipment there), in one flush;
- :func:`record_payment`: the payment record; a bank transfer draws its unique amount here,
  and an amount a parallel transfer took first is skipped by the INSERT and drawn again (the
  one collision policy: the rest of the purchase stays, whichever caller placed it);
- :func:`reserve_stock`: the stocked lines of the orders, in the one lock order of all stock.

Everything flushes, nothing commits: the caller owns the transaction.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from sqlalchemy import Insert, inspect, select, text
from sqlalchemy.orm import joinedload, make_transient_to_detached, selectinload

from catalog import stock
from orders.core import codes
from orders.core.errors import CheckoutNotFoundError
from orders.core.models import Checkout, Order, OrderEvent, OrderLine, OrderStatus, PaymentStatus
from orders.core.payments import WAITING_TRANSFER, Payment, PaymentState
from orders.core.promises import promised_at
from orders.core.providers import get_provider
from orders.core.signals import order_placed
from shop.accounts.models import User
from shop.extensions import db
from shop.outbox.services import enqueue

MAX_WEIGHT_GRAMS = 2_000_000_000  # the weight column is a 32-bit integer
TRANSFER_ATTEMPTS = 3  # draws of a bank transfer's unique amount before the collision is the caller's
PLACED_JOB = "order.placed"


@dataclass(frozen=True)
class LineSpec:
    """One line as bought: its price is the price paid, whatever the catalogue says later."""

    title: str
    quantity: int
    unit_price_idr: int
    made_to_order: bool
    variant_id: int | None = None
    product_id: int | None = None
    variant_label: str = ""
    sku: str = ""
    weight_grams: int = 0
    lead_time_days: int = 0  # made to order: days before it can leave the sentra (the promise)


@dataclass(frozen=True)
class OrderSpec:
    """What one order is: who buys from which sentra, the lines, delivery, payment and promise inputs."""

    buyer_id: int
    sentra_id: int
    lines: tuple[LineSpec, ...]
    delivery_method: str
    delivery_fee_idr: int
    in_city: bool  # the destination is inside Kota Bekasi (an external courier is faster there)
    handling_days: int  # the sentra's days to prepare an order
    actor_id: int  # who placed it (the opening event's actor)
    note: str  # the opening event's note: where the order came from
    distance_km: float | None = None
    tax_idr: int = 0
    partner_id: int | None = None

    @property
    def subtotal_idr(self) -> int:
        return sum(line.unit_price_idr * line.quantity for line in self.lines)

    @property
    def total_idr(self) -> int:
        return self.subtotal_idr + self.delivery_fee_idr + self.tax_idr


def open_checkout(*, buyer_id: int, idempotency_key: str, payment_method: str, total_idr: int,
                  address: Mapping[str, Any], now: datetime, config: Mapping[str, Any],
                  partner_id: int | None = None, flush: bool = True) -> Checkout:
    """The payment group of a purchase, expiring when its payment method says. Flushes.

    The flush claims ``(buyer_id, idempotency_key)``: a parallel repeat waits on this row.
    ``address`` holds the checkout's address columns (recipient, phone, street, kelurahan_code,
    city, postal_code). With ``flush=False`` the checkout is only added: the caller's next
    step, :func:`place_orders`, flushes it with its orders, its INSERT first (the orders refer
    to it), so it still claims the key before any other row is written, one round trip
    and one flush fewer.
    """
    expiry = get_provider(payment_method).expires_after(config)
    checkout = Checkout(
        buyer_id=buyer_id, idempotency_key=idempotency_key, payment_method=payment_method, total_idr=total_idr,
        partner_id=partner_id, created_at=now, expires_at=now + expiry if expiry else None, **address,
    )
    db.session.add(checkout)
    if flush:
        db.session.flush()
    return checkout


def place_order(checkout: Checkout, spec: OrderSpec) -> Order:
    """Build one order of ``checkout`` as ``spec`` describes it: :func:`place_orders` of one."""
    return place_orders(checkout, [spec])[0]


def place_orders(checkout: Checkout, specs: Iterable[OrderSpec]) -> list[Order]:
    """Build the orders of ``checkout`` as ``specs`` describe them, in one flush. Sends ``order_placed``.

    Each starts where the payment method says (waiting for the money, or placed), unpaid, with
    its order number, tracking code, pickup code (pickup only), promised date and the opening
    event; a placed order is announced to the sentra through the outbox. Reserves nothing:
    see :func:`reserve_stock`.
    """
    provider = get_provider(checkout.payment_method)
    placed = checkout.created_at
    orders = []
    for spec in specs:
        method = spec.delivery_method
        order = Order(
            number=codes.order_number(placed), checkout=checkout, sentra_id=spec.sentra_id,
            buyer_id=spec.buyer_id, partner_id=spec.partner_id, status=provider.initial_status,
            payment_status=PaymentStatus.UNPAID, payment_method=provider.name, delivery_method=method,
            subtotal_idr=spec.subtotal_idr, delivery_fee_idr=spec.delivery_fee_idr, tax_idr=spec.tax_idr,
            total_idr=spec.total_idr,
            weight_grams=min(sum(line.weight_grams * line.quantity for line in spec.lines), MAX_WEIGHT_GRAMS),
            distance_km=spec.distance_km, tracking_code=codes.tracking_code(),
            pickup_code=codes.pickup_code() if method == "pickup" else None, created_at=placed,
            promised_at=promised_at(placed, handling_days=spec.handling_days, method=method,
                                    in_city=spec.in_city, lead_times=[line.lead_time_days for line in spec.lines]),
        )
        order.lines = [_order_line(line) for line in spec.lines]
        order.events.append(OrderEvent(kind="status", from_status=None, to_status=order.status,
                                       actor_id=spec.actor_id, note=spec.note))
        db.session.add(order)
        order_placed.send(order)
        orders.append(order)
    db.session.flush()  # one flush: each table's rows go in one INSERT for all the orders
    for order in orders:
        if order.status == OrderStatus.PLACED:
            enqueue(PLACED_JOB, {"order_id": order.id})
    return orders


def _order_line(line: LineSpec) -> OrderLine:
    return OrderLine(
        variant_id=line.variant_id, product_id=line.product_id, title=line.title, variant_label=line.variant_label,
        sku=line.sku, quantity=line.quantity, unit_price_idr=line.unit_price_idr, weight_grams=line.weight_grams,
        made_to_order=line.made_to_order,
    )


def record_payment(checkout: Checkout, config: Mapping[str, Any]) -> Payment:
    """The checkout's payment record, prepared by its provider (no network). Flushes.

    A provider that talks to the outside in step 2 (a card) gets the start mark, so a parallel
    repeat does not start a second payment. A bank transfer draws its unique amount here. The
    INSERT skips an amount a parallel transfer took first (``ON CONFLICT DO NOTHING`` on the
    waiting-transfer index: one statement, no savepoint around it) and the amount is drawn
    again, up to :data:`TRANSFER_ATTEMPTS` times, so the rest of the purchase stands.

    :raise PaymentError: the provider cannot take it (all transfer codes of this total taken).
    :raise IntegrityError: every draw collided (the last one is a plain INSERT); the caller rolls back.
    """
    provider = get_provider(checkout.payment_method)
    for attempt in range(TRANSFER_ATTEMPTS):
        payment = Payment(checkout_id=checkout.id, method=provider.name, state=PaymentState.PENDING,
                          amount_idr=checkout.total_idr,
                          provider_started_at=checkout.created_at if provider.needs_start else None)
        provider.prepare(payment, checkout, config)
        if attempt == TRANSFER_ATTEMPTS - 1:
            db.session.add(payment)
            db.session.flush()
            return payment
        inserted = _insert_unless_amount_taken(payment)
        if inserted is not None:
            return inserted
    raise AssertionError("unreachable")


def _insert_unless_amount_taken(payment: Payment) -> Payment | None:
    """INSERT the prepared (transient) ``payment``, or nothing when a waiting transfer has its amount.

    Returns ``payment``, now persistent, or None. Only the attributes the payment was given
    are sent (the others get their column defaults and load when read), as a flush does. A
    parallel transfer that holds the amount uncommitted is waited for, as a flush would.
    """
    state = inspect(payment)
    values = {attr.columns[0].key: state.dict[attr.key] for attr in state.mapper.column_attrs
              if attr.key in state.dict}
    payment_id = db.session.execute(_insert_unless_taken_sql(db.session.get_bind().dialect.name), values).scalar()
    if payment_id is None:
        return None
    payment.id = payment_id
    make_transient_to_detached(payment)  # the row is in the database as the object says
    db.session.add(payment)
    return payment


@functools.cache
def _insert_unless_taken_sql(dialect: str) -> Insert:
    """``INSERT INTO payment ... ON CONFLICT (amount_idr) WHERE <waiting transfer> DO NOTHING RETURNING id``."""
    table = Payment.__table__
    return (import_module(f"sqlalchemy.dialects.{dialect}").insert(table)
            .on_conflict_do_nothing(index_elements=[table.c.amount_idr], index_where=text(WAITING_TRANSFER))
            .returning(table.c.id))


def reserve_stock(orders: Iterable[Order], actor_id: int | None, *, commit: bool = False) -> list[int]:
    """Reserve the stocked lines of ``orders`` (made-to-order lines wait for their lead time). Flushes.

    :func:`catalog.stock.reserve_lines` takes the variants in ascending id order, the lock
    order of every purchase, so two never deadlock; call it last, to hold the rows briefly.
    With ``commit`` it also commits the caller's transaction, in the same round trip on
    PostgreSQL (the rows are locked only while the database runs it), and returns the
    variants it emptied for :func:`catalog.stock.announce_emptied` in the next transaction.

    :raise catalog.stock.InsufficientStockError: a line is short; the caller rolls back.
    """
    wanted = [(line.variant_id, line.quantity, order.id) for order in orders for line in order.lines
              if line.variant_id is not None and not line.made_to_order]
    return stock.reserve_lines(wanted, actor_id=actor_id, commit=commit)


def load_checkout(buyer: User, checkout_id: int) -> Checkout:
    """One of ``buyer``'s checkouts with its orders and payment.

    :raise CheckoutNotFoundError: it does not exist or is someone else's.
    """
    checkout = db.session.scalar(
        select(Checkout).where(Checkout.id == checkout_id, Checkout.buyer_id == buyer.id)
        .options(selectinload(Checkout.orders).selectinload(Order.lines), joinedload(Checkout.payment))
    )
    if checkout is None:
        raise CheckoutNotFoundError(checkout_id)
    return checkout
