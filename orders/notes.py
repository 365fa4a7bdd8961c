"""Order history notes written by the system are stored in English; people read them in their language.

A note is kept as written (the record), and shown through :func:`display_note`: a known
note is translated whole; a known prefix ("cancelled by the sentra: ...") is translated
and the rest (a person's own words, a number) is kept.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.i18n import rupiah

TRANSFER_CONFIRMED = "bank transfer confirmed by the office"
MIDTRANS_PAID = "paid through Midtrans"
MIDTRANS_MISMATCH = "paid amount does not match; held for the program office"

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
    "confirmed received by the buyer": _l("The buyer confirmed the order arrived"),
    "card dispute opened": _l("Card payment disputed"),
    "handover locked after too many wrong codes": _l("Handover locked after too many wrong codes"),
    "handover lock reset": _l("Handover lock reset"),
    "transfer proof uploaded": _l("Transfer proof uploaded"),
    TRANSFER_CONFIRMED: _l("Bank transfer confirmed by the program office"),
    "cancelled by the buyer": _l("Cancelled by the buyer"),
    "cancelled by the buyer (late)": _l("Cancelled by the buyer (late)"),
    "card dispute lost": _l("Card dispute lost"),
    "handed over with the buyer's pickup code": _l("Handed over with the buyer's pickup code"),
    "handed over with the buyer's delivery PIN": _l("Handed over with the buyer's delivery PIN"),
    "returned to the sentra": _l("Returned to the sentra"),
    MIDTRANS_PAID: _l("Paid through Midtrans"),
    MIDTRANS_MISMATCH: _l("The amount paid does not match the order; the program office is checking it"),
    "payment cancelled at Midtrans": _l("The payment was cancelled at Midtrans"),
    "payment denied at Midtrans": _l("The payment was refused at Midtrans"),
    "payment failure at Midtrans": _l("The payment failed at Midtrans"),
}

# Steps of a shipment (orders.shipping.models.TrackingStatus), written into the history as "tracking: <step>".
TRACKING_STEPS = {
    "packed": _l("Packed"),
    "ready_for_pickup": _l("Ready for pickup"),
    "handed_to_courier": _l("Handed to the courier"),
    "in_transit": _l("In transit"),
    "out_for_delivery": _l("Out for delivery"),
    "delivery_failed": _l("Delivery failed"),
    "delivered": _l("Delivered"),
    "returned": _l("Returned to the sentra"),
}

# Problem kinds (orders.shipping.models.ProblemKind) and pickup payments, as they appear inside notes.
WORDS = {
    "not_received": _l("Not received"),
    "damaged": _l("Damaged"),
    "wrong_item": _l("Wrong item"),
    "disputed_delivery": _l("Delivery disputed (it was not me)"),
    "cash": _l("Cash"),
    "qris": _l("QRIS"),
}

_TRACKING = re.compile(r"tracking: (?P<step>[a-z_]+)(?: \((?P<note>.*)\))?", re.DOTALL)
_QUOTE = re.compile(r"quote (?P<quote>\d+) revision (?P<revision>\d+)")
_AMOUNT = re.compile(r"Rp(\d+)\b")  # a bare amount as a refund note stores it: "Rp40000"
_PROBLEM = re.compile(r"problem raised by the buyer \((?P<kind>[a-z_]+)\): (?P<text>.*)", re.DOTALL)

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
    ("returned to the sentra: ", _l("Returned to the sentra:")),
    ("delivered without PIN to ", _l("Delivered without the PIN to")),
    ("receipt confirmed by the buyer: ", _l("Receipt confirmed by the buyer:")),
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
    if match := _TRACKING.fullmatch(note):
        step = str(TRACKING_STEPS.get(match["step"], match["step"]))
        return f"{step} ({display_note(match['note'])})" if match["note"] else step
    if match := _QUOTE.fullmatch(note):
        return _("Quote %(quote)s, version %(revision)s", quote=match["quote"], revision=match["revision"])
    if match := _PROBLEM.fullmatch(note):
        kind = str(WORDS.get(match["kind"], match["kind"]))
        return _("Problem raised by the buyer (%(kind)s): %(text)s", kind=kind, text=match["text"])
    for prefix, label in PREFIXES:
        if note.startswith(prefix):
            rest = note[len(prefix):]
            if prefix == "paid at pickup: ":
                rest = str(WORDS.get(rest, rest))
            if prefix.startswith("refund"):
                rest = _AMOUNT.sub(lambda amount: rupiah(int(amount[1])), rest.removesuffix(" requested"))
            return f"{label} {rest}"
    return note
