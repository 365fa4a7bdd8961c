"""System notes in an order's history are shown in the reader's language."""
from __future__ import annotations

import pytest

from orders.notes import display_note


@pytest.mark.parametrize(("note", "english"), [
    ("checkout", "Order placed"),
    ("accepted by the sentra", "Accepted by the sentra"),
    ("cancelled by the sentra: stok habis terbakar", "Cancelled by the sentra: stok habis terbakar"),
    ("refund of Rp40000 requested", "Refund requested: Rp40000"),
    ("a sentra's own words", "a sentra's own words"),
])
def test_system_notes_are_translated_and_own_words_kept(app, note, english):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert display_note(note) == english


def test_indonesian_reader_sees_indonesian_notes(app):
    with app.test_request_context():
        assert display_note("accepted by the sentra") != "Accepted by the sentra"
        assert display_note("cancelled by the sentra: tutup").endswith(": tutup")
