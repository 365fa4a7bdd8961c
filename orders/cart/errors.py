"""Cart errors: each carries the API's ``code`` and HTTP ``status``."""
from __future__ import annotations

from catalog import stock as catalog_stock
from orders.core.errors import OrderError


class CartError(OrderError):
    """Base class of cart errors (``code`` and ``status`` as the API answers them)."""

    code = "cart_error"
    status = 422


class InvalidQuantityError(CartError, ValueError):
    """A quantity that is not a whole number from 1 to :data:`MAX_QUANTITY`."""

    code = "invalid_quantity"
    status = 422


class VariantNotFoundError(CartError, LookupError):
    """No variant has this id."""

    code = "not_found"
    status = 404


class VariantUnavailableError(CartError):
    """The variant is archived, its product is not active, or its sentra is not active."""

    code = "unavailable"
    status = 422

    def __init__(self, variant_id: int) -> None:
        super().__init__(f"variant {variant_id} cannot be bought now")
        self.variant_id = variant_id


class CartLineNotFoundError(CartError, LookupError):
    """No line with this id in this cart (another buyer's line is not found either)."""

    code = "not_found"
    status = 404


class InsufficientStockError(CartError, catalog_stock.InsufficientStockError):
    """More units asked for than the variant has in stock (``available`` says how many).

    Also a :class:`catalog.stock.InsufficientStockError`, so checkout code can catch one type.
    """

    code = "insufficient_stock"
    status = 409
