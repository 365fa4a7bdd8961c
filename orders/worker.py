"""The orders package's background work, registered with the worker (:mod:`shop.outbox.services`).

Handlers send the emails of orders, B2B, the ledger, shipments, problems and pickups; the
periodic tasks move orders on when time passes (payments expire, delivered orders complete,
uncollected pickups are handled, overdue invoices are flagged, stale impact facts refreshed,
a booking's order completes once its class or booked time has ended, the potential map's rollup
kept and the search log pruned).
"""
from __future__ import annotations

from flask import Flask

from orders import notify as order_notify
from orders.b2b import notify as b2b_notify
from orders.b2b.jobs import run_flag_overdue_invoices
from orders.classes import notify as classes_notify
from orders.classes import waitlist as classes_waitlist
from orders.classes.jobs import run_class_jobs
from orders.facilities.jobs import run_facility_jobs
from orders.impact.facts import run_refresh_impact_facts
from orders.ledger import notify as ledger_notify
from orders.mentoring import notify as mentoring_notify
from orders.mentoring.jobs import run_mentoring_jobs
from orders.payments.cli import expire_payments
from orders.payments.midtrans_events import reconcile_midtrans_payments
from orders.potential.rollup import run_potential_jobs
from orders.shipping import notify as shipping_notify
from orders.shipping import problem_notify
from orders.shipping.jobs import run_complete_delivered_orders, run_handle_uncollected_pickups
from shop.outbox.services import add_periodic

OUTBOX_HANDLERS = (  # each registers its kinds when imported
    order_notify,  # order.*
    b2b_notify,  # b2b.*
    ledger_notify,  # ledger.*: payouts, bank account changes
    shipping_notify,  # shipment.*
    problem_notify,  # problem.* and pickup.*
    classes_notify,  # class.*: booking confirmations with the attendance code, cancellations, reminders
    classes_waitlist,  # class.seats_freed: the waiting list is offered freed seats
    mentoring_notify,  # mentoring.*: a booked slot to the mentor, reminders to both
)
PERIODIC_TASKS = (
    reconcile_midtrans_payments,  # first: a Midtrans payment whose notification was lost is paid, not expired
    expire_payments,
    run_complete_delivered_orders,
    run_handle_uncollected_pickups,
    run_flag_overdue_invoices,
    run_refresh_impact_facts,
    run_class_jobs,
    run_mentoring_jobs,
    run_facility_jobs,  # a paid facility booking's order completes once its time has ended
    run_potential_jobs,  # the search log and orders rolled up for the potential map; the log pruned
)


def init_app(app: Flask) -> None:
    """Register the orders package's periodic tasks with ``app``'s worker."""
    add_periodic(app, *PERIODIC_TASKS)
