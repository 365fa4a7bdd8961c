"""``flask --app shop expire-payments``, also run by the worker every minute."""
from __future__ import annotations

import click
from flask import current_app


def expire_payments() -> int:
    """Expire what is due now; returns how many checkouts expired (commits each one)."""
    from orders.payments.services import expire_due_payments
    from shop.db import utcnow

    return expire_due_payments(utcnow(), current_app.config)


@click.command("expire-payments")
def expire_payments_command() -> None:
    """Expire unpaid checkouts whose time is up and return their stock."""
    click.echo(f"expire-payments: {expire_payments()} checkout(s) expired")
