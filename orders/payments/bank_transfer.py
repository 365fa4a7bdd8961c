"""Bank transfer to the program's account, matched by a unique amount, and the buyer's proof.

The buyer transfers the checkout total plus a 3-digit code (1-999), as Indonesian
shops do, so the office can tell transfers of the same total apart on the bank
statement. No two waiting transfers share an amount: a partial unique index on
``payment.amount_idr`` enforces it, and a parallel purchase that drew the same
amount finds its INSERT skipped and draws again (:func:`orders.core.placement.record_payment`).

The buyer may upload a proof (a photo of the receipt or the bank's PDF); the
payment then waits for the office (``processing``). The office confirms it
(``orders.payments.services.mark_paid``) or rejects the proof with a reason: the
payment goes back to ``pending`` (the rejected proof's key and the reason stay on
the payment for the record) and the buyer may upload another one until expiry.

Proof files are private: they are stored under ``private/`` keys, which the public
``/media`` route refuses, and served only to the buyer and the office by routes
that check who asks.
"""
from __future__ import annotations

import functools
import io
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, bindparam, select

from orders.core.errors import OrderError
from orders.core.models import Checkout, Order
from orders.core.payments import Payment, PaymentMethod, PaymentState, Refund
from orders.core.providers import PaymentError, PaymentProvider, register
from orders.core.status import record_event
from shop import imaging, storage
from shop.db import utcnow
from shop.extensions import db
from shop.i18n import rupiah, wib
from shop.mail import send_mail
from shop.outbox.services import enqueue
from shop.outbox.services import register as register_job

if TYPE_CHECKING:  # Pillow is imported where a proof is re-encoded: at module level it costs every app start
    from PIL import Image

CODE_MIN, CODE_MAX = 1, 999
WAITING = (PaymentState.PENDING, PaymentState.PROCESSING)

PROOF_PREFIX = "private/transfer-proofs"  # never served by /media (see shop.main.media)
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
PROOF_SIZE = 2400  # the longest side kept: a receipt stays legible
PDF_MAGIC = b"%PDF-"
PROOF_REJECTED_JOB = "payment.proof_rejected"


class BankTransfer(PaymentProvider):
    """A transfer of the total plus a unique code to the program's account; the office confirms it."""

    name = PaymentMethod.BANK_TRANSFER

    def expires_after(self, config: Mapping[str, Any]) -> timedelta | None:
        return timedelta(hours=int(config.get("BANK_TRANSFER_EXPIRY_HOURS", 24)))

    def prepare(self, payment: Payment, checkout: Checkout, config: Mapping[str, Any]) -> None:
        """Draw a code no other waiting transfer of this total uses; amount = total + code.

        One query reads the waiting amounts in ``[total + 1, total + 999]``; the code is
        drawn at random among the free ones (so parallel checkouts rarely draw the same).
        A parallel purchase that took the same amount first makes the INSERT skip it
        (:func:`orders.core.placement.record_payment` draws again).

        :raise PaymentError: all 999 codes of this total are taken (``transfer_codes_exhausted``).
        """
        total = checkout.total_idr
        taken = set(db.session.scalars(_waiting_amounts(), {"low": total + CODE_MIN, "high": total + CODE_MAX}))
        free = [code for code in range(CODE_MIN, CODE_MAX + 1) if total + code not in taken]
        if not free:
            raise PaymentError(_("Too many transfers of this amount are waiting; please try again later "
                                 "or choose another payment method."), "transfer_codes_exhausted")
        code = draw_code(free)
        payment.unique_code = code
        payment.amount_idr = total + code

    def instructions(self, payment: Payment, config: Mapping[str, Any]) -> dict[str, Any] | None:
        checkout = payment.checkout
        expires_at = checkout.expires_at
        return {
            "bank": config.get("BANK_TRANSFER_BANK"),
            "account_number": config.get("BANK_TRANSFER_ACCOUNT"),
            "account_holder": config.get("BANK_TRANSFER_HOLDER"),
            "amount_idr": payment.amount_idr,
            "unique_code": payment.unique_code,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "reference": transfer_reference(checkout),
        }

    def refund(self, payment: Payment, order: Order, amount_idr: int, actor: Any | None,
               reason: str | None, config: Mapping[str, Any]) -> Refund:
        """A pending refund the office pays by bank transfer and then records with
        ``complete_refund``; nothing changes on the order before that. Flushes."""
        refund = Refund(payment=payment, order_id=order.id, amount_idr=amount_idr, state="pending",
                        reason=(reason or None) and reason[:2000], created_by_id=getattr(actor, "id", None))
        db.session.add(refund)
        db.session.flush()
        return refund


