"""``flask --app shop worker`` and ``flask --app shop search reindex``. Neither prompts.

This module is part of the composition root (DESIGN.md, Layout): it may import
``catalog``, and its ``init_app`` wires the catalog's outbox handlers in.
"""
from __future__ import annotations

import logging
import time

import click
from flask import Flask, current_app

import shop.outbox.models  # noqa: F401  (the outbox table is known to create_all and Alembic)
from shop.extensions import db

log = logging.getLogger(__name__)

PERIODIC_SECONDS = 60


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit.")
@click.option("--limit", default=100, show_default=True, help="Jobs claimed per round.")
@click.option("--idle-sleep", default=1.0, show_default=True, help="Seconds to wait when nothing is due.")
def worker_command(once: bool, limit: int, idle_sleep: float) -> None:
    """Drain the outbox: run due background jobs, retrying failures with backoff."""
    from shop.outbox.services import drain

    periodic = current_app.extensions.get("worker_periodic", [])
    total = 0
    next_periodic = 0.0
    try:
        while True:
            if time.monotonic() >= next_periodic:  # e.g. expire-payments, once a minute
                for task in periodic:
                    try:
                        task()
                    except Exception:  # noqa: BLE001  (one failing task must not stop the worker)
                        db.session.rollback()
                        log.exception("periodic task %s failed", getattr(task, "__name__", task))
                next_periodic = time.monotonic() + PERIODIC_SECONDS
            ran = drain(limit=limit)
            total += ran
            if ran:
                continue
            if once:
                break
            time.sleep(idle_sleep)
    except KeyboardInterrupt:
        log.info("worker stopped")
    finally:
        db.session.remove()
    if once:
        click.echo(f"worker: {total} job(s) run")


@click.group("search")
def search_group() -> None:
    """Search index maintenance."""


@search_group.command("reindex")
@click.option("--batch-size", default=1000, show_default=True, help="Documents per Meilisearch batch.")
def reindex_command(batch_size: int) -> None:
    """Rebuild the sql search index and, with SEARCH_BACKEND=meilisearch, the Meilisearch index."""
    from catalog.search.documents import iter_document_batches, public_product_ids_for
    from catalog.search.errors import SearchUnavailableError
    from catalog.search.indexing import rebuild_sql_index
    from catalog.search.meili import MeiliBackend, meili_enabled

    total = len(public_product_ids_for())
    with click.progressbar(length=total, label="sql index") as bar:

        def advance(done: int, _total: int) -> None:
            bar.update(done - bar.pos)

        rebuild_sql_index(progress=advance)
    db.session.commit()
    click.echo(f"sql index: {total} products")
    if not meili_enabled(current_app.config):
        return
    try:
        backend = MeiliBackend(current_app.config)
        with click.progressbar(length=total, label="meilisearch") as bar:
            sent = backend.rebuild(iter_document_batches(batch_size), progress=bar.update)
    except SearchUnavailableError as exc:
        raise click.ClickException(f"Meilisearch is unreachable, its index was not rebuilt: {exc}") from None
    click.echo(f"meilisearch index: {sent} products")


def init_app(app: Flask) -> None:
    import catalog.search.meili  # noqa: F401  (registers the search.* handlers and the sync hook)
    import orders.b2b.notify  # noqa: F401  (b2b.* email handlers)
    import orders.ledger.notify  # noqa: F401  (ledger.* email handlers: payouts, bank account changes)
    import orders.notify  # noqa: F401  (registers the order.* email handlers)
    import orders.shipping.notify  # noqa: F401  (shipment.* email handlers)
    import orders.shipping.problem_notify  # noqa: F401  (problem.* and pickup.* email handlers)
    from orders.payments.cli import expire_payments, expire_payments_command
    from shop.outbox import after_request

    after_request.init_app(app)

    app.cli.add_command(worker_command)
    app.cli.add_command(expire_payments_command)
    from orders.ledger.cli import ledger_group

    app.cli.add_command(ledger_group)
    app.extensions.setdefault("worker_periodic", []).append(expire_payments)
    from orders.shipping.jobs import run_complete_delivered_orders, run_handle_uncollected_pickups

    app.extensions["worker_periodic"] += [run_complete_delivered_orders, run_handle_uncollected_pickups]
    from orders.b2b.jobs import run_flag_overdue_invoices

    app.extensions["worker_periodic"].append(run_flag_overdue_invoices)
    from orders.impact.cli import impact_group
    from orders.impact.facts import run_refresh_impact_facts

    app.extensions["worker_periodic"].append(run_refresh_impact_facts)
    app.cli.add_command(impact_group)
    app.cli.add_command(search_group)
