"""The classes' periodic work, run by the worker every minute: certificates for classes that ended,
reminders for sessions that start within a day, waiting-list offers that lapsed, and the paid seats'
orders of classes that ended completed (:mod:`orders.classes.completion`)."""
from __future__ import annotations

from orders.classes.certificates import issue_certificates, send_reminders
from orders.classes.completion import complete_class_orders
from orders.classes.waitlist import expire_offers
from shop.db import utcnow
from shop.extensions import db


def run_class_jobs() -> None:
    """Issue certificates, send reminders, expire offers, complete ended seats' orders. Commits."""
    issue_certificates()
    send_reminders()
    expire_offers()
    db.session.commit()
    complete_class_orders(utcnow())
