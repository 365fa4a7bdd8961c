"""Only program-office staff (users with the admin flag) enter /admin."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from shop.extensions import login_manager


def admin_required(view: Callable) -> Callable:
    """Decorate an office view. Anonymous visitors go to the login page.

    :raise 403: for a logged-in user without the admin flag.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    wrapper.admin_only = True  # type: ignore[attr-defined]
    return wrapper
