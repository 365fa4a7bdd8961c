"""What can stop a checkout; each carries the API's ``code`` and HTTP ``status`` and, where it
helps the form, ``fields`` (field name -> problem)."""
from __future__ import annotations

from dataclasses import dataclass

from orders.core.errors import OrderError


class CheckoutError(OrderError):
    code = "checkout_error"
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class CheckoutValidationError(CheckoutError):
    code = "validation_error"


class EmptyCartError(CheckoutError):
    code = "empty_cart"


class UnavailableItemsError(CheckoutError):
    code = "unavailable"


class DeliveryUnavailableError(CheckoutError):
    code = "delivery_unavailable"


class PaymentMethodUnavailableError(CheckoutError):
    code = "payment_method_unavailable"


class PriceChangedError(CheckoutError):
    code = "price_changed"
    status = 409


@dataclass(frozen=True)
class Shortage:
    variant_id: int
    title: str
    requested: int
    available: int


class InsufficientStockCheckoutError(CheckoutError):
    code = "insufficient_stock"
    status = 409

    def __init__(self, shortages: list[Shortage]) -> None:
        names = ", ".join(f"{s.title} ({s.available} left)" for s in shortages)
        super().__init__(f"not enough stock: {names}",
                         {f"variant_{s.variant_id}": f"{s.available} available" for s in shortages})
        self.shortages = shortages


class ApprovalRequiredError(CheckoutError):
    """The checkout is above the partner's approval threshold and no manager approved this cart."""

    code = "approval_required"
    status = 422
