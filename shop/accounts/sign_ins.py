"""Ending what a credential opened: sessions, remember-me cookies and API tokens."""
from __future__ import annotations

from sqlalchemy import update

from shop.accounts.models import ApiToken, User
from shop.db import utcnow
from shop.extensions import db


def end_sign_ins(user: User) -> int:
    """End every way ``user`` is signed in; returns the number of API tokens revoked. Flushes.

    The one place a credential change (new password, reset, deletion) ends what the
    old credentials opened: the auth version in every session and remember-me cookie
    goes stale (see :mod:`shop.accounts.loader`) and every live API token is revoked,
    so none outlives the password that was used to get it.
    """
    user.auth_version = (user.auth_version or 1) + 1
    now = utcnow()
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .values(revoked_at=now)
    )
    db.session.flush()
    return result.rowcount
