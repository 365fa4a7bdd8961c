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


def init_app(app: Flask) -> None:
    defaults = _security_headers(app)

    def set_headers(response: Response) -> Response:
        headers = response.headers
        stripe_js = _stripe_js_url(app)  # read per response: tests switch Stripe on and off
        for name, value in defaults:
            if name not in headers:  # a view may set its own (e.g. a stricter CSP)
                if name == "Content-Security-Policy" and stripe_js:
                    value = csp_with_stripe(value, stripe_js)
                headers.add(name, value)
        return response

    app.after_request(set_headers)
