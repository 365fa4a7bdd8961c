"""The hit path: a WSGI middleware that answers a cached public page before Flask does any work.

A request is a candidate when it is a GET or HEAD of a public catalogue path, without an
``Authorization`` header and without any cookie but the language one (a session, a remember
token or a guest cart's cookie means the page may be personal: Flask answers it). The key is
the release (a digest of the code, templates and translations, so a deploy starts afresh),
the language, scheme, host, script root, path and query. The release also covers the
configuration a process started with; the headers every response carries (CSP, ...) are not
stored but added as the configuration says when a page is served (:func:`shop.security.current_headers`).

Each process also keeps the pages it served last in memory (a read of the shared store costs
as much as the rest of the hit path); they are checked against the versions all the same.
A stored page is served when the sum of its scopes' versions is still current (one query,
:class:`shop.pagecache.versions.VersionReader`) and, for a page that said so
(:func:`shop.caching.public_until`), before the moment its content changes by the clock; ``If-None-Match`` with its ETag gets a 304.
A page kept with a replay (:func:`shop.caching.on_hit`: a text search, which the search log counts)
runs its handler on every hit, 200 or 304, and the handler's follow-up once the answer has been sent.
Otherwise Flask builds the page, and :func:`shop.pagecache.offer` (called by the cache rule in
:mod:`shop.caching` for a public page) tells this middleware to keep the bytes that went out.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.http import parse_cookie, parse_etags
from werkzeug.wsgi import ClosingIterator

from shop import security
from shop.i18n import LANG_COOKIE
from shop.pagecache.versions import VersionReader

log = logging.getLogger(__name__)

CANDIDATE = "pasar.page_cache.key"  # environ: the request may be stored under this key
SNAPSHOT = "pasar.page_cache.snapshot"  # environ: every version, read before the page's data
OFFER = "pasar.page_cache.offer"  # environ: (scopes, version, etag, until, replay) of a public page to keep
HIT_HANDLERS = "page_cache.hit_handlers"  # app.extensions: name -> handler run when a kept page is served
HitHandler = Callable[[Flask, dict[str, Any], tuple], Callable[[], object] | None]

_PUBLIC_PATH = re.compile(r"^/(?:sentra(?:/[^/]+)?|kategori/[^/]+|p/\d+-[^/]*|search)?$")
MAX_QUERY = 1024  # longer queries are answered, never stored
FILE_THRESHOLD = 50_000  # pages kept by the file store before it prunes (5,000 products x 2 languages fit)
RECENT_PAGES = 256  # pages each process keeps in memory as well
RECENT_SECONDS = 60.0  # at most this long (a cleared shared store is empty everywhere a minute later)
# Date is the server's, at the time it answers: a stored one would be stale on every hit.
_NOT_STORED = {"content-length", "date", "set-cookie", "x-page-cache", *(name.lower() for name in security.HEADER_NAMES)}
_NOT_MODIFIED_HEADERS = {"etag", "cache-control", "vary"}


def release_token(root: Path, config: dict[str, Any]) -> str:
    """A digest of what shapes a page besides the data: code, templates, translations, configuration."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(repr(sorted((key, repr(value)) for key, value in config.items())).encode())
    for folder, pattern in (("templates", "*.html"), ("shop/translations", "*.mo"),
                            ("shop", "*.py"), ("catalog", "*.py"), ("orders", "*.py")):
        for path in sorted((root / folder).rglob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_store(config: dict[str, Any]) -> Any:
    """Redis when ``CACHE_REDIS_URL`` is set (shared by every app server), else files under instance/."""
    url = config.get("CACHE_REDIS_URL")
    if url:
        import redis
        from cachelib import RedisCache

        return RedisCache(host=redis.Redis.from_url(url), key_prefix=config["PAGE_CACHE_KEY_PREFIX"],
                          default_timeout=config["PAGE_CACHE_TIMEOUT"])
    from cachelib import FileSystemCache

    return FileSystemCache(config["PAGE_CACHE_DIR"], threshold=FILE_THRESHOLD,
                           default_timeout=config["PAGE_CACHE_TIMEOUT"])


class PageCache:
    """WSGI middleware around the Flask app (inside ProxyFix, so it sees the client's host and scheme)."""

    def __init__(self, app: Flask, wsgi_app: Callable, reader: VersionReader, root: Path) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.reader = reader
        self.root = root
        self._store: Any = None
        self._release: str | None = None
        self._recent: dict[str, tuple[float, tuple]] = {}
        self._recent_lock = threading.Lock()

    @property
    def store(self) -> Any:
        if self._store is None:  # built at first use: the CLI never pays for it
            self._store = build_store(self.app.config)
        return self._store

    def clear(self) -> None:
        """Forget every stored page (tests; an operator after restoring a database)."""
        self._recent.clear()
        self.store.clear()

    def _lookup(self, key: str) -> tuple | None:
        recent = self._recent.get(key)
        if recent is not None and recent[0] > time.monotonic():
            return recent[1]
        entry = self.store.get(key)
        if entry is not None:
            self._remember(key, entry)
        return entry

    def _remember(self, key: str, entry: tuple) -> None:
        with self._recent_lock:
            if len(self._recent) >= RECENT_PAGES:
                self._recent.pop(next(iter(self._recent)))  # the oldest
            self._recent[key] = (time.monotonic() + RECENT_SECONDS, entry)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not self.app.config["PAGE_CACHE"]:
            return self.wsgi_app(environ, start_response)
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            entry = self._lookup(key)
            if entry is not None and _in_time(entry) and self.reader.version(entry[0]) == entry[1]:
                return self._serve(entry, environ, start_response)
        except Exception:  # the store or the database is unreachable: Flask answers, nothing is kept
            log.warning("page cache unavailable", exc_info=True)
            return self.wsgi_app(environ, start_response)
        environ[CANDIDATE] = key
        return self._fill(key, environ, start_response)

    def _key(self, environ: dict[str, Any]) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in environ:
            return None
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY or not _PUBLIC_PATH.match(path):
            return None
        config = self.app.config
        language = config["BABEL_DEFAULT_LOCALE"]
        cookie_header = environ.get("HTTP_COOKIE")
        if cookie_header:
            cookies = parse_cookie(cookie_header)
            if any(name != LANG_COOKIE for name in cookies):
                return None
            chosen = cookies.get(LANG_COOKIE)
            if chosen in config["LANGUAGES"]:  # as shop.i18n.select_locale chooses
                language = chosen
        if self._release is None:
            self._release = release_token(self.root, self.app.config)
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        raw = "\0".join((self._release, language, environ.get("wsgi.url_scheme", "http"), host,
                         environ.get("SCRIPT_NAME", ""), path, query))
        return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def _serve(self, entry: tuple, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        etag, headers, body = entry[2:5]
        after = self._replay(entry, environ)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and parse_etags(if_none_match).contains_weak(etag):
            kept = [(name, value) for name, value in headers if name.lower() in _NOT_MODIFIED_HEADERS]
            start_response("304 Not Modified", [*kept, ("X-Page-Cache", "hit")])
            return _then([], after)
        start_response("200 OK", [*headers, *security.current_headers(self.app), ("Content-Length", str(len(body))),
                                  ("X-Page-Cache", "hit")])
        return _then([] if environ["REQUEST_METHOD"] == "HEAD" else [body], after)

    def _replay(self, entry: tuple, environ: dict[str, Any]) -> Callable[[], object] | None:
        """Run the handler the page was kept with (:func:`shop.pagecache.on_hit`), if any; its follow-up."""
        replay = entry[6] if len(entry) > 6 else None
        if replay is None:
            return None
        name, payload = replay
        try:
            return self.app.extensions[HIT_HANDLERS][name](self.app, environ, payload)
        except Exception:
            log.warning("page cache: %s not run for %s", name, environ.get("PATH_INFO"), exc_info=True)
            return None

    def _fill(self, key: str, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            offer = environ.get(OFFER)
            if (offer is None or exc_info is not None or not status.startswith("200 ")
                    or environ["REQUEST_METHOD"] != "GET" or not _storable(headers)):
                return start_response(status, [*headers, ("X-Page-Cache", "miss")], exc_info)
            captured.update(status=status, headers=headers, offer=offer)
            return captured.setdefault("written", []).append

        result = self.wsgi_app(environ, capture)
        if "offer" not in captured:
            return result
        close = getattr(result, "close", None)
        try:
            body = b"".join([*captured["written"], *result])
        except BaseException:
            if close is not None:
                close()
            raise
        scopes, version, etag, until, replay = captured["offer"]
        kept = [(name, value) for name, value in captured["headers"] if name.lower() not in _NOT_STORED]
        entry = (scopes, version, etag, kept, body, until, replay)
        self._remember(key, entry)
        timeout = None if until is None else max(1, min(int(until - time.time()) + 1,
                                                        self.app.config["PAGE_CACHE_TIMEOUT"]))
        try:
            self.store.set(key, entry, timeout=timeout)
        except Exception:
            log.warning("page cache could not store %s", environ.get("PATH_INFO"), exc_info=True)
        sent = [(name, value) for name, value in captured["headers"] if name.lower() != "content-length"]
        start_response(captured["status"], [*sent, ("Content-Length", str(len(body))), ("X-Page-Cache", "miss")])
        return _then([body], close)  # the app's close (the search log's write) once the page is sent


def _then(body: list[bytes], after: Callable[[], object] | None) -> Iterable[bytes]:
    """``body``, with ``after`` run when the server closes it (once the response has been sent)."""
    return body if after is None else ClosingIterator(body, after)


def _in_time(entry: tuple) -> bool:
    """A page that shows something the clock changes (a class that ends) is served until then only."""
    until = entry[5] if len(entry) > 5 else None
    return until is None or time.time() < until


def _storable(headers: list[tuple[str, str]]) -> bool:
    """The last guard: nothing that sets a cookie or is not marked public is kept."""
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and names.get("cache-control", "").startswith("public")
