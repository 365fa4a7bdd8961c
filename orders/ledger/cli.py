"""``flask --app shop ledger sync``: post every ledger entry that is due and missing."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

ledger_group = AppGroup("ledger", help="The sentras' ledger.")


@ledger_group.command("sync")
def sync_command() -> None:
    """Post the entries completed, refunded and disputed orders should have (safe to repeat)."""
    from orders.ledger.services import sync_all

    posted = sync_all(current_app.config)
    click.echo(f"ledger: {posted} entries posted")