@functools.cache
def _waiting_amounts() -> Select:
    """The amounts of the waiting transfers between ``low`` and ``high``: built once, as every
    bank-transfer checkout runs it (building it and hashing its cache key each time cost more than
    running it)."""
    return select(Payment.amount_idr).where(
        Payment.method == PaymentMethod.BANK_TRANSFER,
        Payment.state.in_(WAITING),
        Payment.amount_idr.between(bindparam("low", type_=Integer), bindparam("high", type_=Integer)),
    )


def draw_code(free: list[int]) -> int:
    """One of the free codes, at random (parallel checkouts of one total rarely collide)."""
    return secrets.choice(free)


def transfer_reference(checkout: Checkout) -> str:
    """What the buyer writes in the transfer's note: the first order's number, else the checkout id."""
    return checkout.orders[0].number if checkout.orders else f"CHECKOUT-{checkout.id}"


# --- the buyer's proof ------------------------------------------------------------------------

_PROOF_MESSAGES = {
    "empty": _l("Choose a file: a photo or screenshot of the transfer receipt, or the bank's PDF."),
    "image_too_large": _l("The photo is larger than 10 MB."),
    "pdf_too_large": _l("The PDF is larger than 5 MB."),
    "too_many_pixels": _l("The photo has more than 40 megapixels; make it smaller and try again."),
    "bad_shape": imaging.BAD_SHAPE_MESSAGE,
    "wrong_type": _l("The file must be a JPEG, PNG or WebP photo or a PDF, and not damaged."),
}


