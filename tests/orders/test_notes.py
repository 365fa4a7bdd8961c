"""System notes in an order's history are shown in the reader's language."""
from __future__ import annotations

import pytest

from orders.core.status import record_event
from orders.notes import display_note
from shop.extensions import db
from tests.orders.tracking_helpers import new_order


@pytest.mark.parametrize(("note", "english"), [
    ("checkout", "Order placed"),
    ("accepted by the sentra", "Accepted by the sentra"),
    ("cancelled by the sentra: stok habis terbakar", "Cancelled by the sentra: stok habis terbakar"),
    ("refund of Rp40000 requested", "Refund requested: Rp40,000"),
    ("a sentra's own words", "a sentra's own words"),
])
def test_system_notes_are_translated_and_own_words_kept(app, note, english):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert display_note(note) == english


def test_indonesian_reader_sees_indonesian_notes(app):
    with app.test_request_context():
        assert display_note("accepted by the sentra") != "Accepted by the sentra"
        assert display_note("cancelled by the sentra: tutup").endswith(": tutup")


@pytest.mark.parametrize(("note", "english"), [
    ("tracking: ready_for_pickup", "Ready for pickup"),
    ("tracking: handed_to_courier (JNE pagi)", "Handed to the courier (JNE pagi)"),
    ("handed over with the buyer's pickup code", "Handed over with the buyer's pickup code"),
    ("quote 3 revision 1", "Quote 3, version 1"),
    ("problem raised by the buyer (wrong_item): warnanya beda", "Problem raised by the buyer (Wrong item): warnanya beda"),
    ("paid at pickup: qris", "Paid at pickup: QRIS"),
])
def test_system_notes_with_a_step_or_a_number_are_translated(app, note, english):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert display_note(note) == english


def test_indonesian_reader_sees_no_step_code_in_a_tracking_note(app):
    with app.test_request_context():
        assert display_note("tracking: ready_for_pickup") == "Siap diambil"


@pytest.mark.parametrize(("note", "indonesian"), [
    ("refund of Rp40000 requested", "Pengembalian dana diminta: Rp40.000"),
    ("refunded Rp1250000 (re_3Pq)", "Dana dikembalikan: Rp1.250.000 (re_3Pq)"),
    ("refunded Rp500", "Dana dikembalikan: Rp500"),
])
def test_refund_notes_show_the_amount_grouped_in_thousands(app, note, indonesian):
    with app.test_request_context():
        assert display_note(note) == indonesian


def test_the_buyers_order_history_shows_a_refund_amount_grouped(client, auth):
    setup = new_order()
    setup.buyer.locale = "id"
    record_event(setup.order, "refund", None, "refunded Rp40000")
    db.session.commit()
    auth.login(setup.buyer.email)
    page = client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    assert "Dana dikembalikan: Rp40.000" in page
    assert "Rp40000" not in page


@pytest.mark.parametrize(("note", "english"), [
    ("paid through Midtrans", "Paid through Midtrans"),
    ("paid amount does not match; held for the program office",
     "The amount paid does not match the order; the program office is checking it"),
    ("payment denied at Midtrans", "The payment was refused at Midtrans"),
])
def test_midtrans_notes_are_translated(app, note, english):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert display_note(note) == english


def test_indonesian_reader_sees_midtrans_notes_in_indonesian(app):
    with app.test_request_context():
        assert display_note("paid through Midtrans") == "Dibayar lewat Midtrans"
