"""``flask --app shop impact refresh [--all]``: bring the impact report's order facts up to date."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

impact_group = AppGroup("impact", help="The program office's impact figures.")


@impact_group.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Rebuild every buyer's facts, not only the stale ones.")
def refresh_command(everything: bool) -> None:
    """Rebuild the order facts of buyers whose orders changed (safe to repeat; the worker does it each minute)."""
    from orders.impact import facts
    from shop.extensions import db

    began = time.monotonic()
    if everything:
        facts.mark_all()
    done = 0
    while batch := facts.refresh_batch():
        done += batch
        db.session.commit()  # one batch at a time: progress is kept if it stops
        click.echo(f"impact: {done} buyers refreshed", err=True)
    click.echo(f"impact: facts of {done} buyers refreshed in {time.monotonic() - began:.1f} s")
