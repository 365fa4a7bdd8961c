"""The embedded default runs the outbox after each request that added to it (no worker needed).

With ``OUTBOX_DRAIN_AFTER_REQUEST`` (on unless ``APP_ENV=production``; off in tests), a
request that enqueued a job drains the outbox once its response has been sent
(``response.call_on_close``), in its own application context and session, so `make run`
sends the order emails without `flask --app shop worker`. Requests that enqueued
nothing cost nothing. Production runs the worker instead.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, has_app_context, request

log = logging.getLogger(__name__)

ROUNDS = 5  # a handler may enqueue follow-up jobs; a few rounds run those too


def note_enqueued() -> None:
    """Remember that this request added outbox work (called by ``enqueue``)."""
    if has_app_context():
        g._outbox_enqueued = True


def _drain_after(app: Flask, url_root: str) -> None:
    from shop.outbox.services import drain

    try:
        # A fresh application context (its own database session); the request context
        # gives the handlers' url_for(_external=True) the host the visitor used.
        with app.app_context(), app.test_request_context(base_url=url_root):
            for _round in range(ROUNDS):
                if not drain():
                    break
    except Exception:  # the response is gone already; the worker or a later request retries
        log.exception("draining the outbox after a request failed")


def _schedule_drain(response: Response) -> Response:
    if g.pop("_outbox_enqueued", False) and current_app.config.get("OUTBOX_DRAIN_AFTER_REQUEST"):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        url_root = request.url_root
        response.call_on_close(lambda: _drain_after(app, url_root))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_schedule_drain)
