"""Fulfilment: a shipment's timeline of tracking events, and the handovers that end it.

Each delivery method has its own transition table (:mod:`orders.shipping.timeline`): events may skip
steps that do not apply, but never go backwards, and nothing follows ``delivered`` or
``returned``. The order's fulfilment status follows from the events, through
:func:`orders.core.status.transition` and nowhere else (``timeline.ORDER_STATUS_FOR``):
``ready_for_pickup`` makes it ``ready_for_pickup``, ``handed_to_courier`` ``shipped``,
``delivered`` ``delivered``, and ``returned`` cancels it (stock back, a paid order refunded).

``delivered`` of a pickup or a sentra-courier order is recorded only by :func:`handover`
(the buyer's pickup code or delivery PIN) or, for the sentra's courier when the buyer
cannot give the PIN, by :func:`deliver_without_pin` (a photo and the recipient's name,
which the buyer may dispute). An external courier's delivery is entered by the sentra.

Lock order, as everywhere in orders: the checkout's payment row, then its orders in id
order (:func:`orders.core.locks.lock_payment`), then the shipment row. Services
flush and never commit; every refusal is a domain error raised before anything
changed, except :class:`WrongCodeError` and :class:`HandoverLockedError` after a wrong
code, whose failure count the caller commits (see :func:`handover`).
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from catalog.images import InvalidImageError, process_photo
from catalog.products.models import StockReason
from orders.core import codes, lifecycle
from orders.core.locks import lock_payment
from orders.core.models import Checkout, DeliveryMethod, Order, OrderStatus, PaymentStatus
from orders.core.payments import PaymentMethod, PaymentState
from orders.core.signals import order_paid, order_placed
from orders.core.status import record_event, transition
from orders.shipping.errors import (
    CourierRequiredError,
    HandoverLockedError,
    HandoverRequiredError,
    InvalidCarrierError,
    InvalidCourierError,
    InvalidNoteError,
    InvalidPhotoError,
    InvalidRecipientError,
    InvalidWaybillError,
    NotManagerError,
    PaidWithRequiredError,
    TimelineError,
    WrongCodeError,
)
from orders.shipping.models import Carrier, Shipment, TrackingEvent, TrackingStatus
from orders.shipping.timeline import (
    CARRIER_NAME_MAX,
    EMAIL_JOBS,
    FINISHED,
    HANDOVER_ONLY,
    MAX_CODE_FAILURES,
    NOTE_MAX,
    OPEN_ORDER_STATUSES,
    ORDER_STATUS_FOR,
    PAID_WITH,
    PHOTO_PREFIX,
    REASON_MIN,
    RECIPIENT_MAX,
    RECIPIENT_MIN,
    can_take,
    check_carrier,
    is_manager,
    normalise_waybill,
)
from shop import storage
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.sentras.access import membership_for

T = TrackingStatus
S = OrderStatus
M = DeliveryMethod

# --- a new order's shipment --------------------------------------------------------------------


@order_placed.connect
def open_shipment(order: Order, **_: Any) -> None:
    """Every new order travels by its delivery method; the sentra's courier gets a delivery PIN to ask for."""
    method = order.delivery_method
    order.shipment = Shipment(sentra_id=order.sentra_id, method=method,
                              delivery_pin=codes.pickup_code() if method == DeliveryMethod.SENTRA_COURIER else None)


# --- locking and appending ---------------------------------------------------------------------------


def _lock(order: Order) -> Shipment:
    """Lock the order's payment and orders (re-reading ``order``), then its shipment; return the shipment."""
    payment = order.checkout.payment
    if payment is not None:
        lock_payment(payment.id)
    else:
        db.session.scalar(select(Order).where(Order.id == order.id).with_for_update(of=Order)
                          .execution_options(populate_existing=True))
    shipment = db.session.scalar(
        select(Shipment).where(Shipment.order_id == order.id).with_for_update(of=Shipment)
        .execution_options(populate_existing=True)
    )
    if shipment is None:
        raise TimelineError("this order has no shipment")
    return shipment


