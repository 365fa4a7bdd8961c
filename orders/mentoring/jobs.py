"""Mentoring's periodic work, run by the worker every minute: reminders a day before a session."""
from __future__ import annotations

from orders.mentoring.services import send_reminders
from shop.extensions import db


def run_mentoring_jobs() -> None:
    """Send the reminders that are due. Commits."""
    send_reminders()
    db.session.commit()
