"""The public page cache (issue 16): public catalogue pages kept whole and served before Flask works.

Three parts:

- :mod:`shop.pagecache.versions`: versions of page scopes in the database, bumped in the
  transaction of each change that the catalog notes (:mod:`catalog.storefront.freshness`);
- :mod:`shop.pagecache.middleware`: the WSGI hit path and the store (Redis with
  ``CACHE_REDIS_URL``, else files under instance/, both shared by every process of a machine);
- here, the Flask side: every version read before a candidate page's data, and :func:`offer`,
  which the cache rule (:mod:`shop.caching`) calls for a response it found public.

``PAGE_CACHE`` off leaves the versions moving (another process may have it on) but never
reads or stores a page.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from shop.config import ROOT
from shop.extensions import db
from shop.pagecache.middleware import (
    CANDIDATE,
    HIT_HANDLERS,
    OFFER,
    SNAPSHOT,
    HitHandler,
    PageCache,
)
from shop.pagecache.versions import SITE, VersionReader, listen, version_of

__all__ = ["SITE", "init_app", "offer", "on_hit"]


def offer(environ: dict[str, Any], scopes: tuple[str, ...], etag: str, until: datetime | None = None,
          replay: tuple[str, tuple] | None = None) -> None:
    """Keep this response (a public page depending on ``scopes``, and on the clock until ``until``)
    if the middleware asked for it; ``replay`` (a handler's name and its payload, :func:`on_hit`) runs
    each time the kept page is served."""
    snapshot = environ.get(SNAPSHOT)
    if snapshot is None:
        return
    scopes = tuple(sorted({SITE, *scopes}))
    environ[OFFER] = (scopes, version_of(snapshot, scopes), etag, until.timestamp() if until is not None else None,
                      replay)


def on_hit(app: Flask, name: str, handler: HitHandler) -> None:
    """Register ``handler`` as ``name``: called as ``handler(app, environ, payload)`` when a page kept with a
    replay of that name is served from the cache; it may return a callable to run once the page has been
    sent (the search log's write). A handler that fails is logged; the page is served all the same."""
    app.extensions.setdefault(HIT_HANDLERS, {})[name] = handler


def _read_versions() -> None:
    environ = request.environ
    if CANDIDATE in environ:
        try:
            environ[SNAPSHOT] = current_app.extensions["page_cache"].reader.snapshot()
        except Exception:  # the page is answered, not stored
            environ.pop(CANDIDATE, None)


def init_app(app: Flask) -> None:
    listen()
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return  # another connection would see another database
    outer = app.wsgi_app
    inner = outer.app if isinstance(outer, ProxyFix) else outer
    cache = PageCache(app, inner, VersionReader(engine), ROOT)
    if isinstance(outer, ProxyFix):
        outer.app = cache
    else:
        app.wsgi_app = cache  # type: ignore[method-assign]
    app.extensions["page_cache"] = cache
    app.before_request(_read_versions)