def _check_open(order: Order, shipment: Shipment, status: str) -> None:
    if shipment.status in FINISHED:
        raise TimelineError(f"the shipment is {shipment.status}; nothing can follow", {"status": status})
    if order.status not in OPEN_ORDER_STATUSES:
        raise TimelineError(f"the order is {order.status}, not being fulfilled", {"status": status})
    if not can_take(shipment, status):
        raise TimelineError(f"{status} cannot follow {shipment.status or 'the start'} "
                            f"for {shipment.method}", {"status": status})


def _clean_note(note: str | None, *, required: bool) -> str | None:
    note = " ".join((note or "").split())
    if not note:
        if required:
            raise InvalidNoteError(f"a reason of {REASON_MIN}-{NOTE_MAX} characters is required",
                                   {"note": "required"})
        return None
    if len(note) > NOTE_MAX or (required and len(note) < REASON_MIN):
        raise InvalidNoteError(f"the note must be {REASON_MIN if required else 1}-{NOTE_MAX} characters long",
                               {"note": "length"})
    return note


def _process(photo: bytes) -> bytes:
    try:
        return process_photo(photo).full
    except InvalidImageError as error:
        raise InvalidPhotoError(str(error.message), {"photo": error.reason}) from None


def _store(webp: bytes) -> str:
    """Save a processed photo (deleted again if the transaction rolls back); return its key."""
    key = storage.new_key(PHOTO_PREFIX, "webp")
    storage.get_storage().save(key, webp, "image/webp")
    storage.delete_on_rollback(db.session, [key])
    return key


def _append(order: Order, shipment: Shipment, status: str, actor: Any | None, note: str | None,
            photo_key: str | None = None, config: Mapping[str, Any] | None = None) -> TrackingEvent:
    """Add the event, move the order's status with it, and queue the buyer's email. Flushes."""
    event = TrackingEvent(shipment=shipment, status=status, note=note, actor_id=getattr(actor, "id", None),
                          photo_key=photo_key)
    db.session.add(event)
    shipment.status = status
    now = utcnow()
    target = ORDER_STATUS_FOR.get(status)
    summary = f"tracking: {status}" + (f" ({note})" if note else "")
    if status == T.RETURNED:
        _returned(order, actor, summary, note, config if config is not None else current_app.config)
    elif target is not None:
        transition(order, target, actor, summary)
    if status == T.READY_FOR_PICKUP:
        shipment.ready_at = now
    elif status == T.DELIVERED:
        shipment.delivered_at = now
    db.session.flush()
    if status in EMAIL_JOBS:
        enqueue(EMAIL_JOBS[status], {"order_id": order.id, "event_id": event.id})
    return event


def _returned(order: Order, actor: Any | None, summary: str, note: str | None, config: Mapping[str, Any]) -> None:
    """The parcel came back: the order is cancelled, its stock returned and a paid order refunded."""
    reason = f"returned to the sentra: {note}" if note else "returned to the sentra"
    lifecycle.cancel(order, actor, summary, config, reason=reason, by="sentra", stock_reason=StockReason.RETURN)


# --- services -----------------------------------------------------------------------------------------


def record_tracking_event(order: Order, status: str, actor: Any | None, note: str | None = None, *,
                          courier: str | None = None, waybill: str | None = None, photo: bytes | None = None,
                          carrier_name: str | None = None,
                          config: Mapping[str, Any] | None = None) -> TrackingEvent:
    """Append ``status`` to ``order``'s shipment timeline. Locks payment, orders, shipment; flushes.

    ``delivery_failed`` needs a reason (``note``, 3-500 characters). An external
    courier's ``handed_to_courier`` needs the carrier (``courier``, a
    :class:`~orders.shipping.models.Carrier`) and the ``waybill`` unless already set
    (:func:`set_waybill`). A sentra-courier parcel is handed over only to an assigned
    courier. ``photo`` (bytes) goes through the image pipeline. The order's status
    follows (:data:`ORDER_STATUS_FOR`); ``returned`` cancels it, returns the stock and
    refunds a paid order. The buyer's email is queued (:data:`EMAIL_JOBS`).

    :raise TimelineError: (409) the timeline cannot take ``status`` (unknown, backwards,
        after delivered/returned, the order not accepted or cancelled).
    :raise HandoverRequiredError: (409) ``delivered`` of a pickup or sentra-courier order.
    :raise CourierRequiredError: (409) no courier assigned to a sentra-courier order.
    :raise InvalidNoteError, InvalidWaybillError, InvalidCarrierError, InvalidPhotoError: (422).
    :raise PaymentError: the refund of a returned parcel was refused; nothing changed.
    """
    if status not in set(TrackingStatus):
        raise TimelineError(f"unknown tracking status {status!r}", {"status": "unknown"})
    status = TrackingStatus(status).value
    note = _clean_note(note, required=status == T.DELIVERY_FAILED)
    processed = _process(photo) if photo else None
    shipment = _lock(order)
    if status in HANDOVER_ONLY.get(shipment.method, ()):
        raise HandoverRequiredError("delivered is recorded with the buyer's code at the handover",
                                    {"status": status})
    _check_open(order, shipment, status)
    if status == T.HANDED_TO_COURIER:
        if shipment.method == M.COURIER:
            if courier is not None or waybill is not None:
                _apply_waybill(shipment, courier or shipment.carrier, waybill or shipment.waybill, carrier_name)
            if not shipment.carrier or not shipment.waybill:
                raise InvalidWaybillError("handing a parcel to a courier needs the courier and the waybill",
                                          {"waybill": "required", "courier": "required"})
        elif shipment.method == M.SENTRA_COURIER and shipment.courier_user_id is None:
            raise CourierRequiredError("a manager must assign a courier first")
    photo_key = _store(processed) if processed is not None else None
    return _append(order, shipment, status, actor, note, photo_key, config)


