"""Response headers every page carries (CSP without inline scripts, nosniff, ...)."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

# A stored file (a transfer proof, a delivery photo) opened on its own: no script, no form, nothing
# fetched but itself. Chromium draws such a file in a viewer page of its own that styles the image
# inline and embeds a PDF, so the page CSP (style-src 'self', object-src 'none') made it log errors.
# A response that is only an image or a PDF (sent with nosniff) has no markup an inline style could abuse.
FILE_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)


STRIPE_JS_DEFAULT = "https://js.stripe.com/v3/"


@lru_cache(maxsize=8)
def csp_with_stripe(csp: str, stripe_js_url: str) -> str:
    """``csp`` opened for Stripe.js: its script origin, its frames and the API it calls.

    Only when card payments are configured; localstripe's fake Stripe.js (tests) talks
    to its own origin, real Stripe.js to api.stripe.com and its 3-D Secure frames.
    """
    parts = urlsplit(stripe_js_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    connect, frames = [origin], [origin]
    if origin == "https://js.stripe.com":
        connect, frames = ["https://api.stripe.com"], [origin, "https://hooks.stripe.com"]
    csp = csp.replace("script-src 'self'", f"script-src 'self' {origin}", 1)
    csp = csp.replace("connect-src 'self'", "connect-src 'self' " + " ".join(connect), 1)
    return f"{csp}; frame-src " + " ".join(frames)


def _stripe_js_url(app: Flask) -> str | None:
    config = app.config
    if "CONTENT_SECURITY_POLICY" in config or not (config.get("STRIPE_SECRET_KEY")
                                                   and config.get("STRIPE_PUBLISHABLE_KEY")):
        return None
    return config.get("STRIPE_JS_URL") or STRIPE_JS_DEFAULT


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


def current_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers every response carries, as the configuration says now.

    The page cache adds these to a stored page when it serves it (it never stores them).
    """
    defaults = app.extensions.get("security_headers")
    if defaults is None:
        defaults = app.extensions["security_headers"] = _security_headers(app)
    stripe_js = _stripe_js_url(app)  # read per response: tests switch Stripe on and off
    if not stripe_js:
        return defaults
    return [(name, csp_with_stripe(value, stripe_js) if name == "Content-Security-Policy" else value)
            for name, value in defaults]


HEADER_NAMES = frozenset(("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                          "Permissions-Policy", "Strict-Transport-Security"))


def init_app(app: Flask) -> None:
    app.extensions["security_headers"] = _security_headers(app)

    def set_headers(response: Response) -> Response:
        headers = response.headers
        # A view may set its own (e.g. a stricter CSP). The names are read once: asking Werkzeug's
        # Headers for a missing name raises (and catches) an exception each time.
        present = {name.lower() for name, _value in headers}
        for name, value in current_headers(app):
            if name.lower() not in present:
                headers.add(name, value)
        return response

    app.after_request(set_headers)
