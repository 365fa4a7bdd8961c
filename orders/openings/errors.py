"""What can stop an opening or an application; each carries the API's ``code`` and HTTP ``status`` and,
where a form needs it, ``fields`` (field name -> a message to show)."""
from __future__ import annotations

from orders.core.errors import OrderError


class OpeningError(OrderError):
    code = "opening_error"
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class OpeningValidationError(OpeningError):
    code = "validation_error"


class OpeningNotFoundError(OpeningError, LookupError):
    """An opening or application that does not exist, or is another sentra's or another applicant's."""

    code = "not_found"
    status = 404


class OpeningClosedError(OpeningError):
    """The opening was closed by the sentra or its closing day has passed; nothing was saved."""

    code = "opening_closed"
    status = 409


class AlreadyAppliedError(OpeningError):
    """The applicant already has an application to this opening (one per opening)."""

    code = "already_applied"
    status = 409


class ApplicationStateError(OpeningError):
    """The decision or the withdrawal does not fit the application's state (decided or withdrawn already)."""

    code = "invalid_transition"
    status = 409
