"""What can stop a class or a booking; each carries the API's ``code`` and HTTP ``status`` and,
where a form needs it, ``fields`` (field name -> a message to show)."""
from __future__ import annotations

from orders.core.errors import OrderError


class ClassError(OrderError):
    code = "class_error"
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ClassValidationError(ClassError):
    code = "validation_error"


class ClassNotFoundError(ClassError, LookupError):
    """A class or booking that does not exist, or is another sentra's or another buyer's."""

    code = "not_found"
    status = 404


class ClassFullError(ClassError):
    """Fewer seats are left than asked for; nothing was taken."""

    code = "class_full"
    status = 409


class ClassClosedError(ClassError):
    """The class is cancelled or has started: it takes no bookings or changes."""

    code = "class_closed"
    status = 409


class WrongCodeError(ClassError):
    """No booking of this class has that attendance code (who booked is never said)."""

    code = "wrong_code"


class TooManyWrongCodesError(ClassError):
    """This member typed too many wrong attendance codes at this class lately (guessing is slowed down)."""

    code = "rate_limited"
    status = 429


class CancelClosedError(ClassError):
    """The buyer's cancellation deadline has passed, or the booking has ended."""

    code = "cancel_closed"
