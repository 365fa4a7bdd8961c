"""The cache rule: which responses may be kept by a browser or a shared cache, decided in one place.

A response is **private** (``Cache-Control: private, no-store``: no cache keeps it,
not even the browser's back-forward copy on disk) when

- its path is in an area that is always personal or sentra-internal, on the site
  or in the API (:data:`PRIVATE_AREAS`, e.g. ``/orders``, ``/kelola/...``,
  ``/api/v1/orders``), token pages such as ``/reset-sandi/<token>``, and
  ``/media/private/...``; or
- it answers someone: the request carried an ``Authorization`` header (a bearer
  token), a session with anything in it (a signed-in user, a CSRF token the page
  embeds, a flash message), or the response sets a cookie; or
- the code that built it read something personal outside those areas and said so
  with :func:`mark_private` (the guest cart's cookie behind the header's cart count).

Everything else, the public catalogue seen by an anonymous visitor without a
session, keeps whatever the view said (nothing, or ``public, max-age=...``).
Static files and public media never depend on who asks and are left alone.

A view that builds a public page says so with :func:`public_page` and names the scopes
its content depends on (:mod:`catalog.storefront.freshness`); one whose content changes with
time alone (a class that ends) says when with :func:`public_until`. When the response is not
private it gets ``Cache-Control: public, max-age=..., stale-while-revalidate=...``,
``Vary: Cookie`` (the language cookie) and an ETag, answers ``If-None-Match`` with a 304,
and is offered to the page cache (:mod:`shop.pagecache`), which stores only what this rule
calls public. A private response never carries an ETag or Last-Modified: nothing personal
is ever answered with a 304.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask import Flask, Request, Response, g, request
from flask.globals import _cv_app, _cv_request
from werkzeug.http import generate_etag, quote_etag

from shop import pagecache
from shop.db import utcnow

PRIVATE_AREAS = (
    # personal or sentra-internal pages, and their /api/v1 twins
    "orders", "akun", "cart", "checkout", "kelola", "mitra", "admin", "me",
    # who someone is: signing in, registering, tokens, invitations, a sentra application
    "login", "logout", "register", "auth", "lupa-sandi", "reset-sandi", "verifikasi", "undangan",
    "buka-sentra",
    # a parcel's whereabouts (behind a tracking code), and private files (transfer proofs)
    "track", "media/private",
)
SHARED_FILES = ("static", "media")  # the same bytes for everyone
PRIVATE = "private, no-store"

_PRIVATE_PATH = re.compile(r"^(?:/api/v1)?/(?:" + "|".join(map(re.escape, PRIVATE_AREAS)) + r")(?:/|$)")
_SHARED_FILE_PATH = re.compile(r"^/(?:" + "|".join(SHARED_FILES) + r")/")
_MARK = "_private_response"
_PUBLIC_SCOPES = "pasar.public_page_scopes"
_PUBLIC_UNTIL = "pasar.public_page_until"
_ON_HIT = "pasar.public_page_on_hit"
# Request headers that make Response.make_conditional() do more than add Date and Content-Length.
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                "HTTP_IF_RANGE", "HTTP_RANGE")


def mark_private() -> None:
    """Say that the response being built shows something personal (call it where that is read)."""
    g.setdefault(_MARK, True)


def public_page(*scopes: str) -> None:
    """Say that the page being built is the same for every anonymous visitor in one language,
    and changes only when one of ``scopes`` moves (call it once the scopes are known)."""
    _cv_request.get().request.environ[_PUBLIC_SCOPES] = scopes


def public_until(when: datetime) -> None:
    """Say that the public page being built shows something that changes at ``when`` without any write
    (a class that ends then): caches keep it no longer. The earliest of several calls wins."""
    earlier = request.environ.get(_PUBLIC_UNTIL)
    if earlier is None or when < earlier:
        request.environ[_PUBLIC_UNTIL] = when


def on_hit(name: str, payload: tuple) -> None:
    """Say that every answer to this public page must reach the server and run the handler registered as
    ``name`` (:func:`shop.pagecache.on_hit`) with ``payload`` when the page cache gives it in place of the
    app: the search log counts a search either way. Browsers and shared caches may keep such a page but
    must ask again each time (``no-cache``): a 304 from the page cache counts as well."""
    request.environ[_ON_HIT] = (name, payload)


def is_private(req: Request, response: Response) -> bool:
    """Whether ``response`` to ``req`` must not be stored by any cache (the rule in this module's docstring)."""
    path = req.path
    if _PRIVATE_PATH.match(path):
        return True
    if _SHARED_FILE_PATH.match(path):
        return False
    # The WSGI environ and the header list are read directly: Werkzeug's header lookups raise
    # (and catch) an exception for every name that is missing, which is the common case here.
    # The contexts are read directly, not through Flask's proxies (``g``, ``session``): each
    # attribute read through a proxy first fails on the proxy itself, and this runs on every response.
    app_ctx, request_ctx = _cv_app.get(None), _cv_request.get(None)
    return bool(
        req.environ.get("HTTP_AUTHORIZATION")
        or any(name.lower() == "set-cookie" for name, _value in response.headers)
        or (app_ctx is not None and app_ctx.g.get(_MARK))
        or (request_ctx is not None and request_ctx.session)  # non-empty: a user, a CSRF token or a flash
    )


def init_app(app: Flask) -> None:
    def set_cache_control(response: Response) -> Response:
        req = _cv_request.get().request
        if is_private(req, response):
            response.headers["Cache-Control"] = PRIVATE
            for name in ("Expires", "ETag", "Last-Modified"):
                response.headers.pop(name, None)
            return response
        scopes = req.environ.get(_PUBLIC_SCOPES)
        if scopes is not None and response.status_code == 200 and req.method in ("GET", "HEAD"):
            _public(req, response, scopes)
        return response

    app.after_request(set_cache_control)


def _public(req: Request, response: Response, scopes: tuple[str, ...]) -> None:
    environ = req.environ
    config = _cv_app.get().app.config
    max_age, stale = config["PAGE_CACHE_MAX_AGE"], config["PAGE_CACHE_STALE_WHILE_REVALIDATE"]
    until = environ.get(_PUBLIC_UNTIL)
    if until is not None:  # a browser or a shared cache keeps it no longer either
        left = max(0, int((until - utcnow()).total_seconds()))
        max_age, stale = min(max_age, left), min(stale, max(0, left - max_age))
    headers = response.headers
    replay = environ.get(_ON_HIT)
    if replay is not None:  # every answer must reach the page cache, which counts it
        headers["Cache-Control"] = "public, no-cache"
    else:
        headers["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={stale}"
    # What vary.add("Cookie"), add_etag(), get_etag() and make_conditional(request) do, without
    # Werkzeug's header lookups (each missing header raises and catches an exception, about ten a
    # page) when, as on most requests, nothing is conditional.
    names = {name.lower() for name, _value in headers}
    if "vary" in names:
        response.vary.add("Cookie")
    else:
        headers["Vary"] = "Cookie"
    if "etag" in names:
        etag = response.get_etag()[0]
    else:
        etag = generate_etag(response.get_data())
        headers["ETag"] = quote_etag(etag)
    pagecache.offer(environ, scopes, etag, until, replay)
    if any(name in environ for name in _CONDITIONAL):
        response.make_conditional(req)
        if "date" not in names:
            headers.pop("Date", None)  # make_conditional's; the server sends its own (see below)
        return
    # No Date: the HTTP server adds the time it answers (gunicorn always does, Werkzeug's when there is
    # none). One set here too would be a second Date field, and, kept with the page in the page cache,
    # a stale one on every hit, which ages the page early in a shared cache (RFC 9111, 4.2.3).
    if response.automatically_set_content_length and "content-length" not in names:
        length = response.calculate_content_length()
        if length is not None:
            headers["Content-Length"] = str(length)
