"""Bearer-token authentication for the API.

The API never looks at the session cookie: a browser tab logged in to the site
cannot be made to call the API by another site, so API requests need no CSRF token.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import select

from shop.accounts.models import ApiToken, User
from shop.db import utcnow
from shop.errors import api_error
from shop.extensions import db

TOKEN_PREFIX = "ps_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str, days: int) -> tuple[str, ApiToken]:
    """Create a token for ``user``; the plain token is returned once and never stored. Flushes."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(plain),
        name=name[:80],
        expires_at=utcnow() + timedelta(days=days),
        auth_version=user.auth_version,
    )
    db.session.add(token)
    db.session.flush()
    return plain, token


def user_for_token(plain: str) -> User | None:
    """The active user behind an unexpired, unrevoked token, or None.

    A token issued against an older password (``auth_version``) is dead too: revoking
    at a password change cannot see a token whose issue was still in flight.
    """
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    user = token.user
    if not user.is_active or token.auth_version != user.auth_version:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now  # written at most every few minutes, not on every call
        db.session.commit()
    return user


def bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return user_for_token(value.strip())


def api_login_required(view: Callable) -> Callable:
    """Sets ``g.api_user`` from the bearer token, or answers 401 in the API's error shape."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        user = bearer_user()
        if user is None:
            return api_error(401, "unauthorized", "A valid bearer token is required.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def api_sentra_required(role: str = "member") -> Callable:
    """For ``/api/v1/kelola/<sentra_slug>/...``: a bearer token of a member with ``role``.

    Sets ``g.api_user``, ``g.sentra`` and ``g.membership``. Another sentra's URL is a
    404 in the error shape (as for pages), too low a role a 403.
    """
    from werkzeug.exceptions import HTTPException

    from shop.sentras.access import load_sentra_for
    from shop.sentras.models import Role

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, sentra_slug: str, **kwargs: Any):
            user = bearer_user()
            if user is None:
                return api_error(401, "unauthorized", "A valid bearer token is required.")
            try:
                g.sentra, g.membership = load_sentra_for(user, sentra_slug, Role(role))
            except HTTPException as error:
                if error.code == 403:
                    return api_error(403, "forbidden", "Your role in this sentra does not allow this.")
                return api_error(404, "not_found", "No such sentra.")
            g.api_user = user
            return view(*args, sentra_slug=sentra_slug, **kwargs)

        wrapper.sentra_scoped = True  # type: ignore[attr-defined]
        return wrapper

    return decorator
