"""Rate limits on signing in, shared by ``/login`` and ``POST /api/v1/auth/token``.

Only failed attempts count towards the per-account and per-address failure
limits (``deduct_when``); every attempt counts towards a generous per-address
cap. The limits are read from the app config on each request, and the scopes
are shared, so failures on the site and on the API add up.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask.wrappers import Response

from shop.extensions import limiter

_FAILED = "pasar.login_failed"


def record_failed_login() -> None:
    """Mark this request as a failed sign-in so the failure limits count it."""
    request.environ[_FAILED] = True  # per request: ``g`` may outlive one when an app context is pushed


def _failed(_response: Response) -> bool:
    return bool(request.environ.get(_FAILED))


def _submitted_email() -> str:
    """The account being tried; empty (limit skipped) when no email was sent."""
    if request.is_json:
        payload = request.get_json(silent=True)
        value = payload.get("email") if isinstance(payload, dict) else None
    else:
        value = request.form.get("email")
    return value.strip().lower() if isinstance(value, str) else ""


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


_per_account = limiter.shared_limit(
    _config("LOGIN_FAILURES_PER_ACCOUNT"),
    scope="login-failures-account",
    key_func=_submitted_email,
    methods=["POST"],
    deduct_when=_failed,
)
_failures_per_address = limiter.shared_limit(
    _config("LOGIN_FAILURES_PER_ADDRESS"),
    scope="login-failures-address",
    methods=["POST"],
    deduct_when=_failed,
)
_attempts_per_address = limiter.shared_limit(
    _config("LOGIN_ATTEMPTS_PER_ADDRESS"), scope="login-attempts-address", methods=["POST"]
)


def login_rate_limits(view: Callable) -> Callable:
    """Apply the three sign-in limits to a view (use ``record_failed_login`` on failure)."""
    for decorate in (_attempts_per_address, _failures_per_address, _per_account):
        view = decorate(view)
    return view
