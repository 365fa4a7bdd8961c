"""The signed-cookie session, without its signer for a request that brings no session cookie.

Flask builds an itsdangerous serializer (a signer, a JSON tagger, a check that it serializes
text) on every request before it looks for the cookie. Most requests to public pages come
from guests without a session, who need none of it: they get an empty session straight away.
A request with the cookie, and every save, are Flask's own.
"""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's :class:`~flask.sessions.SecureCookieSessionInterface`, quicker to open an absent session."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # what Flask returns for a missing cookie, once the key is set
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
