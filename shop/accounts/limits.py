"""Rate limits on signing in, shared by ``/login`` and ``POST /api/v1/auth/token``.

The rule (README, "Accounts and sign-in"):

- Failed sign-ins to one account are counted from all addresses together
  (``LOGIN_FAILURES_PER_ACCOUNT``, 5 per 15 minutes) and, beside that, per account
  *and* address. Once the account is over its limit, an address that has failed on
  it in that window is refused (429), even with the right password; an address
  with no failure on it is still let through, so guessing cannot lock the owner
  out. Each such address gets one guess before it is refused too.
- Failed sign-ins from one address to any accounts (``LOGIN_FAILURES_PER_ADDRESS``)
  and all attempts from one address (``LOGIN_ATTEMPTS_PER_ADDRESS``, generous) are
  capped as well.
- A password reset clears the account's failures.

Only failed attempts count towards the failure limits. The limits are read from the
app config on each request, and the scopes are shared, so failures on the site and
on the API add up. Addresses are the ones the limiter sees (after ``ProxyFix`` when
``PROXY_COUNT`` is set).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask.wrappers import Response
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from shop.accounts.checks import normalize_email
from shop.extensions import client_address, limiter

_FAILED = "pasar.login_failed"
_ACCOUNT = "login-failures-account"
_ACCOUNT_AND_ADDRESS = "login-failures-account-address"


def record_failed_login() -> None:
    """Mark this request as a failed sign-in so the failure limits count it."""
    request.environ[_FAILED] = True  # per request: ``g`` may outlive one when an app context is pushed


def _failed(_response: Response | None = None) -> bool:
    return bool(request.environ.get(_FAILED))


def _submitted_email() -> str:
    """The account being tried; empty (limit skipped) when no email was sent."""
    if request.is_json:
        payload = request.get_json(silent=True)
        value = payload.get("email") if isinstance(payload, dict) else None
    else:
        value = request.form.get("email")
    return normalize_email(value) if isinstance(value, str) else ""


def _account_limit() -> RateLimitItem:
    return parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])


def _keys(scope: str, *identifiers: str) -> tuple[str, ...]:
    """Storage keys as the limiter builds them, under ``RATELIMIT_KEY_PREFIX`` when set."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return (prefix, scope, *identifiers) if prefix else (scope, *identifiers)


def _refuse_when_throttled(email: str, address: str) -> None:
    """429 when the account is over its failure limit and ``address`` has failed on it."""
    item, counters = _account_limit(), limiter.limiter
    if counters.test(item, *_keys(_ACCOUNT, email)):
        return
    if counters.get_window_stats(item, *_keys(_ACCOUNT_AND_ADDRESS, email, address)).remaining >= item.amount:
        return  # no failure from here: perhaps the owner, while someone else guesses
    raise TooManyRequests("Too many failed sign-ins to this account from this address. Try again later.")


def _count_failure(email: str, address: str) -> None:
    item, counters = _account_limit(), limiter.limiter
    counters.hit(item, *_keys(_ACCOUNT, email))
    counters.hit(item, *_keys(_ACCOUNT_AND_ADDRESS, email, address))


def forget_failed_logins(email: str) -> None:
    """Clear the account's failures (and this address's on it): its owner proved who they are."""
    if not limiter.enabled:
        return
    item, email = _account_limit(), normalize_email(email)
    limiter.limiter.clear(item, *_keys(_ACCOUNT, email))
    limiter.limiter.clear(item, *_keys(_ACCOUNT_AND_ADDRESS, email, client_address()))


def _per_account(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        email = _submitted_email() if request.method == "POST" and limiter.enabled else ""
        if not email:
            return view(*args, **kwargs)
        address = client_address()
        _refuse_when_throttled(email, address)
        response = view(*args, **kwargs)
        if _failed():
            _count_failure(email, address)
        return response

    return wrapper


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


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
    """Apply the sign-in limits to a view (use ``record_failed_login`` on failure)."""
    for decorate in (_per_account, _attempts_per_address, _failures_per_address):
        view = decorate(view)
    return view
