"""Checkout: a buyer's cart becomes one checkout (the payment group) and one order per sentra.

This is the one service that manages its own transactions, in saleor's three steps:

1. In one transaction: validate the cart, prices, deliveries and the payment
   method; insert the checkout first (its unique ``(buyer_id, idempotency_key)``
   makes a parallel repeat wait here, then find the first checkout); create the
   orders; let the provider prepare the payment (no network: a bank transfer draws
   its unique amount); empty the bought cart lines. Nothing so far locks a row that
   other buyers need. Last, reserve stock for every line in ascending variant id
   order across all orders (two checkouts never deadlock) and commit with it: on
   PostgreSQL the updates, their movements and the COMMIT go in one round trip, so a
   hot variant is locked only while the database runs them, never while this process
   waits for a CPU (ten buyers of the same variants do not queue behind each other's
   whole transaction). All or nothing: a short line rolls everything back. After the
   commit, products that ran out leave "in stock" search. A partner's checkout also
   numbers its invoices after the stock, then commits.
2. Outside any transaction, ask the provider to create the payment (Stripe's
   PaymentIntent). A failure there cancels the orders and returns the stock.
3. Record the provider's reference in a short transaction.

A repeated submit with the same key returns the first checkout, waiting briefly
for its step 2 if another request is still in it.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Delete, Integer, bindparam, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from catalog import stock
from catalog.pricing import PartnerStrategy
from orders.cart.models import Cart, CartLine
from orders.checkout.errors import (
    CheckoutError,
    CheckoutValidationError,
    DeliveryUnavailableError,
    EmptyCartError,
    InsufficientStockCheckoutError,
    PaymentMethodUnavailableError,
    PriceChangedError,
    Shortage,
    UnavailableItemsError,
)
from orders.checkout.purchasers import provided as purchaser
from orders.checkout.quote import (
    Quote,
    QuotedLine,
    SentraQuote,
    is_unavailable,
    quote,
    strategy_and_cart_lines,
)
from orders.core import lifecycle, placement
from orders.core.models import Checkout, Order
from orders.core.payments import Payment, PaymentState
from orders.core.placement import LineSpec, OrderSpec
from orders.core.providers import (
    PaymentError,
    Started,
    get_provider,
)
from orders.delivery.services import Destination, centroid
from shop.accounts.checks import check_name, check_phone
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 100
STEP_ONE_ATTEMPTS = 3  # an order-number collision (1 in 33 million) is retried, not shown
REPEAT_WAIT_SECONDS = 10.0  # how long a repeat waits for the first request's step 2
STALE_START = timedelta(seconds=60)  # a step 2 this old was abandoned (a crash): a repeat may redo it


# --- input and errors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressInput:
    """Where the orders go: a Kota Bekasi kelurahan code, or a city and postal code outside it."""

    recipient: str
    phone: str
    street: str
    kelurahan_code: str | None = None
    city: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    idempotency_key: str
    payment_method: str
    address: AddressInput
    deliveries: Mapping[str, str]  # sentra slug -> delivery method
    # The total the buyer saw on the checkout page; a different total now is a PriceChangedError.
    # Without it, each cart line must be at the price the buyer last saw in the cart.
    expected_total_idr: int | None = None


def destination_of(address: AddressInput | None) -> Destination | None:
    if address is None:
        return None
    return Destination(address.kelurahan_code or None)


# --- step 1 ---------------------------------------------------------------------------------------


def _clean_address(address: AddressInput) -> dict[str, Any]:
    fields: dict[str, str] = {}
    values: dict[str, Any] = {
        "recipient": check_name(address.recipient, fields, "recipient"),
        "phone": check_phone(address.phone, fields),
        "street": (address.street or "").strip()[:255],
    }
    if values["phone"] is None and "phone" not in fields:
        fields["phone"] = "required"
    if not values["street"]:
        fields["street"] = "required"
    code = (address.kelurahan_code or "").strip()
    if code:
        if centroid(code) is None:  # not a Kota Bekasi kelurahan
            fields["kelurahan_code"] = "invalid"
        values.update(kelurahan_code=code, city=None, postal_code=None)
    else:
        city = (address.city or "").strip()[:80]
        postal = (address.postal_code or "").strip()
        if not city:
            fields["city"] = "required"
        if not (len(postal) == 5 and postal.isdigit()):
            fields["postal_code"] = "invalid" if postal else "required"
        values.update(kelurahan_code=None, city=city, postal_code=postal)
    if fields:
        raise CheckoutValidationError("the address is incomplete", fields)
    return values


clean_address = _clean_address  # also the address of a partner's request for quote


def _check_lines(lines: list[CartLine]) -> None:
    if not lines:
        raise EmptyCartError("the cart is empty")
    gone = [line.variant for line in lines if is_unavailable(line.variant)]
    if gone:
        raise UnavailableItemsError(
            "no longer for sale: " + ", ".join(v.product.title for v in gone),
            {f"variant_{v.id}": "unavailable" for v in gone},
        )
    short = [
        Shortage(line.variant.id, line.variant.product.title, line.quantity, line.variant.stock)
        for line in lines
        if not line.variant.product.made_to_order and line.quantity > line.variant.stock
    ]
    if short:
        raise InsufficientStockCheckoutError(short)


def _check_prices_seen(result: Quote, expected_total_idr: int | None) -> None:
    """The buyer agreed to what they will pay: the total they were shown, or else each line's price.

    A matching ``expected_total_idr`` is the buyer's agreement to every price in it; without one,
    a line whose price is not the one the buyer last saw in the cart stops the checkout.
    """
    if expected_total_idr is not None:
        if expected_total_idr != result.total_idr:
            raise PriceChangedError("prices or fees changed since the page was shown; check the new total",
                                    {"total_idr": str(result.total_idr)})
        return
    changed = {f"items.{line.cart_line_id}": f"seen {line.seen_unit_price_idr}, now {line.unit_price_idr}"
               for part in result.parts for line in part.lines if line.price_changed}
    if changed:
        raise PriceChangedError("prices changed since the cart was last shown; read the cart to see them, "
                                "or send the new expected_total_idr", changed)


def _check_deliveries(result: Quote, deliveries: Mapping[str, str]) -> None:
    fields = {}
    for part in result.parts:
        if part.chosen is None:
            wanted = deliveries.get(part.sentra.slug)
            fields[f"deliveries.{part.sentra.slug}"] = "required" if not wanted else "unavailable"
    if fields:
        raise DeliveryUnavailableError("choose a delivery method each sentra offers for this address", fields)


def _find(buyer_id: int, key: str) -> Checkout | None:
    return db.session.scalar(
        select(Checkout).where(Checkout.buyer_id == buyer_id, Checkout.idempotency_key == key)
    )


def _order_spec(part: SentraQuote, buyer: User, in_city: bool) -> OrderSpec:
    chosen = part.chosen
    assert chosen is not None
    return OrderSpec(
        buyer_id=buyer.id, sentra_id=part.sentra.id, lines=tuple(_line_spec(line) for line in part.lines),
        delivery_method=chosen.method, delivery_fee_idr=chosen.fee_idr, distance_km=chosen.distance_km,
        in_city=in_city, handling_days=part.settings.handling_days, actor_id=buyer.id, note="checkout",
    )


def _line_spec(line: QuotedLine) -> LineSpec:
    variant, product = line.variant, line.variant.product
    return LineSpec(
        variant_id=variant.id, product_id=variant.product_id, title=product.title, variant_label=variant.label,
        sku=variant.sku, quantity=line.quantity, unit_price_idr=line.unit_price_idr,
        weight_grams=variant.weight_grams, made_to_order=product.made_to_order,
        lead_time_days=(product.lead_time_days or 0) if product.made_to_order else 0,
    )


@functools.cache
def _delete_bought_lines() -> Delete:
    """DELETE the buyer's cart lines of the bought variants, built once (as the cart's read is)."""
    return CartLine.__table__.delete().where(
        CartLine.cart_id.in_(select(Cart.id).where(Cart.user_id == bindparam("buyer_id", type_=Integer))
                             .scalar_subquery()),
        CartLine.variant_id.in_(bindparam("bought", expanding=True)),
    )


def _step_one(buyer: User, request: CheckoutRequest,
              config: Mapping[str, Any]) -> tuple[Checkout, dict[str, Any] | None, list[int]]:
    """Step 1. Commits; returns the checkout, the column values it was committed with (None for a
    partner's, which its completion may change: read again) and the variants its reservation emptied."""
    try:
        provider = get_provider(request.payment_method)
    except KeyError:
        raise CheckoutValidationError("unknown payment method", {"payment_method": "invalid"}) from None
    address = _clean_address(request.address)
    strategy, lines = strategy_and_cart_lines(buyer)
    _check_lines(lines)
    result = quote(buyer, lines, Destination(address["kelurahan_code"]), request.deliveries, config, strategy)
    _check_deliveries(result, request.deliveries)
    if request.payment_method not in result.payment_methods:
        raise PaymentMethodUnavailableError("this payment method is not available for these deliveries",
                                            {"payment_method": "unavailable"})
    total = result.total_idr
    _check_prices_seen(result, request.expected_total_idr)
    provider.check_amount(total, config)
    purchase, on_behalf = None, purchaser()
    if on_behalf is not None and isinstance(strategy, PartnerStrategy):  # a partner's member buys for it
        purchase = on_behalf.gate(buyer, [(line.variant.id, line.quantity) for line in lines], total)

    now = utcnow()
    checkout = placement.open_checkout(buyer_id=buyer.id, idempotency_key=request.idempotency_key,
                                       payment_method=provider.name, total_idr=total, address=address,
                                       now=now, config=config, flush=False)
    in_city = checkout.kelurahan_code is not None
    orders = placement.place_orders(checkout, [_order_spec(part, buyer, in_city) for part in result.parts])
    # The creator runs step 2 itself; the payment's start mark keeps a parallel repeat from starting a second.
    placement.record_payment(checkout, config)

    bought = sorted({line.variant.id for part in result.parts for line in part.lines})
    db.session.execute(_delete_bought_lines(), {"buyer_id": buyer.id, "bought": bought})
    # Last, so the variant rows stay locked for as short a time as possible: a retail purchase
    # commits with its reservation; a partner's numbers its invoices after the stock (as an
    # accepted quote does: one lock order for stock and invoice counters), then commits.
    titles = {line.variant.id: line.variant.product.title for line in lines}  # read before a rollback
    committed = _column_values(checkout) if purchase is None else None
    try:
        emptied = placement.reserve_stock(orders, actor_id=buyer.id, commit=purchase is None)
    except stock.InsufficientStockError as short:
        raise InsufficientStockCheckoutError(
            [Shortage(short.variant_id, titles[short.variant_id], short.requested, short.available)]
        ) from None
    if purchase is not None:
        on_behalf.complete(purchase, checkout, orders, now)
        db.session.commit()
    return checkout, committed, emptied


def _column_values(obj: Any) -> dict[str, Any]:
    """The column values ``obj`` holds (after its INSERT: every column), before a commit expires them."""
    state = inspect(obj)
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs if attr.key in state.dict}


