"""Order history notes written by the system are stored in English; people read them in their language.

A note is kept as written (the record), and shown through :func:`display_note`: a known
note is translated whole; a known prefix ("cancelled by the sentra: ...") is translated
and the rest (a person's own words, a number) is kept.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TRANSFER_CONFIRMED = "bank transfer confirmed by the office"

WHOLE = {
    "checkout": _l("Order placed"),
    "accepted by the sentra": _l("Accepted by the sentra"),
    "payment received": _l("Payment received"),
    "paid": _l("Paid"),
    "late payment received": _l("Payment received late"),
    "payment not received in time": _l("Payment not received in time"),
    "paid after the checkout expired; stock taken again": _l("Paid after the deadline; the items were still there"),
    "paid after the checkout expired; stock is gone, refunding":
        _l("Paid after the deadline; the items are gone, so the money is refunded"),
    "completed automatically": _l("Completed automatically"),
    "card dispute opened": _l("Card payment disputed"),
    "handover locked after too many wrong codes": _l("Handover locked after too many wrong codes"),
    "handover lock reset": _l("Handover lock reset"),
    "transfer proof uploaded": _l("Transfer proof uploaded"),
    TRANSFER_CONFIRMED: _l("Bank transfer confirmed by the program office"),
    "cancelled by the buyer": _l("Cancelled by the buyer"),
    "cancelled by the buyer (late)": _l("Cancelled by the buyer (late)"),
}

PREFIXES = (
    ("cancelled by the buyer (late): ", _l("Cancelled by the buyer (late):")),
    ("cancelled by the buyer: ", _l("Cancelled by the buyer:")),
    ("cancelled by the sentra: ", _l("Cancelled by the sentra:")),
    ("cancelled automatically: ", _l("Cancelled automatically:")),
    ("paid at pickup: ", _l("Paid at pickup:")),
    ("courier assigned: ", _l("Courier assigned:")),
    ("transfer proof rejected: ", _l("Transfer proof rejected:")),
    ("the sentra answered the problem: ", _l("The sentra answered the problem:")),
    ("payment could not start: ", _l("The payment could not start:")),
    ("refund of ", _l("Refund requested:")),
    ("refunded ", _l("Refunded:")),
)


def display_note(note: str | None) -> str:
    """``note`` in the reader's language where the system wrote it (a template filter)."""
    if not note:
        return ""
    whole = WHOLE.get(note)
    if whole is not None:
        return str(whole)
    for prefix, label in PREFIXES:
        if note.startswith(prefix):
            rest = note[len(prefix):]
            if prefix.startswith("refund"):
                rest = rest.removesuffix(" requested")
            return f"{label} {rest}"
    return note
