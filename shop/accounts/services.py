"""Account operations: registration, sign-in, verification, password reset, profile, tokens.

Shared by the HTML views and the JSON API. Functions flush but never commit;
emailed links are built with ``url_for(..., _external=True)`` and so need a
request context (or ``SERVER_NAME``).
"""
from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from shop.accounts.addresses import (
    AddressData,
    delete_address,
    get_address,
    save_address,
    set_default_address,
)
from shop.accounts.checks import check_name, check_phone, is_valid_email, normalize_email
from shop.accounts.errors import (
    AccountError,
    AccountOwnsSentraError,
    AccountValidationError,
    AddressNotFoundError,
    ApiTokenNotFoundError,
    EmailTakenError,
    InvalidTokenError,
    WeakPasswordError,
    WrongPasswordError,
)
from shop.accounts.models import NOTIFY_CHANNELS, NOTIFY_EMAIL, ApiToken, User
from shop.accounts.privacy import (
    DELETED_NAME,
    delete_account,
    export_user_data,
    owned_organisations,
)
from shop.accounts.sign_ins import end_sign_ins
from shop.accounts.signals import email_verified
from shop.accounts.tokens import issue_token
from shop.db import utcnow
from shop.extensions import db
from shop.mail import send_mail
from shop.validation import password_problem

# The accounts interface used by the views and the API; addresses and privacy
# live in their own modules and are re-exported here.
__all__ = [
    "DELETED_NAME", "AccountError", "AccountOwnsSentraError", "AccountValidationError", "AddressData",
    "AddressNotFoundError", "ApiTokenNotFoundError", "EmailTakenError", "InvalidTokenError",
    "WeakPasswordError", "WrongPasswordError", "authenticate", "change_password", "create_api_token",
    "delete_account", "delete_address", "export_user_data", "get_address", "is_valid_email",
    "make_reset_token", "make_verification_token", "normalize_email", "owned_organisations",
    "register_user", "request_password_reset", "reset_password", "revoke_api_token", "save_address",
    "send_verification_email", "set_default_address", "update_profile", "user_by_email",
    "user_for_reset_token", "verify_email",
]

VERIFY_SALT = "accounts.verify-email"
RESET_SALT = "accounts.reset-password"
VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600


# -- helpers -----------------------------------------------------------------


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no such account: compare anyway to keep timing even")


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password hash does (each hash has its own salt)."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:20]


def _active_user(user_id: Any) -> User | None:
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        return None
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


# -- registration and sign-in ---------------------------------------------------


