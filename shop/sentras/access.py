"""Resolving the sentra from the URL and checking the caller's membership and role.

Every view under ``/kelola/<sentra_slug>/...`` (and ``/api/v1/kelola/<sentra_slug>/...``)
uses :func:`sentra_required`; a test enumerates those routes and proves that a
member of another sentra gets 404 for each of them.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from shop.extensions import db, login_manager
from shop.sentras.models import Role, Sentra, SentraMembership


def membership_for(user_id: int, sentra_id: int) -> SentraMembership | None:
    return db.session.scalar(
        select(SentraMembership).where(
            SentraMembership.user_id == user_id, SentraMembership.sentra_id == sentra_id
        )
    )


def load_sentra_for(user: Any, slug: str, role: Role = Role.MEMBER) -> tuple[Sentra, SentraMembership]:
    """The sentra ``slug`` and ``user``'s membership of it with at least ``role``.

    A suspended or pending sentra is still reachable by its own members (they must
    be able to read why it was suspended); a rejected one is not.

    :raise 404: when the sentra does not exist or the user is not a member
        (another sentra's pages look like pages that do not exist).
    :raise 403: when the user is a member with too low a role.
    """
    sentra = db.session.scalar(select(Sentra).where(Sentra.slug == slug))
    if sentra is None or user is None or not getattr(user, "is_authenticated", False):
        abort(404)
    membership = membership_for(user.id, sentra.id)
    if membership is None or sentra.status == "rejected":
        abort(404)
    if Role(membership.role).rank < role.rank:
        abort(403)
    return sentra, membership


def sentra_required(role: Role = Role.MEMBER) -> Callable:
    """Decorate a view taking ``sentra_slug``: sets ``g.sentra`` and ``g.membership``.

    Unauthenticated visitors are sent to the login page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, sentra_slug: str, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            g.sentra, g.membership = load_sentra_for(current_user, sentra_slug, role)
            return view(*args, sentra_slug=sentra_slug, **kwargs)

        wrapper.sentra_scoped = True  # type: ignore[attr-defined]
        return wrapper

    return decorator