def _still_loaded(obj: Any, values: dict[str, Any]) -> None:
    """``obj`` with ``values`` loaded again after the commit expired them, as a read would load them.

    The checkout's row is what this request just inserted and committed: reading it back (a new
    transaction: BEGIN and a SELECT) would only return these values.
    """
    for key, value in values.items():
        set_committed_value(obj, key, value)


def _announce_emptied(variant_ids: list[int]) -> None:
    """After the commit: the variants a checkout emptied leave "in stock" search. Commits.

    A failure here leaves the checkout standing; the search index says "in stock" until
    the product next changes (or ``search reindex``), which is logged.
    """
    if not variant_ids:
        return
    try:
        stock.announce_emptied(variant_ids)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not take emptied variants %s out of in-stock search", variant_ids)


# --- steps 2 and 3 --------------------------------------------------------------------------------


def _claim_start(payment_id: int) -> bool:
    """Take the right to run step 2 for a payment whose step 2 never finished. Commits."""
    now = utcnow()
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.provider_ref.is_(None), Payment.state == PaymentState.PENDING,
               (Payment.provider_started_at.is_(None)) | (Payment.provider_started_at < now - STALE_START))
        .values(provider_started_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _record_start(payment_id: int, started: Started) -> None:
    payment = db.session.get(Payment, payment_id, with_for_update=True)
    if payment.provider_ref is None and started.provider_ref:
        payment.provider_ref = started.provider_ref
    if started.client_secret:
        payment.client_secret = started.client_secret
    if started.extra:  # what the buyer needs to pay (a gateway's QR string, VA number...)
        payment.provider_data = {**(payment.provider_data or {}), **started.extra}
    if payment.state == PaymentState.PENDING and started.state != PaymentState.PENDING:
        payment.state = started.state
    payment.provider_started_at = None
    db.session.commit()


def _abandon(checkout_id: int, message: str, config: Mapping[str, Any]) -> None:
    """Step 2 failed: the orders are cancelled and their stock goes back. Commits."""
    payment = db.session.scalar(select(Payment).where(Payment.checkout_id == checkout_id).with_for_update())
    if payment is None or payment.state != PaymentState.PENDING:
        db.session.rollback()
        return
    payment.state = PaymentState.FAILED
    payment.failure_message = message[:500]
    payment.provider_started_at = None
    for order in db.session.scalars(select(Order).where(Order.checkout_id == checkout_id).order_by(Order.id)):
        lifecycle.cancel(order, None, f"payment could not start: {message}", config, job=None)
    db.session.commit()


def start_payment(checkout: Checkout, config: Mapping[str, Any]) -> None:
    """Steps 2 and 3 for a checkout whose step 2 this request has claimed. Commits.

    :raise PaymentError: the provider refused; the orders are cancelled and the stock returned.
    """
    payment = checkout.payment
    provider = get_provider(payment.method)
    payment_id, checkout_id = payment.id, checkout.id
    db.session.commit()  # nothing may be held open while the provider is called
    try:
        started = provider.start(payment, config)
    except PaymentError as error:
        db.session.rollback()
        _abandon(checkout_id, error.message, config)
        raise
    except Exception as error:  # the provider is down or answered nonsense
        log.exception("payment provider %s failed to start checkout %s", provider.name, checkout_id)
        db.session.rollback()
        _abandon(checkout_id, type(error).__name__, config)
        raise PaymentError("the payment could not be started; nothing was charged, please try again",
                           "payment_unavailable") from error
    _record_start(payment_id, started)


def _wait_for_start(checkout: Checkout, config: Mapping[str, Any]) -> Checkout:
    """A repeat found the checkout: wait for the first request's step 2, or redo it if abandoned."""
    deadline = time.monotonic() + REPEAT_WAIT_SECONDS
    checkout_id = checkout.id
    while True:
        db.session.expire_all()
        checkout = db.session.get(Checkout, checkout_id)
        payment = checkout.payment
        if payment is None or payment.provider_ref or payment.state != PaymentState.PENDING:
            return checkout
        if payment.provider_started_at is None and not get_provider(payment.method).needs_start:
            return checkout
        if time.monotonic() > deadline or payment.provider_started_at is None:
            if _claim_start(payment.id):
                start_payment(db.session.get(Checkout, checkout_id), config)
                return db.session.get(Checkout, checkout_id)
            if time.monotonic() > deadline:
                return checkout
        db.session.rollback()
        time.sleep(0.05)


@dataclass
class CheckoutResult:
    checkout: Checkout
    created: bool


def place_checkout(buyer: User, request: CheckoutRequest, config: Mapping[str, Any]) -> CheckoutResult:
    """Turn ``buyer``'s cart into a checkout and its orders, then start the payment. Commits.

    Idempotent on ``request.idempotency_key``: a repeat (also a parallel one) returns the
    first checkout with ``created=False``, and never starts a second provider payment.

    :raise CheckoutError: (and its subclasses) the cart, address, deliveries, method or
        prices do not allow it; nothing was written.
    :raise InsufficientStockCheckoutError: names every variant short; nothing was reserved.
    :raise ApprovalRequiredError: a partner member's checkout above the
        partner's approval threshold without a manager's approval of this cart. A partner member's
        checkout otherwise belongs to the partner and each of its orders gets an invoice.
    :raise PaymentError: the provider refused to start; the orders are cancelled and the
        stock is back.
    """
    key = (request.idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise CheckoutValidationError("a checkout needs an idempotency key of 1-100 characters",
                                      {"idempotency_key": "invalid"})
    request = CheckoutRequest(key, request.payment_method, request.address, dict(request.deliveries),
                              request.expected_total_idr)
    buyer_id = buyer.id
    for attempt in range(STEP_ONE_ATTEMPTS):
        # The first turn does not look for a repeat: a repeat finds the cart emptied (or its key
        # taken at the checkout's INSERT) and looks then; a first checkout saves the round trip.
        existing = _find(buyer_id, key) if attempt else None
        if existing is not None:
            return CheckoutResult(_wait_for_start(existing, config), created=False)
        try:
            checkout, committed, emptied = _step_one(buyer, request, config)
            break
        except IntegrityError:
            # The key was claimed by a parallel request (found on the next turn), or a random
            # order number collided, or every transfer-code draw did (drawn again on the next turn).
            db.session.rollback()
            buyer = db.session.get(User, buyer_id)
        except CheckoutError:
            # A parallel request with this key may have committed meanwhile and emptied the
            # cart this one was checking: then this is a repeat, not an empty cart.
            db.session.rollback()
            existing = _find(buyer_id, key)
            if existing is not None:
                return CheckoutResult(_wait_for_start(existing, config), created=False)
            raise
        except BaseException:
            db.session.rollback()
            raise
    else:
        existing = _find(buyer_id, key)
        if existing is None:
            raise CheckoutError("the checkout could not be saved; please try again")
        return CheckoutResult(_wait_for_start(existing, config), created=False)
    _announce_emptied(emptied)
    if committed is not None:
        _still_loaded(checkout, committed)
    checkout_id = checkout.id  # a partner's checkout is read again here
    if get_provider(checkout.payment_method).needs_start:
        start_payment(checkout, config)
        checkout = db.session.get(Checkout, checkout_id)
    return CheckoutResult(checkout, created=True)


B = TypeVar("B")


def book_once(model: type[B], find: Callable[[], B | None], step_one: Callable[[], int],
              unsaved: Callable[[], Exception], config: Mapping[str, Any]) -> tuple[B, bool]:
    """A booking (a class's seats, a facility's hours) made once for its key, as a checkout is; then its
    order's payment started. Returns (the booking, whether this call made it). Commits.

    ``find()`` looks for the booking of this buyer and key; ``step_one()`` inserts it (and its order),
    commits, and returns its id. A repeat, also a parallel one whose INSERT loses the race for the key
    (an ``IntegrityError``, as is a drawn code or order number that collided), finds the first booking.

    :raise unsaved(): every attempt collided and no booking is found.
    :raise PaymentError: the provider refused to start; the order is cancelled (and the booking with it).
    """
    for _attempt in range(STEP_ONE_ATTEMPTS):
        existing = find()
        if existing is not None:
            return existing, False
        try:
            booking_id = step_one()
            break
        except IntegrityError:
            db.session.rollback()
        except BaseException:
            db.session.rollback()
            raise
    else:
        existing = find()
        if existing is None:
            raise unsaved()
        return existing, False
    booking = db.session.get(model, booking_id)
    if booking.order_id is not None:
        checkout = db.session.get(Order, booking.order_id).checkout
        if get_provider(checkout.payment_method).needs_start:
            start_payment(checkout, config)
            booking = db.session.get(model, booking_id)
    return booking, True