def register_user(*, email: str, password: str, name: str, phone: str | None = None) -> User:
    """Create an unverified account; the email is stored lower-case and the phone as +62....

    Flushes (inside a savepoint, so a lost race for the same email leaves the
    session usable).

    :raise AccountValidationError: with every field problem (email, password, name, phone).
    :raise EmailTakenError: when the address is already registered.
    """
    fields: dict[str, str] = {}
    email = normalize_email(email)
    if not email:
        fields["email"] = "required"
    elif not is_valid_email(email):
        fields["email"] = "invalid"
    name = check_name(name, fields)
    problem = password_problem(password or "", (email, name))
    if problem:
        fields["password"] = problem
    phone = check_phone(phone, fields)
    if fields:
        raise AccountValidationError(fields)
    if user_by_email(email) is not None:
        raise EmailTakenError(email)
    user = User(email=email, name=name, phone=phone, password_hash=hash_password(password))
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise EmailTakenError(email) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None (never says which was wrong)."""
    user = user_by_email(email)
    if user is None or user.password_hash is None or user.deleted_at is not None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


# -- email verification ------------------------------------------------------------


def make_verification_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"uid": user.id, "email": user.email})


def send_verification_email(user: User) -> None:
    """Email ``user`` a link that verifies their address (valid three days)."""
    link = url_for("accounts.verify_email", token=make_verification_token(user), _external=True)
    body = _(
        "Hello %(name)s,\n\nPlease confirm your email address for Pasar Sentra by opening this link "
        "within 3 days:\n\n%(link)s\n\nIf you did not create an account, you can ignore this email.",
        name=user.name,
        link=link,
    )
    send_mail(user.email, _("Confirm your email address"), body)


def verify_email(token: str) -> User:
    """Mark the address in ``token`` verified and send ``signals.email_verified``. Flushes.

    Verifying twice is harmless (the signal is sent once).

    :raise InvalidTokenError: when the link is forged, expired, or the account is gone.
    """
    max_age = current_app.config.get("EMAIL_VERIFY_MAX_AGE", VERIFY_MAX_AGE)
    try:
        payload = _serializer(VERIFY_SALT).loads(token, max_age=max_age)
    except BadSignature:
        raise InvalidTokenError() from None
    user = _active_user(payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or user.email != payload.get("email"):
        raise InvalidTokenError()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
        email_verified.send(user)
    return user


# -- password reset and change ---------------------------------------------------------


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def request_password_reset(email: str) -> None:
    """Email a one-hour, single-use reset link when an active account has this address.

    Does nothing (and says nothing) otherwise, so the answer never reveals who has an account.
    """
    user = user_by_email(email)
    if user is None or user.deleted_at is not None or user.password_hash is None:
        return
    link = url_for("accounts.reset_password", token=make_reset_token(user), _external=True)
    body = _(
        "Hello %(name)s,\n\nSomeone asked to reset the password of your Pasar Sentra account. "
        "Open this link within one hour to choose a new password:\n\n%(link)s\n\n"
        "The link works once. If it was not you, ignore this email; your password stays the same.",
        name=user.name,
        link=link,
    )
    send_mail(user.email, _("Reset your password"), body)


def user_for_reset_token(token: str) -> User:
    """The account a reset link is for, if the link is still good.

    :raise InvalidTokenError: when forged, older than the max age, or already used
        (the password changed since the link was made).
    """
    max_age = current_app.config.get("PASSWORD_RESET_MAX_AGE", RESET_MAX_AGE)
    try:
        payload = _serializer(RESET_SALT).loads(token, max_age=max_age)
    except BadSignature:
        raise InvalidTokenError() from None
    user = _active_user(payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or user.password_hash is None or payload.get("pw") != _password_fingerprint(user):
        raise InvalidTokenError()
    return user


def _set_password(user: User, new_password: str) -> int:
    """The one way a password is set: checks the policy, then ends every sign-in the
    old password opened (sessions, remember-me cookies, API tokens). Returns the
    number of API tokens revoked. Flushes."""
    problem = password_problem(new_password or "", (user.email, user.name))
    if problem:
        raise WeakPasswordError(problem)
    user.password_hash = hash_password(new_password)
    return end_sign_ins(user)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link stops working. Flushes.

    Every session and API token of the account ends, as in :func:`change_password`.

    :raise InvalidTokenError: see :func:`user_for_reset_token`.
    :raise WeakPasswordError: when the new password breaks the password rule.
    """
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    return user


def change_password(user: User, current_password: str, new_password: str) -> int:
    """Replace the password after checking the current one. Flushes.

    Other sessions, remember-me cookies and every API token end; returns the number
    of API tokens revoked (the view re-opens its own session under the new password).

    :raise WrongPasswordError: when ``current_password`` is wrong.
    :raise WeakPasswordError: when the new password breaks the password rule.
    """
    if not user.password_hash or not check_password_hash(user.password_hash, current_password or ""):
        raise WrongPasswordError()
    return _set_password(user, new_password)


# -- profile ---------------------------------------------------------------------------------


def update_profile(user: User, *, name: str, phone: str | None, notify_channel: str | None = None) -> None:
    """Change the display name, phone (normalised to +62...) and, when given, where updates go
    (``email``, ``whatsapp`` or ``both``; WhatsApp needs a phone number). Flushes.

    :raise AccountValidationError: for an empty or long name, an invalid phone, an unknown channel
        (``invalid``) or WhatsApp without a phone (``notify_channel``: ``needs_phone``).
    """
    fields: dict[str, str] = {}
    name = check_name(name, fields)
    normalized = check_phone(phone, fields)
    if notify_channel is not None:
        if notify_channel not in NOTIFY_CHANNELS:
            fields["notify_channel"] = "invalid"
        elif notify_channel != NOTIFY_EMAIL and normalized is None and "phone" not in fields:
            fields["notify_channel"] = "needs_phone"
    if fields:
        raise AccountValidationError(fields)
    user.name, user.phone = name, normalized
    if notify_channel is not None:
        user.notify_channel = notify_channel
    db.session.flush()


# -- API tokens --------------------------------------------------------------------------


def create_api_token(user: User, name: str) -> tuple[str, ApiToken]:
    """A new bearer token valid ``API_TOKEN_DAYS``; the plain token is returned once. Flushes."""
    name = (name or "").strip() or "API"
    return issue_token(user, name, current_app.config["API_TOKEN_DAYS"])


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens (revoking twice is harmless). Flushes.

    :raise ApiTokenNotFoundError: when it is not one of ``user``'s tokens.
    """
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.id == token_id))
    if token is None:
        raise ApiTokenNotFoundError(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


