"""Response headers every page carries (CSP without inline scripts, nosniff, ...)."""
from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def _security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers, worked out once from the configuration (they are the same on every response)."""
    headers = [
        ("Content-Security-Policy", app.config.get("CONTENT_SECURITY_POLICY", CSP)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "geolocation=(), microphone=()"),
    ]
    if app.config["APP_ENV"] == "production":
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def init_app(app: Flask) -> None:
    defaults = _security_headers(app)

    def set_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in defaults:
            if name not in headers:  # a view may set its own (e.g. a stricter CSP)
                headers.add(name, value)
        return response

    app.after_request(set_headers)
