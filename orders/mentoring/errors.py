"""What can stop a mentoring operation; each carries the API's ``code`` and HTTP ``status`` and,
where a form needs it, ``fields`` (field name -> a message to show)."""
from __future__ import annotations

from orders.core.errors import OrderError


class MentoringError(OrderError):
    code = "mentoring_error"
    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class MentoringValidationError(MentoringError):
    code = "validation_error"


class MentoringNotFoundError(MentoringError, LookupError):
    """A mentor, slot, session or action item that does not exist, or is someone else's."""

    code = "not_found"
    status = 404


class SlotTakenError(MentoringError):
    """Another sentra booked the slot first (or its mentor withdrew it); nothing was booked."""

    code = "slot_taken"
    status = 409


class MentorExistsError(MentoringError):
    code = "mentor_exists"
    status = 409


class CancelClosedError(MentoringError):
    """The session has started: it can no longer be cancelled; nothing changed."""

    code = "cancel_closed"
    status = 409
