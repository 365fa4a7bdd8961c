"""Wrong attendance codes are limited per member and class (``ATTENDANCE_CODE_FAILURES``, 10 per 10
minutes), on the door page and the API alike: a code has about a billion values, but a member who
types codes at will could otherwise walk through a class's bookings. While over the limit, every
code from that member at that class is refused (429), the right one too; the list at the door
still checks people in.

The counters live in the rate limiter's storage (Redis in production, shared by every process),
under the limiter's key prefix, as the sign-in limits do (:mod:`shop.accounts.limits`).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItem, parse

from orders.classes.errors import TooManyWrongCodesError
from shop.extensions import limiter

SCOPE = "attendance-code-failures"


def _item() -> RateLimitItem:
    return parse(current_app.config.get("ATTENDANCE_CODE_FAILURES") or "10 per 10 minutes")


def _keys(member_id: int, class_id: int) -> tuple[str, ...]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    keys = (SCOPE, str(member_id), str(class_id))
    return (prefix, *keys) if prefix else keys


def refuse_when_throttled(member_id: int, class_id: int) -> None:
    """:raise TooManyWrongCodesError: (429) the member is over the limit of wrong codes at this class."""
    if not limiter.enabled:
        return
    if not limiter.limiter.test(_item(), *_keys(member_id, class_id)):
        raise TooManyWrongCodesError(
            _("Too many wrong codes for this class. Wait a few minutes, or check the attendee in from the list."),
            {"code": _("Too many wrong codes. Try again in a few minutes.")})


def count_wrong_code(member_id: int, class_id: int) -> None:
    """Count one wrong code typed by the member at this class."""
    if limiter.enabled:
        limiter.limiter.hit(_item(), *_keys(member_id, class_id))
