"""How a ledger entry's kind reads on the statements (the sentra's and the program office's)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from orders.ledger.models import EntryKind

KIND_LABELS = {
    EntryKind.ORDER_CREDIT.value: _l("Order paid"),
    EntryKind.PICKUP_COMMISSION.value: _l("Commission (paid at pickup)"),
    EntryKind.REFUND.value: _l("Refund"),
    EntryKind.DISPUTE.value: _l("Card dispute lost"),
    EntryKind.GATEWAY_FEE.value: _l("Payment gateway fee"),
    EntryKind.PAYOUT.value: _l("Payout"),
    EntryKind.ADJUSTMENT.value: _l("Adjustment by the office"),
}
