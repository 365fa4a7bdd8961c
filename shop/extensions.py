"""Flask extensions, created once at import time and bound in ``create_app``."""
from __future__ import annotations

from flask import request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager as _LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from shop.db import Base


class LoginManager(_LoginManager):
    """Flask-Login's, without hashing a guest's address and browser for nothing.

    Its session protection computes the client's identifier (a SHA-512 of the address and the
    User-Agent, reading headers that are mostly absent) whenever ``current_user`` is first read,
    then ignores it when the session is empty. A guest's page reads ``current_user`` and has an
    empty session: the answer (not failed) is given before that work.
    """

    def _session_protection_failed(self) -> bool:
        if not session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_address() -> str:
    """The client's address as rate limits see it (the proxy's forwarded one behind ``ProxyFix``)."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)
