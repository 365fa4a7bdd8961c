"""Each package registers its own outbox handlers and periodic tasks; the worker runs what is registered."""
from __future__ import annotations

from orders import worker as orders_worker
from shop.outbox import services as outbox


def test_the_worker_runs_a_periodic_task_added_to_its_app(app, runner, monkeypatch):
    ran = []
    monkeypatch.setitem(app.extensions, outbox.PERIODIC_EXTENSION, [])
    outbox.add_periodic(app, lambda: ran.append("first"), lambda: ran.append("second"))

    result = runner.invoke(args=["worker", "--once"], input="")

    assert result.exit_code == 0, result.output
    assert ran == ["first", "second"]


def test_the_app_runs_the_periodic_tasks_the_orders_package_registers_in_its_order(app):
    assert outbox.periodic_tasks(app) == list(orders_worker.PERIODIC_TASKS)


def test_catalog_and_orders_register_their_outbox_handlers(app):
    kinds = {"search.sync", "search.settings", "order.placed", "b2b.quote_sent", "ledger.payout_recorded",
             "shipment.delivered", "problem.raised", "pickup.reminder"}

    assert kinds <= set(outbox.HANDLERS)
