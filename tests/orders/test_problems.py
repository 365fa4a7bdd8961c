"""Problems after delivery: the buyer raises, the sentra answers, the program office settles."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from orders.core.errors import NotAllowedError
from orders.core.models import Order, OrderEvent
from orders.core.payments import Refund
from orders.shipping import problems
from orders.shipping.models import OrderProblem
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.orders_helpers import drain_all
from tests.orders.tracking_helpers import (
    BUYER_EMAIL,
    delivered_by_courier,
    delivered_pickup,
    delivered_without_pin,
    new_order,
    ready_pickup,
)

DESCRIPTION = "Paketnya tidak pernah sampai ke rumah saya."


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.post("/bahasa", data={"lang": "en"})


def _delivered_transfer_order():
    setup = new_order(method="bank_transfer", delivery="courier", paid=True)
    delivered_by_courier(setup)
    return setup


def _raise(client, auth, setup, kind="not_received", description=DESCRIPTION):
    auth.login(BUYER_EMAIL)
    return client.post(f"/orders/{setup.order.number}/masalah", data={"kind": kind, "description": description})


def test_buyer_raises_a_problem_on_a_delivered_order_and_the_sentra_is_emailed(client, auth, mail_outbox):
    setup = _delivered_transfer_order()
    response = _raise(client, auth, setup)
    assert response.status_code == 303
    problem = db.session.scalar(select(OrderProblem))
    assert (problem.kind, problem.status, problem.sentra_id) == ("not_received", "open", setup.sentra.id)
    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == setup.order.id)).all()
    assert any("problem raised" in (note or "") for note in notes)
    drain_all()
    to_owner = [m for m in mail_outbox if m["To"] == setup.owner.email]
    assert any(DESCRIPTION in m.get_content() for m in to_owner)


def test_the_order_page_offers_the_problem_form_only_once_delivered(client, auth):
    setup = new_order()
    ready_pickup(setup)
    auth.login(BUYER_EMAIL)
    assert "Report a problem" not in client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    from orders.shipping import services as shipping
    shipping.handover(setup.order, setup.order.pickup_code, setup.owner, paid_with="cash")
    db.session.commit()
    assert "Report a problem" in client.get(f"/orders/{setup.order.number}").get_data(as_text=True)


def test_a_problem_cannot_be_raised_before_delivery(client, auth):
    setup = new_order()
    ready_pickup(setup)
    _raise(client, auth, setup)
    assert db.session.scalar(select(OrderProblem)) is None


def test_only_one_problem_may_be_open_at_a_time(client, auth):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    _raise(client, auth, setup, kind="damaged")
    assert len(db.session.scalars(select(OrderProblem)).all()) == 1


@pytest.mark.parametrize("description", ["short", "x" * 2001])
def test_a_description_outside_10_to_2000_characters_is_refused(client, auth, description):
    setup = _delivered_transfer_order()
    response = _raise(client, auth, setup, description=description)
    assert response.status_code == 422
    assert db.session.scalar(select(OrderProblem)) is None


def test_another_buyer_cannot_raise_a_problem_on_someone_elses_order(client, auth):
    setup = _delivered_transfer_order()
    make_user("lain@example.test")
    db.session.commit()
    auth.login("lain@example.test")
    response = client.post(f"/orders/{setup.order.number}/masalah",
                           data={"kind": "damaged", "description": DESCRIPTION})
    assert response.status_code == 404
    assert db.session.scalar(select(OrderProblem)) is None


def test_the_service_refuses_a_problem_from_someone_else(app):
    setup = _delivered_transfer_order()
    with pytest.raises(NotAllowedError):
        problems.raise_problem(setup.order, make_user(), "damaged", DESCRIPTION)


def test_sentra_member_answers_once_and_the_buyer_is_emailed(client, auth, mail_outbox):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    problem = db.session.scalar(select(OrderProblem))
    auth.logout()
    auth.login(setup.owner.email)
    page = client.get(f"/kelola/{setup.sentra.slug}/pesanan/{setup.order.number}/masalah")
    assert page.status_code == 200 and DESCRIPTION in page.get_data(as_text=True)
    url = f"/kelola/{setup.sentra.slug}/pesanan/{setup.order.number}/masalah/{problem.id}/jawab"
    assert client.post(url, data={"reply": "Kami kirim ulang besok."}).status_code == 303
    client.post(url, data={"reply": "Jawaban kedua"})
    db.session.expire_all()
    problem = db.session.get(OrderProblem, problem.id)
    assert (problem.status, problem.sentra_reply) == ("answered", "Kami kirim ulang besok.")
    mail_outbox.clear()
    drain_all()
    assert any(m["To"] == BUYER_EMAIL and "Kami kirim ulang besok." in m.get_content() for m in mail_outbox)


def test_another_sentra_cannot_answer_the_problem(client, auth):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    problem = db.session.scalar(select(OrderProblem))
    other_owner = make_user("lain@example.test")
    other = make_sentra("32.75.01.1001", owner=other_owner)
    db.session.commit()
    auth.logout()
    auth.login("lain@example.test")
    for slug in (other.slug, setup.sentra.slug):
        url = f"/kelola/{slug}/pesanan/{setup.order.number}/masalah/{problem.id}/jawab"
        assert client.post(url, data={"reply": "Bukan urusan kami"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(OrderProblem, problem.id).status == "open"


def test_an_open_problem_holds_the_order_at_delivered(client, auth):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    db.session.expire_all()
    assert db.session.get(Order, setup.order.id).status == "delivered"


def test_office_settles_with_a_refund_a_bank_transfer_order_gets_a_pending_refund(client, auth, mail_outbox):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    problem = db.session.scalar(select(OrderProblem))
    problems.answer_problem(problem, setup.owner, "Maaf, kami cek dulu.")
    db.session.commit()
    make_user("admin@example.test", admin=True)
    db.session.commit()
    auth.logout()
    auth.login("admin@example.test")
    assert client.get("/admin/masalah?tab=answered").status_code == 200
    assert client.get(f"/admin/masalah/{problem.id}").status_code == 200
    response = client.post(f"/admin/masalah/{problem.id}/selesaikan",
                           data={"outcome": "refund", "note": "Dana dikembalikan", "confirm": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    problem = db.session.get(OrderProblem, problem.id)
    order = db.session.get(Order, setup.order.id)
    assert problem.status == "refunded" and problem.settled_at is not None
    assert order.status == "completed" and order.completed_at is not None
    refund = db.session.scalar(select(Refund).where(Refund.order_id == order.id))
    assert refund.state == "pending" and refund.amount_idr == order.total_idr
    mail_outbox.clear()
    drain_all()
    assert any(m["To"] == BUYER_EMAIL and "refund" in m.get_content() for m in mail_outbox)


def test_office_closes_a_problem_and_the_order_completes_without_refund(client, auth):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    problem = db.session.scalar(select(OrderProblem))
    admin = make_user("admin@example.test", admin=True)
    db.session.commit()
    problems.settle_problem(problem, admin, "close", "Paket sudah diterima tetangga", current_app.config)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(OrderProblem, problem.id).status == "closed"
    assert db.session.get(Order, setup.order.id).status == "completed"
    assert db.session.scalar(select(Refund)) is None


def test_settling_needs_the_confirmation_tick(client, auth):
    setup = _delivered_transfer_order()
    _raise(client, auth, setup)
    problem = db.session.scalar(select(OrderProblem))
    make_user("admin@example.test", admin=True)
    db.session.commit()
    auth.logout()
    auth.login("admin@example.test")
    response = client.post(f"/admin/masalah/{problem.id}/selesaikan", data={"outcome": "close"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(OrderProblem, problem.id).status == "open"


def test_a_settled_problem_cannot_be_settled_again(app):
    setup = _delivered_transfer_order()
    problem = problems.raise_problem(setup.order, setup.buyer, "damaged", DESCRIPTION)
    problems.settle_problem(problem, None, "close", None, app.config)
    db.session.commit()
    with pytest.raises(NotAllowedError):
        problems.settle_problem(problem, None, "refund", None, app.config)


def test_a_pay_on_pickup_order_is_not_refunded_by_the_office(app):
    setup = new_order()
    delivered_pickup(setup)
    problem = problems.raise_problem(setup.order, setup.buyer, "damaged", DESCRIPTION)
    db.session.commit()
    with pytest.raises(NotAllowedError):
        problems.settle_problem(problem, None, "refund", None, app.config)


def test_buyer_disputes_a_delivery_made_without_the_pin(client, auth):
    setup = new_order(method="bank_transfer", delivery="sentra_courier", paid=True)
    delivered_without_pin(setup)
    auth.login(BUYER_EMAIL)
    html = client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    assert "This wasn&#39;t me" in html or "This wasn't me" in html
    response = client.post(f"/orders/{setup.order.number}/masalah",
                           data={"kind": "disputed_delivery", "description": "Saya tidak menerima paket ini."})
    assert response.status_code == 303
    assert db.session.scalar(select(OrderProblem.kind)) == "disputed_delivery"


def test_a_delivery_with_the_pin_cannot_be_disputed(app):
    setup = _delivered_transfer_order()
    with pytest.raises(NotAllowedError):
        problems.raise_problem(setup.order, setup.buyer, "disputed_delivery", DESCRIPTION)


def test_admin_problem_lists_and_late_tab_render(client, auth):
    make_user("admin@example.test", admin=True)
    db.session.commit()
    auth.login("admin@example.test")
    for tab in ("open", "answered", "settled", "late"):
        assert client.get(f"/admin/masalah?tab={tab}").status_code == 200
