"""The catalog's background work, registered with the worker (:mod:`shop.outbox.services`).

Its one kind of job keeps Meilisearch in step: ``search.sync`` (enqueued at each flush that
changes a public product) and ``search.settings``. It has no periodic task.
"""
from __future__ import annotations

from flask import Flask

from catalog.search import meili

OUTBOX_HANDLERS = (meili,)  # search.sync, search.settings, and the flush hook that enqueues search.sync


def init_app(app: Flask) -> None:
    """Register the catalog's periodic tasks with ``app``'s worker: none today (its handlers are global)."""
