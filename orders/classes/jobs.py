"""The classes' periodic work, run by the worker every minute: certificates for classes that ended,
reminders for classes that start within a day, waiting-list offers that lapsed."""
from __future__ import annotations

from orders.classes.certificates import issue_certificates, send_reminders
from orders.classes.waitlist import expire_offers
from shop.extensions import db


def run_class_jobs() -> None:
    """Issue certificates, send reminders, expire offers. Commits."""
    issue_certificates()
    send_reminders()
    expire_offers()
    db.session.commit()
