"""Periodic B2B work, run by ``flask --app shop worker`` once a minute: flagging overdue invoices.

An invoice is overdue the day (WIB) after its due date while unpaid. It is flagged once:
``Invoice.overdue_notified_at`` is set by a conditional update (only while still empty and
unpaid), so two workers, or a payment recorded meanwhile, never make a second round of
emails. The emails themselves go through the outbox (``b2b.invoice_overdue``), to the
partner's members, the sentra's members and the program office.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from orders.b2b.invoices import today_wib
from orders.b2b.models import Invoice, InvoiceStatus
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

log = logging.getLogger(__name__)

OVERDUE_JOB = "b2b.invoice_overdue"


def flag_overdue_invoices(now: datetime, config: Mapping[str, Any]) -> int:
    """Flag unpaid invoices past their due date (WIB) not flagged yet, and enqueue their emails.

    Returns how many were flagged. Commits once at the end; each invoice is claimed by an
    ``UPDATE ... WHERE overdue_notified_at IS NULL AND status = 'unpaid'``, so a parallel run
    or a payment in between leaves it alone.
    """
    today = today_wib(now)
    due = list(db.session.scalars(
        select(Invoice.id).where(Invoice.status == InvoiceStatus.UNPAID, Invoice.due_on < today,
                                 Invoice.terms_days.is_not(None),
                                 Invoice.overdue_notified_at.is_(None))
        .order_by(Invoice.id)
    ))
    flagged = 0
    for invoice_id in due:
        claimed = db.session.execute(
            update(Invoice)
            .where(Invoice.id == invoice_id, Invoice.status == InvoiceStatus.UNPAID,
                   Invoice.overdue_notified_at.is_(None))
            .values(overdue_notified_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            enqueue(OVERDUE_JOB, {"invoice_id": invoice_id})
            flagged += 1
    db.session.commit()
    if flagged:
        log.info("%s invoice(s) flagged overdue", flagged)
    return flagged


def run_flag_overdue_invoices() -> int:
    """The worker's periodic task (no arguments): flag what is overdue now."""
    return flag_overdue_invoices(utcnow(), current_app.config)


__all__ = ["OVERDUE_JOB", "flag_overdue_invoices", "run_flag_overdue_invoices"]
