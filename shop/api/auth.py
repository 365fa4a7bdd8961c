"""Bearer-token authentication for the API.

The API never looks at the session cookie: a browser tab logged in to the site
cannot be made to call the API by another site, so API requests need no CSRF token.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from shop.accounts.models import User
from shop.accounts.tokens import user_for_token
from shop.errors import api_error


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