def handover(order: Order, code: str, actor: Any | None, paid_with: str | None = None) -> TrackingEvent:
    """Hand the order to the buyer against their code, recording ``delivered``. Locks; flushes.

    A pickup order (``ready_for_pickup``) takes its ``pickup_code``; a sentra-courier
    order (handed to the courier, in transit, out for delivery or failed once) takes
    the shipment's ``delivery_pin``. Codes are compared in constant time. A pay-on-pickup
    order needs ``paid_with`` (``cash`` or ``qris``): the payment is recorded at the same
    moment (the order becomes ``paid`` with a ``payment`` order event naming how; the
    checkout's payment becomes ``succeeded`` once every open order of it is paid).

    A wrong code adds one to ``shipment.code_failures``; the fifth in a row locks the
    handover (``locked_at``) until :func:`reset_code_lock`. Wrong codes tried while locked
    still count; a right one is refused while locked. After :class:`WrongCodeError` and
    :class:`HandoverLockedError` the caller COMMITS (the count is the point) and answers
    with the error; after any other error it rolls back.

    :raise TimelineError: (409) not awaiting a handover (not ready, delivered, cancelled, an
        external courier's parcel).
    :raise PaidWithRequiredError: (422) pay-on-pickup without ``cash`` or ``qris``.
    :raise WrongCodeError: (422) the code did not match; counted.
    :raise HandoverLockedError: (423) locked by wrong codes.
    """
    code = "".join((code or "").split())
    shipment = _lock(order)
    if shipment.method == M.COURIER:
        raise TimelineError("an external courier's delivery is entered as an event, not handed over")
    _check_open(order, shipment, T.DELIVERED)
    paying = order.payment_method == PaymentMethod.PAY_ON_PICKUP and order.payment_status == PaymentStatus.UNPAID
    if paying and paid_with not in PAID_WITH:
        raise PaidWithRequiredError("say how the buyer paid: cash or qris", {"paid_with": "cash or qris"})
    expected = order.pickup_code if shipment.method == M.PICKUP else shipment.delivery_pin
    right = bool(expected) and hmac.compare_digest(code.encode(), expected.encode())
    if shipment.locked_at is not None:
        if not right:
            shipment.code_failures += 1
            db.session.flush()
        raise HandoverLockedError()
    if not right:
        shipment.code_failures += 1
        if shipment.code_failures >= MAX_CODE_FAILURES:
            shipment.locked_at = utcnow()
            record_event(order, "note", actor, "handover locked after too many wrong codes")
        db.session.flush()
        raise WrongCodeError(max(0, MAX_CODE_FAILURES - shipment.code_failures))
    shipment.code_failures = 0
    if paying:
        _record_pickup_payment(order, actor, paid_with)
    how = "pickup code" if shipment.method == M.PICKUP else "delivery PIN"
    return _append(order, shipment, T.DELIVERED, actor, f"handed over with the buyer's {how}")


