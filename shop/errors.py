"""Error pages in the user's language, and the API's JSON error shape."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from shop.extensions import db

TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in first"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    422: _l("Data could not be processed"),
    429: _l("Too many attempts"),
    500: _l("Server error"),
}
MESSAGES = {
    400: _l("We could not process this request. Reload the page and try again."),
    403: _l("You do not have permission to open this page."),
    404: _l("The page you are looking for does not exist or has moved."),
    429: _l("Too many attempts in a short time. Wait a moment and try again."),
    500: _l("Sorry, something went wrong on our side. Our team has been notified; please try again."),
}
CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "unprocessable",
    429: "rate_limited", 500: "server_error",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def api_error(status: int, code: str, message: str, fields: dict[str, Any] | None = None):
    """The documented API error body: ``{"error": {"code", "message", "fields"}}``."""
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return jsonify(body), status


def _handle_http(error: HTTPException):
    status = error.code or 500
    if wants_json():
        return api_error(status, CODES.get(status, "error"), error.description or TITLES.get(status, ""))
    message = MESSAGES.get(status) or TITLES.get(status, "")
    if isinstance(error, CSRFError):
        message = _l("This form has expired or is not valid. Reload the page and submit it again.")
    title = TITLES.get(status, error.name)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _out_of_range(error: Exception) -> bool:
    """A number from the URL or a body too large for the database (an id no row can have)."""
    if isinstance(error, OverflowError):  # SQLite refuses to bind it
        return True
    from sqlalchemy.exc import DataError  # noqa: PLC0415

    return isinstance(error, DataError) and "out of range" in str(error.orig)  # PostgreSQL


def _handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _handle_http(error)
    if _out_of_range(error):
        db.session.rollback()
        return _handle_http(NotFound())
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return _handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(CSRFError, _handle_http)
    app.register_error_handler(Exception, _handle_unexpected)
