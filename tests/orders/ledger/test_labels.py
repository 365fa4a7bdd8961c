"""Every kind of ledger entry has a label on the statements, from a module that is not a view."""
from __future__ import annotations

from orders.ledger.labels import KIND_LABELS
from orders.ledger.models import EntryKind


def test_every_entry_kind_has_a_statement_label():
    assert set(KIND_LABELS) == {kind.value for kind in EntryKind}


def test_statement_labels_read_in_indonesian(app):
    with app.test_request_context():
        assert str(KIND_LABELS["refund"]) == "Pengembalian dana"