def _record_pickup_payment(order: Order, actor: Any | None, paid_with: str) -> None:
    """Cash or QRIS received at the handover: the order is paid; the payment succeeds with its last order."""
    now = utcnow()
    order.payment_status = PaymentStatus.PAID
    order.paid_at = now
    record_event(order, "payment", actor, f"paid at pickup: {paid_with}")
    order_paid.send(order, when=now, config=current_app.config)  # B2B pays the order's invoice
    payment = order.checkout.payment
    still_open = [o for o in order.checkout.orders if o.status not in (S.CANCELLED, S.EXPIRED)]
    if payment is not None and all(o.payment_status != PaymentStatus.UNPAID for o in still_open):
        payment.state = PaymentState.SUCCEEDED
        payment.paid_at = now
        payment.decided_by_id = getattr(actor, "id", None)
    enqueue("order.paid", {"order_id": order.id})


def deliver_without_pin(order: Order, actor: Any | None, recipient_name: str, photo_bytes: bytes) -> TrackingEvent:
    """The sentra's courier delivers without the buyer's PIN: a photo and who took it. Locks; flushes.

    The photo goes through the image pipeline (decoded, EXIF stripped, WebP) and its key
    is kept on the shipment (``proof_key``) and the event (``photo_key``); the event's
    note says "delivered without PIN to <name>". The buyer may dispute it.

    :raise InvalidRecipientError, InvalidPhotoError: (422).
    :raise TimelineError: (409) not a sentra-courier order awaiting delivery.
    :raise HandoverLockedError: (423) the handover is locked by wrong PINs.
    """
    name = " ".join((recipient_name or "").split())
    if not RECIPIENT_MIN <= len(name) <= RECIPIENT_MAX:
        raise InvalidRecipientError(f"the recipient's name is {RECIPIENT_MIN}-{RECIPIENT_MAX} characters",
                                    {"recipient_name": "required"})
    if not photo_bytes:
        raise InvalidPhotoError("a photo of the delivery is required", {"photo": "required"})
    webp = _process(photo_bytes)
    shipment = _lock(order)
    if shipment.method != M.SENTRA_COURIER:
        raise TimelineError("only the sentra's own courier delivers without a PIN")
    _check_open(order, shipment, T.DELIVERED)
    if shipment.locked_at is not None:
        raise HandoverLockedError()
    key = _store(webp)
    shipment.recipient_name = name
    shipment.proof_key = key
    return _append(order, shipment, T.DELIVERED, actor, f"delivered without PIN to {name}", photo_key=key)


def confirm_receipt(order: Order, actor: Any | None, recipient_name: str) -> TrackingEvent:
    """The buyer (a partner signing the handover record) confirms they received the goods,
    recording ``delivered``. Stronger than a code: the buyer says it themselves. Locks; flushes.

    :raise InvalidRecipientError: (422) the name of who received it is missing.
    :raise TimelineError: (409) not on its way or ready (not yet shipped, delivered, cancelled).
    """
    name = " ".join((recipient_name or "").split())
    if not RECIPIENT_MIN <= len(name) <= RECIPIENT_MAX:
        raise InvalidRecipientError(f"the recipient's name is {RECIPIENT_MIN}-{RECIPIENT_MAX} characters",
                                    {"recipient_name": "required"})
    shipment = _lock(order)
    _check_open(order, shipment, T.DELIVERED)
    if order.payment_method == PaymentMethod.PAY_ON_PICKUP and order.payment_status == PaymentStatus.UNPAID:
        raise TimelineError("a pay-at-pickup order is handed over by the sentra, against the code and the money")
    shipment.recipient_name = name
    return _append(order, shipment, T.DELIVERED, actor, f"receipt confirmed by the buyer: {name}")


