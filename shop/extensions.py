"""Flask extensions, created once at import time and bound in ``create_app``."""
from __future__ import annotations

from flask import request, session
from flask_babel import Babel
from flask_limiter import Limiter as _Limiter
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


class Limiter(_Limiter):
    """Flask-Limiter's, without its before-request pass when no limit can apply to a whole request.

    The limits here are all on views (``@limiter.limit``), which their own wrappers check. The
    before-request pass only applies application, default, blueprint and meta limits (and the
    in-memory fallback's): with none configured it resolves an empty list for every request, a
    couple of hundred calls. It is skipped then; when Flask-Limiter's internals are not what this
    expects, it runs as always.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self._request_wide_limits():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _request_wide_limits(self) -> bool:
        manager = self.limit_manager
        found = [getattr(manager, "_application_limits", None), getattr(manager, "_default_limits", None),
                 getattr(manager, "_blueprint_limits", None), getattr(self, "_meta_limits", None)]
        fallback = getattr(self, "_in_memory_fallback_enabled", None)
        if any(value is None for value in found) or fallback is None:
            return True  # not the Flask-Limiter this was written for: assume there are some
        return fallback or any(found)


limiter = Limiter(key_func=client_address, default_limits=[], headers_enabled=True)
