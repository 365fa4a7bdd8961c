"""API tokens: issued from the profile page, checked by the API (``shop.api.auth``).

Only a token's SHA-256 is stored; the plain token is shown once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from shop.accounts.models import ApiToken, User
from shop.db import utcnow
from shop.extensions import db

TOKEN_PREFIX = "ps_"


def hash_token(token: str) -> str:
    """The stored form of a plain token."""
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