def assign_courier(order: Order, member_user: User, manager: User) -> Shipment:
    """A manager (or the owner) makes ``member_user`` the courier of a sentra-courier order. Locks; flushes.

    Reassigning moves the delivery (and the sight of the buyer's address) to the new courier.

    :raise NotManagerError: (403) ``manager`` is not a manager or owner of the order's sentra.
    :raise InvalidCourierError: (422) ``member_user`` is not a member of the sentra.
    :raise TimelineError: (409) not a sentra-courier order, or it is delivered, returned or cancelled.
    """
    if not is_manager(manager, order.sentra_id):
        raise NotManagerError("only a manager or the owner assigns couriers")
    if membership_for(member_user.id, order.sentra_id) is None:
        raise InvalidCourierError("the courier must be a member of the sentra", {"courier_user_id": "not a member"})
    shipment = _lock(order)
    if shipment.method != M.SENTRA_COURIER:
        raise TimelineError("only orders delivered by the sentra's courier get a courier")
    if shipment.status in FINISHED or order.status not in OPEN_ORDER_STATUSES | {S.PLACED}:
        raise TimelineError("this delivery is over; it can no longer be reassigned")
    if shipment.courier_user_id != member_user.id:
        shipment.courier_user_id = member_user.id
        record_event(order, "note", manager, f"courier assigned: {member_user.name}")
    db.session.flush()
    return shipment


def reset_code_lock(order: Order, manager: User) -> Shipment:
    """A manager (or the owner) unlocks a handover locked by wrong codes (count back to 0). Locks; flushes.

    :raise NotManagerError: (403) not a manager or owner of the order's sentra.
    """
    if not is_manager(manager, order.sentra_id):
        raise NotManagerError("only a manager or the owner resets the handover lock")
    shipment = _lock(order)
    if shipment.locked_at is not None or shipment.code_failures:
        shipment.locked_at = None
        shipment.code_failures = 0
        record_event(order, "note", manager, "handover lock reset")
    db.session.flush()
    return shipment


def _apply_waybill(shipment: Shipment, carrier: str | None, waybill: str | None, carrier_name: str | None) -> None:
    carrier = check_carrier(carrier)
    waybill = normalise_waybill(waybill)
    name = " ".join((carrier_name or "").split()) or None
    if name is not None and len(name) > CARRIER_NAME_MAX:
        raise InvalidCarrierError(f"the courier's name is at most {CARRIER_NAME_MAX} characters",
                                  {"carrier_name": "too long"})
    shipment.carrier = carrier
    shipment.waybill = waybill
    shipment.carrier_name = name if carrier == Carrier.OTHER else None


def set_waybill(order: Order, carrier: str, waybill: str, carrier_name: str | None = None) -> Shipment:
    """Set (or correct) an external courier's carrier and waybill. Locks; flushes.

    The waybill is normalised (:func:`normalise_waybill`); ``carrier_name`` is kept for ``other``.

    :raise InvalidCarrierError, InvalidWaybillError: (422).
    :raise TimelineError: (409) not an external-courier order, or its delivery is over.
    """
    check_carrier(carrier)
    normalise_waybill(waybill)
    shipment = _lock(order)
    if shipment.method != M.COURIER:
        raise TimelineError("only an external courier's parcel has a waybill")
    if shipment.status in FINISHED or order.status not in OPEN_ORDER_STATUSES:
        raise TimelineError("this delivery is over; its waybill can no longer change")
    _apply_waybill(shipment, carrier, waybill, carrier_name)
    db.session.flush()
    return shipment


def load_shipment(order: Order) -> Shipment | None:
    return db.session.scalar(select(Shipment).where(Shipment.order_id == order.id))


def my_deliveries(sentra_id: int, courier: User) -> list[Order]:
    """``courier``'s open deliveries in ``sentra`` (assigned, not delivered or returned, order open),
    the earliest promise first. Loads checkout, kelurahan and shipment. Reads only."""
    return list(db.session.scalars(
        select(Order).join(Shipment, Shipment.order_id == Order.id)
        .where(Shipment.sentra_id == sentra_id, Order.sentra_id == sentra_id,
               Shipment.courier_user_id == courier.id,
               Shipment.method == M.SENTRA_COURIER,
               (Shipment.status.is_(None)) | (Shipment.status.not_in(list(FINISHED))),
               Order.status.in_([S.PLACED, *OPEN_ORDER_STATUSES]))
        .options(contains_eager(Order.shipment),
                 joinedload(Order.checkout).joinedload(Checkout.kelurahan))
        .order_by(Order.promised_at.is_(None), Order.promised_at, Order.id)
    ).unique())


def sees_address(shipment: Shipment, user: User) -> bool:
    """A courier sees the buyer's address while assigned and until the delivery is over."""
    return shipment.courier_user_id == user.id and shipment.status not in FINISHED