class InvalidProofError(ValueError):
    """An upload that is not accepted as a proof; ``message`` says why to the buyer.

    Reasons: ``empty``, ``image_too_large``, ``pdf_too_large``, ``too_many_pixels``, ``bad_shape``,
    ``wrong_type``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = _PROOF_MESSAGES[reason]


class TransferStateError(OrderError):
    """The transfer is not in a state that allows this (paid already, expired, no proof to reject)."""

    code = "invalid_payment_state"
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProofFile:
    data: bytes
    extension: str
    content_type: str


MAX_UPLOAD_BYTES = max(MAX_IMAGE_BYTES, MAX_PDF_BYTES)


def process_proof(data: bytes) -> ProofFile:
    """Check an uploaded proof and return what gets stored.

    A PDF (recognised by its ``%PDF-`` magic bytes, at most 5 MB) is kept as it is; an
    image (JPEG, PNG or WebP, at most 10 MB and 40 megapixels, no longer or narrower than
    :mod:`shop.imaging` allows) is decoded there, turned upright, stripped of EXIF/XMP/ICC and
    re-encoded as WebP.

    :raise InvalidProofError: empty, too large, or neither a PDF nor a decodable image.
    """
    if not data:
        raise InvalidProofError("empty")
    if data.startswith(PDF_MAGIC):
        if len(data) > MAX_PDF_BYTES:
            raise InvalidProofError("pdf_too_large")
        return ProofFile(data, "pdf", "application/pdf")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidProofError("image_too_large")
    from PIL import Image  # here, not at module level: it costs every start of the app

    image = _decode(data)
    image.thumbnail((PROOF_SIZE, PROOF_SIZE), Image.Resampling.LANCZOS)
    image.info.clear()
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=2)
    return ProofFile(out.getvalue(), "webp", "image/webp")


_PROOF_REASONS = {"not_an_image": "wrong_type", "bomb": "too_many_pixels"}


def _decode(data: bytes) -> Image.Image:
    try:
        return imaging.decode_upload(data, max_pixels=MAX_IMAGE_PIXELS, keep=PROOF_SIZE)
    except imaging.ImageRefusedError as error:
        raise InvalidProofError(_PROOF_REASONS.get(error.reason, error.reason)) from None


def check_proof_allowed(payment: Payment, checkout: Checkout, now: datetime) -> None:
    """:raise TransferStateError: not a transfer, paid or closed already, or the checkout expired."""
    if payment.method != PaymentMethod.BANK_TRANSFER:
        raise TransferStateError(_("This checkout is not paid by bank transfer."))
    if payment.state not in WAITING:
        raise TransferStateError(_("This transfer is no longer waiting for a proof."))
    if checkout.expires_at is not None and checkout.expires_at <= now:
        raise TransferStateError(_("The time to pay this checkout is over."))


def attach_proof(payment: Payment, proof: ProofFile, actor: Any | None, now: datetime | None = None) -> str:
    """Store ``proof`` for ``payment`` (locked by the caller) and wait for the office. Flushes.

    The payment becomes ``processing``. The stored file is deleted if the transaction
    rolls back; a proof it replaces is deleted once the transaction commits.
    Returns the new key.

    :raise TransferStateError: see :func:`check_proof_allowed`.
    :raise StorageError: the file could not be stored.
    """
    now = now or utcnow()
    checkout = payment.checkout
    check_proof_allowed(payment, checkout, now)
    key = storage.new_key(PROOF_PREFIX, proof.extension)
    storage.get_storage().save(key, proof.data, proof.content_type)
    storage.delete_on_rollback(db.session, [key])
    if payment.proof_key:
        storage.delete_after_commit(db.session, [payment.proof_key])
    payment.proof_key = key
    payment.proof_uploaded_at = now
    payment.state = PaymentState.PROCESSING
    for order in checkout.orders:
        record_event(order, "payment", actor, "transfer proof uploaded")
    db.session.flush()
    return key


def reject_proof(payment: Payment, actor: Any | None, reason: str) -> None:
    """The office does not accept the proof: back to ``pending`` with the reason. Flushes.

    The caller locks the payment. The proof's key stays on the payment (the office can
    still look at what it rejected) until the buyer uploads another one, which replaces it.
    The reason goes into ``failure_message`` and every order's history, and the buyer is
    emailed through the outbox (job ``payment.proof_rejected``).

    :raise TransferStateError: no proof is waiting (not ``processing``).
    :raise ValueError: no reason given.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a rejection needs a reason")
    if payment.method != PaymentMethod.BANK_TRANSFER or payment.state != PaymentState.PROCESSING:
        raise TransferStateError(_("No proof is waiting for a decision on this transfer."))
    payment.state = PaymentState.PENDING
    payment.failure_message = reason[:500]
    payment.decided_by_id = getattr(actor, "id", None)
    for order in payment.checkout.orders:
        record_event(order, "payment", actor, f"transfer proof rejected: {reason}")
    enqueue(PROOF_REJECTED_JOB, {"payment_id": payment.id})
    db.session.flush()


def read_proof(key: str) -> bytes:
    """The stored proof's bytes (for the routes that check who may see it).

    :raise StorageError: it cannot be read.
    """
    return storage.get_storage().read(key)


def proof_content_type(key: str) -> str:
    return "application/pdf" if key.endswith(".pdf") else "image/webp"


@register_job(PROOF_REJECTED_JOB)
def _email_proof_rejected(payload: dict[str, Any]) -> None:
    """Tell the buyer why the proof was not accepted and until when another may be sent."""
    payment = db.session.get(Payment, payload["payment_id"])
    if payment is None or payment.state != PaymentState.PENDING or not payment.failure_message:
        return  # paid, expired or replaced meanwhile: nothing useful to say
    checkout = payment.checkout
    buyer = checkout.buyer
    with force_locale(buyer.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("Your transfer proof for %(reference)s was not accepted",
                    reference=transfer_reference(checkout))
        body = "\n\n".join([
            _("The program office could not confirm your transfer of %(amount)s. Reason: %(reason)s",
              amount=rupiah(payment.amount_idr), reason=payment.failure_message),
            _("You can upload another proof until %(deadline)s.", deadline=wib(checkout.expires_at)),
        ])
    send_mail(buyer.email, subject, body)


register(BankTransfer())
