"""``flask --app shop worker``: drains the outbox and runs the periodic tasks. It does not prompt.

The handlers and periodic tasks come from the registry in :mod:`shop.outbox.services`;
each package registers its own, wired in by the composition root (``shop.cli.init_background``).
"""
from __future__ import annotations

import logging
import time

import click
from flask import current_app

from shop.extensions import db

log = logging.getLogger(__name__)

PERIODIC_SECONDS = 60


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit.")
@click.option("--limit", default=100, show_default=True, help="Jobs claimed per round.")
@click.option("--idle-sleep", default=1.0, show_default=True, help="Seconds to wait when nothing is due.")
def worker_command(once: bool, limit: int, idle_sleep: float) -> None:
    """Drain the outbox: run due background jobs, retrying failures with backoff."""
    from shop.outbox.services import drain, periodic_tasks

    periodic = periodic_tasks(current_app)
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
