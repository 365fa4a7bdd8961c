"""Domain errors of the orders package; views turn them into messages or 4xx JSON."""
from __future__ import annotations


class OrderError(Exception):
    """Base class: ``code`` is the API's error code, ``status`` its HTTP status."""

    code = "order_error"
    status = 422


class InvalidTransitionError(OrderError):
    code = "invalid_transition"
    status = 409

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(f"an order cannot go from {from_status} to {to_status}")
        self.from_status = from_status
        self.to_status = to_status


class OrderNotFoundError(OrderError, LookupError):
    code = "not_found"
    status = 404


class CheckoutNotFoundError(OrderError, LookupError):
    code = "not_found"
    status = 404


class NotAllowedError(OrderError):
    """The actor may not do this to this order (a buyer cancelling an order already processing)."""

    code = "not_allowed"
    status = 409
