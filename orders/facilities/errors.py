"""What can stop a facility or its booking (``code`` and ``status`` for the API, ``fields`` for forms)."""
from __future__ import annotations

from orders.classes.errors import ClassError


class FacilityError(ClassError):
    code = "facility_error"


class FacilityValidationError(FacilityError):
    code = "validation_error"


class FacilityNotFoundError(FacilityError, LookupError):
    code = "not_found"
    status = 404


class SlotTakenError(FacilityError):
    """Every unit is booked (or blocked) at some moment of the asked time; nothing was booked."""

    code = "slot_taken"
    status = 409


class FacilityCancelClosedError(FacilityError):
    """The booking has started, or has ended: it can no longer be cancelled."""

    code = "cancel_closed"
    status = 409
