"""Why a fulfilment step was refused: each error carries the API's ``code`` and HTTP ``status``."""
from __future__ import annotations

from typing import Any

from orders.core.errors import OrderError


class ShippingError(OrderError):
    """A refused fulfilment step; ``fields`` names the input at fault (the API's ``fields``)."""

    code = "shipping_error"
    status = 422

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class TimelineError(ShippingError):
    """An event the timeline cannot take (backwards, after delivered/returned, the order not open)."""

    code = "invalid_event"
    status = 409


class HandoverRequiredError(TimelineError):
    """``delivered`` of a pickup or sentra-courier order needs the buyer's code (:func:`handover`)."""

    code = "handover_required"


class CourierRequiredError(TimelineError):
    """A sentra-courier parcel is handed to a courier only once a manager assigned one."""

    code = "courier_required"


class InvalidNoteError(ShippingError):
    code = "reason_required"


class InvalidWaybillError(ShippingError):
    code = "invalid_waybill"


class InvalidCarrierError(ShippingError):
    code = "invalid_carrier"


class PaidWithRequiredError(ShippingError):
    code = "paid_with_required"


class InvalidRecipientError(ShippingError):
    code = "invalid_recipient"


class InvalidPhotoError(ShippingError):
    code = "invalid_photo"


class InvalidCourierError(ShippingError):
    code = "invalid_courier"


class NotManagerError(ShippingError):
    code = "forbidden"
    status = 403


class WrongCodeError(ShippingError):
    """The pickup code or PIN did not match. The failure is counted (flushed): commit it."""

    code = "wrong_code"

    def __init__(self, attempts_left: int) -> None:
        message = ("wrong code; the handover is now locked until a manager resets it" if attempts_left == 0
                   else f"wrong code; {attempts_left} attempts left")
        super().__init__(message, {"code": "wrong", "attempts_left": attempts_left})
        self.attempts_left = attempts_left


class HandoverLockedError(ShippingError):
    """Too many wrong codes: no handover until a manager resets the lock.

    A wrong code tried while locked is still counted (flushed: commit it); a right one
    is refused all the same.
    """

    code = "locked"
    status = 423

    def __init__(self) -> None:
        super().__init__("too many wrong codes; a manager of the sentra must reset the handover lock")
