"""The program office's payment desk: transfers to confirm or reject, disputes, and bank refunds."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from orders.core import lifecycle
from orders.core.models import Order, OrderEvent
from orders.core.payments import Payment, Refund
from orders.payments.services import mark_paid
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.outbox.services import drain
from shop.sentras.models import Role
from tests.factories import (
    add_member,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)
from tests.queries import count_queries


@pytest.fixture
def media(app, monkeypatch, tmp_path):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def variant():
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"price_idr": 90_000, "stock": 50}])
    db.session.commit()
    return product.variants[0]


_buyers = iter(range(10_000))


def _transfer(variant, quantity: int = 1, buyer=None):
    buyer = buyer or make_user(f"pembeli{next(_buyers)}@example.test", name="Budi Pembeli")
    return make_checkout(buyer, [(variant, quantity)], method="bank_transfer")


def _attach_proof(checkout, key="private/transfer-proofs/aa/test.pdf", media=None):
    payment = db.session.get(Payment, checkout.payment.id)
    payment.proof_key = key
    payment.proof_uploaded_at = utcnow()
    payment.state = "processing"
    if media is not None:
        (media / key).parent.mkdir(parents=True, exist_ok=True)
        (media / key).write_bytes(b"%PDF-1.4 proof")
    db.session.commit()
    return payment


@pytest.fixture
def office(auth):
    user = make_user("kantor@example.test", admin=True, name="Kantor Program")
    db.session.commit()
    auth.login(user.email)
    return user


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# --- the desk -------------------------------------------------------------------------------


def test_admin_navigation_links_to_the_payment_desk(client, office):
    body = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/pembayaran"' in body


def test_waiting_transfers_list_those_with_a_proof_first(client, office, variant):
    without = _transfer(variant)
    with_proof = _transfer(variant)
    _attach_proof(with_proof)
    body = client.get("/admin/pembayaran").get_data(as_text=True)
    first, second = with_proof.orders[0].number, without.orders[0].number
    assert first in body and second in body
    assert body.index(first) < body.index(second)
    assert f"/admin/pembayaran/{with_proof.payment.id}/bukti" in body


def test_waiting_transfer_row_shows_amount_code_buyer_and_expiry(client, office, variant):
    checkout = _transfer(variant)
    body = client.get("/admin/pembayaran?tab=waiting").get_data(as_text=True)
    payment = checkout.payment
    assert f"{payment.unique_code:03d}" in body
    assert f"{payment.amount_idr:,}".replace(",", ".") in body
    assert "Budi Pembeli" in body and "WIB" in body


def test_confirmed_tab_lists_paid_transfers_only(app, client, office, variant):
    paid, waiting = _transfer(variant), _transfer(variant)
    mark_paid(paid.payment, office, "ok", app.config)
    db.session.commit()
    body = client.get("/admin/pembayaran?tab=confirmed").get_data(as_text=True)
    assert paid.orders[0].number in body and waiting.orders[0].number not in body


def test_disputed_tab_lists_flagged_orders(client, office, variant):
    checkout = _transfer(variant)
    calm = _transfer(variant)
    order = db.session.get(Order, checkout.orders[0].id)
    order.disputed_at = utcnow()
    db.session.commit()
    body = client.get("/admin/pembayaran?tab=disputed").get_data(as_text=True)
    assert order.number in body and calm.orders[0].number not in body


def test_long_lists_are_paginated_by_20(client, office, variant):
    for _ in range(21):
        _transfer(variant)
    first = client.get("/admin/pembayaran").get_data(as_text=True)
    assert first.count("/admin/pembayaran/") - first.count("/bukti") >= 20
    assert "page=2" in first
    second = client.get("/admin/pembayaran?page=2").get_data(as_text=True)
    assert second.count('class="transfer-amount"') == 1


@pytest.mark.parametrize("tab", ["waiting", "confirmed", "rejected", "disputed", "refunds"])
def test_desk_query_count_does_not_grow_with_the_list(app, client, office, variant, tab):
    def fill(n):
        for _ in range(n):
            checkout = _transfer(variant)
            payment = db.session.get(Payment, checkout.payment.id)
            if tab == "confirmed" or tab == "refunds":
                mark_paid(payment, office, "ok", app.config)
                if tab == "refunds":
                    lifecycle.refund(db.session.get(Order, checkout.orders[0].id), office, "cancelled", app.config)
            elif tab == "rejected":
                payment.failure_message = "no such transfer"
            elif tab == "disputed":
                db.session.get(Order, checkout.orders[0].id).disputed_at = utcnow()
            db.session.commit()

    fill(2)
    client.get(f"/admin/pembayaran?tab={tab}")
    db.session.expire_all()
    with count_queries() as few:
        client.get(f"/admin/pembayaran?tab={tab}")
    fill(6)
    db.session.expire_all()
    with count_queries() as many:
        body = client.get(f"/admin/pembayaran?tab={tab}").get_data(as_text=True)
    assert len(many) == len(few), "\n".join(statement[:120] for statement in many)
    assert len(few) <= 12
    assert body.count("PS-") >= 8


# --- confirm --------------------------------------------------------------------------------


def test_confirming_a_transfer_marks_its_orders_paid_and_placed(client, office, variant):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    response = client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={"note": "BCA 12/05 line 7"})
    assert response.status_code == 303
    payment = _fresh(Payment, payment.id)
    assert payment.state == "succeeded" and payment.decided_by_id == office.id
    order = _fresh(Order, checkout.orders[0].id)
    assert (order.status, order.payment_status) == ("placed", "paid")
    kinds = set(db.session.scalars(select(OutboxJob.kind)))
    assert {"order.paid", "order.placed"} <= kinds


def test_confirming_a_transfer_without_a_proof_works_too(client, office, variant):
    checkout = _transfer(variant)
    client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={})
    assert _fresh(Order, checkout.orders[0].id).payment_status == "paid"


def test_confirming_twice_is_harmless(client, office, variant):
    checkout = _transfer(variant)
    url = f"/admin/pembayaran/{checkout.payment.id}/konfirmasi"
    client.post(url, data={})
    jobs = db.session.scalar(select(db.func.count()).select_from(OutboxJob))
    response = client.post(url, data={})
    assert response.status_code == 303
    assert db.session.scalar(select(db.func.count()).select_from(OutboxJob)) == jobs
    order = _fresh(Order, checkout.orders[0].id)
    assert order.status == "placed"
    assert sum(1 for e in order.events if e.kind == "payment") == 1


def test_confirming_a_transfer_whose_orders_were_cancelled_refunds_them(app, client, office, variant):
    from orders.services import cancel_by_buyer

    checkout = _transfer(variant)
    order = checkout.orders[0]
    cancel_by_buyer(order, order.buyer, None, app.config)
    db.session.commit()
    assert checkout.payment.state == "cancelled"
    # The money arrived anyway: the office books it, and the cancelled order's share goes back.
    assert client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={}).status_code == 303
    drain()
    order = db.session.get(Order, order.id)
    assert (order.status, order.payment_status) == ("cancelled", "paid")
    refund = db.session.scalar(select(Refund))
    assert (refund.order_id, refund.state) == (order.id, "pending")


def test_confirming_a_failed_payment_is_a_409(client, office, variant):
    checkout = _transfer(variant)
    payment = db.session.get(Payment, checkout.payment.id)
    payment.state = "failed"
    db.session.commit()
    assert client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={}).status_code == 409


def test_detail_page_shows_the_transfer_and_its_decisions(client, office, variant):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    body = client.get(f"/admin/pembayaran/{payment.id}").get_data(as_text=True)
    assert checkout.orders[0].number in body and "Budi Pembeli" in body
    assert f"/admin/pembayaran/{payment.id}/konfirmasi" in body and f"/admin/pembayaran/{payment.id}/tolak" in body
    assert "data-confirm" in body


def test_card_payment_has_no_transfer_page(client, office, variant):
    checkout = _transfer(variant)
    payment = db.session.get(Payment, checkout.payment.id)
    payment.method = "stripe_card"
    db.session.commit()
    assert client.get(f"/admin/pembayaran/{payment.id}").status_code == 404


def test_office_sees_the_proof_file(client, office, variant, media):
    payment = _attach_proof(_transfer(variant), media=media)
    response = client.get(f"/admin/pembayaran/{payment.id}/bukti")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 proof"
    assert "no-store" in response.headers["Cache-Control"]


# --- reject ---------------------------------------------------------------------------------


def test_rejecting_a_proof_sends_the_payment_back_and_emails_the_buyer(client, office, variant, mail_outbox):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    response = client.post(f"/admin/pembayaran/{payment.id}/tolak", data={"reason": "No such transfer on 12/05"})
    assert response.status_code == 303
    payment = _fresh(Payment, payment.id)
    assert payment.state == "pending" and payment.failure_message == "No such transfer on 12/05"
    assert payment.proof_key is not None  # kept for the record until a new proof replaces it
    assert _fresh(Order, checkout.orders[0].id).status == "pending_payment"
    drain()
    assert len(mail_outbox) == 1
    assert mail_outbox[0]["To"] == checkout.buyer.email
    assert "No such transfer on 12/05" in mail_outbox[0].get_content()


def test_rejected_proof_is_listed_under_rejected(client, office, variant):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    client.post(f"/admin/pembayaran/{payment.id}/tolak", data={"reason": "Amount differs"})
    body = client.get("/admin/pembayaran?tab=rejected").get_data(as_text=True)
    assert checkout.orders[0].number in body and "Amount differs" in body


def test_rejecting_without_a_reason_is_a_422(client, office, variant):
    payment = _attach_proof(_transfer(variant))
    assert client.post(f"/admin/pembayaran/{payment.id}/tolak", data={"reason": "  "}).status_code == 422
    assert _fresh(Payment, payment.id).state == "processing"


def test_rejecting_when_no_proof_waits_is_a_409(client, office, variant):
    checkout = _transfer(variant)
    assert client.post(f"/admin/pembayaran/{checkout.payment.id}/tolak", data={"reason": "x"}).status_code == 409


def test_buyer_uploads_again_after_a_rejection_and_the_office_confirms(client, auth, office, variant, media):
    buyer = make_user("sari@example.test")
    db.session.commit()
    checkout = _transfer(variant, buyer=buyer)
    auth.logout()
    auth.login(buyer.email)
    client.post(f"/checkout/{checkout.id}/bukti", data={"proof": (io.BytesIO(png_bytes()), "a.png")},
                content_type="multipart/form-data")
    auth.logout()
    auth.login(office.email)
    client.post(f"/admin/pembayaran/{checkout.payment.id}/tolak", data={"reason": "Blurry photo"})
    auth.logout()
    auth.login(buyer.email)
    page = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)
    assert "Blurry photo" in page
    client.post(f"/checkout/{checkout.id}/bukti", data={"proof": (io.BytesIO(b"%PDF-1.4 x"), "b.pdf")},
                content_type="multipart/form-data")
    payment = _fresh(Payment, checkout.payment.id)
    assert payment.state == "processing" and payment.proof_key.endswith(".pdf")
    auth.logout()
    auth.login(office.email)
    client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={})
    assert _fresh(Order, checkout.orders[0].id).payment_status == "paid"


# --- refunds --------------------------------------------------------------------------------


def _pending_refund(app, office, variant) -> Refund:
    checkout = _transfer(variant)
    mark_paid(checkout.payment, office, "ok", app.config)
    refund = lifecycle.refund(db.session.get(Order, checkout.orders[0].id), office, "sentra closed", app.config)
    db.session.commit()
    return refund


def test_refunds_tab_lists_bank_refunds_to_make(app, client, office, variant):
    refund = _pending_refund(app, office, variant)
    body = client.get("/admin/pembayaran?tab=refunds").get_data(as_text=True)
    assert refund.order.number in body and "sentra closed" in body
    assert f"/admin/pembayaran/refund/{refund.id}/selesai" in body


def test_recording_a_refund_with_its_reference_books_it_on_the_order(app, client, office, variant):
    refund = _pending_refund(app, office, variant)
    response = client.post(f"/admin/pembayaran/refund/{refund.id}/selesai", data={"reference": "TRF-8812"})
    assert response.status_code == 303
    refund = _fresh(Refund, refund.id)
    assert (refund.state, refund.reference) == ("succeeded", "TRF-8812")
    order = _fresh(Order, refund.order_id)
    assert (order.payment_status, order.refunded_idr) == ("refunded", order.total_idr)
    assert "TRF-8812" not in client.get("/admin/pembayaran?tab=refunds").get_data(as_text=True)


def test_recording_a_refund_twice_keeps_the_first_reference(app, client, office, variant):
    refund = _pending_refund(app, office, variant)
    client.post(f"/admin/pembayaran/refund/{refund.id}/selesai", data={"reference": "TRF-1"})
    client.post(f"/admin/pembayaran/refund/{refund.id}/selesai", data={"reference": "TRF-2"})
    refund = _fresh(Refund, refund.id)
    assert refund.reference == "TRF-1"
    assert _fresh(Order, refund.order_id).refunded_idr == refund.amount_idr


def test_recording_a_refund_without_a_reference_changes_nothing(app, client, office, variant):
    refund = _pending_refund(app, office, variant)
    response = client.post(f"/admin/pembayaran/refund/{refund.id}/selesai", data={"reference": ""})
    assert response.status_code == 303
    assert _fresh(Refund, refund.id).state == "pending"


# --- who may enter --------------------------------------------------------------------------


def test_non_admin_cannot_confirm_or_see_proofs(client, auth, variant):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    auth.login(checkout.buyer.email)
    assert client.get("/admin/pembayaran").status_code == 403
    assert client.get(f"/admin/pembayaran/{payment.id}/bukti").status_code == 403
    assert client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={}).status_code == 403
    assert _fresh(Payment, payment.id).state == "processing"


def test_anonymous_visitor_is_sent_to_login(client, variant):
    payment = _attach_proof(_transfer(variant))
    response = client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_confirm_without_a_csrf_token_is_refused(client, office, variant, csrf_enabled):
    checkout = _transfer(variant)
    assert client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={}).status_code == 400
    assert _fresh(Payment, checkout.payment.id).state == "pending"


def test_confirm_form_carries_its_csrf_token(client, office, variant, csrf_enabled):
    checkout = _transfer(variant)
    page = client.get(f"/admin/pembayaran/{checkout.payment.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={"csrf_token": token})
    assert response.status_code == 303
    assert _fresh(Payment, checkout.payment.id).state == "succeeded"


def _expire(app, checkout):
    from datetime import timedelta

    from orders.payments.services import expire_due_payments

    db.session.get(type(checkout), checkout.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert expire_due_payments(utcnow(), app.config) == 1


def test_confirming_an_expired_transfer_takes_the_stock_again(app, client, office, variant):
    checkout = _transfer(variant, quantity=2)
    _expire(app, checkout)
    assert _fresh(Order, checkout.orders[0].id).status == "expired"
    client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={})
    order = _fresh(Order, checkout.orders[0].id)
    assert (order.status, order.payment_status) == ("placed", "paid")
    assert _fresh(type(variant), variant.id).stock == 48


def test_confirming_an_expired_transfer_whose_stock_is_gone_leaves_a_refund_to_make(app, client, office):
    sentra = make_sentra()
    scarce = make_product(sentra, variants=[{"price_idr": 30_000, "stock": 1}]).variants[0]
    db.session.commit()
    checkout = _transfer(scarce)
    _expire(app, checkout)
    make_checkout(make_user("cepat@example.test"), [(scarce, 1)])  # someone else takes the last one
    client.post(f"/admin/pembayaran/{checkout.payment.id}/konfirmasi", data={})
    from shop.outbox.services import drain

    drain()  # the refund is made by the worker, so confirming never waits on it
    refund = db.session.scalar(select(Refund))
    assert refund is not None and refund.state == "pending" and refund.amount_idr == 30_000
    body = client.get("/admin/pembayaran?tab=refunds").get_data(as_text=True)
    assert checkout.orders[0].number in body


# --- the office's note stays internal ----------------------------------------------------------

OFFICE_NOTE = "Mutasi BCA 12/05 baris 7, cek ulang dengan Bu Rina"


def _confirmed_with_note(client, variant):
    checkout = _transfer(variant)
    payment = _attach_proof(checkout)
    client.post(f"/admin/pembayaran/{payment.id}/konfirmasi", data={"note": OFFICE_NOTE})
    return checkout, payment


def test_the_office_reads_its_confirmation_note_on_the_transfer_page(client, office, variant):
    _, payment = _confirmed_with_note(client, variant)

    assert OFFICE_NOTE in client.get(f"/admin/pembayaran/{payment.id}").get_data(as_text=True)


def test_the_buyer_never_sees_the_offices_confirmation_note(client, auth, office, variant):
    checkout, _ = _confirmed_with_note(client, variant)
    order = checkout.orders[0]
    auth.logout()
    auth.login(checkout.buyer.email)

    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    api = client.get(f"/api/v1/orders/{order.number}").get_data(as_text=True)

    assert OFFICE_NOTE not in page and OFFICE_NOTE not in api
    assert "Transfer bank dikonfirmasi kantor program" in page


def test_the_sentra_never_sees_the_offices_confirmation_note(client, auth, office, variant):
    checkout, _ = _confirmed_with_note(client, variant)
    order = checkout.orders[0]
    member = make_user("anggota@example.test")
    add_member(order.sentra, member, Role.MANAGER)
    db.session.commit()
    auth.logout()
    auth.login(member.email)

    page = client.get(f"/kelola/{order.sentra.slug}/pesanan/{order.number}")

    assert page.status_code == 200
    assert OFFICE_NOTE not in page.get_data(as_text=True)


def test_no_order_event_carries_the_offices_confirmation_note(client, office, variant):
    checkout, _ = _confirmed_with_note(client, variant)

    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == checkout.orders[0].id))

    assert all(OFFICE_NOTE not in (note or "") for note in notes)
