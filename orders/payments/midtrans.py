"""QRIS, e-wallets and bank virtual accounts through Midtrans (Core API, the official ``midtransclient``).

One Midtrans ``order_id`` per checkout (drawn in step 1 and kept on the payment until step 2
records it as ``provider_ref``), ``gross_amount`` in whole rupiah (Midtrans' IDR has no minor
unit: the amount is never multiplied), equal to the checkout total, and a ``custom_expiry``
that ends when the checkout does.

The charge request and the fields read from its answer follow Midtrans' Core API
documentation per payment type:

=============  ==========================================  ===========================================
method         charge                                      what the buyer gets
=============  ==========================================  ===========================================
qris           ``payment_type: qris``                      ``qr_string`` (and a ``generate-qr-code`` URL)
gopay          ``payment_type: gopay``                     ``generate-qr-code`` and ``deeplink-redirect``
shopeepay      ``payment_type: shopeepay``                 ``deeplink-redirect``
va_bca/bni/bri ``bank_transfer`` + ``{"bank": ...}``       ``va_numbers[0].va_number``
va_permata     ``bank_transfer`` + ``{"bank": "permata"}`` ``permata_va_number``
va_mandiri     ``echannel`` + ``bill_info1/2``             ``biller_code`` and ``bill_key``
=============  ==========================================  ===========================================

Network calls read what they need of a payment first and end the read transaction, so no
database transaction stays open while Midtrans answers.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from flask import has_request_context, url_for

from orders.core.models import Checkout, Order
from orders.core.payments import (
    MIDTRANS_VAS,
    MIDTRANS_WALLETS,
    Payment,
    PaymentMethod,
    Refund,
)
from orders.core.providers import PaymentError, PaymentProvider, Started, register
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

if TYPE_CHECKING:  # the client (and requests) is imported where it is used: not at every app start
    import midtransclient

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 20
ORDER_PREFIX = "PS"
# transaction_status values (Midtrans' "Transaction Status Cycle").
PAID_STATUSES = frozenset({"settlement", "capture"})
ENDED_STATUSES = frozenset({"expire", "cancel", "deny", "failure"})
REFUND_STATUSES = frozenset({"refund", "partial_refund"})

VA_BANKS = {PaymentMethod.VA_BCA: "bca", PaymentMethod.VA_BNI: "bni", PaymentMethod.VA_BRI: "bri",
            PaymentMethod.VA_PERMATA: "permata", PaymentMethod.VA_MANDIRI: "mandiri"}


# --- amounts and signatures ------------------------------------------------------------------------


def to_midtrans_amount(amount_idr: int) -> int:
    """Whole rupiah -> Midtrans' ``gross_amount``: the same number (IDR has no minor unit there)."""
    if isinstance(amount_idr, bool) or not isinstance(amount_idr, int) or amount_idr < 0:
        raise ValueError(f"an amount in whole rupiah is a non-negative int, not {amount_idr!r}")
    return amount_idr


def from_midtrans_amount(value: Any) -> int | None:
    """Midtrans' ``gross_amount`` (``"44000.00"``, or a number) -> whole rupiah; None if it is not one."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.to_integral_value():
        return None
    return int(amount)


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """Midtrans' notification ``signature_key``: SHA-512 hex of order_id + status_code + gross_amount + key."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def signature_matches(notification: Mapping[str, Any], server_key: str) -> bool:
    """Whether a notification carries the signature of its own order_id, status_code and gross_amount
    under our server key (constant-time compare). Fields missing or not strings: False."""
    fields = [notification.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not server_key or not all(isinstance(value, str) and value for value in fields):
        return False
    order_id, status_code, gross_amount, given = fields
    expected = signature(order_id, status_code, gross_amount, server_key)
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


# --- the client ------------------------------------------------------------------------------------


class _TimedRequests:
    """What ``midtransclient.HttpClient`` calls (``requests.request``), with a timeout it never sets."""

    @staticmethod
    def request(method: str, url: str, **kwargs: Any) -> Any:
        import requests

        kwargs.setdefault("timeout", HTTP_TIMEOUT_SECONDS)
        return requests.request(method, url, **kwargs)


def core_api(config: Mapping[str, Any]) -> midtransclient.CoreApi:
    """The official Core API client, pointed at ``MIDTRANS_API_BASE`` when set (the stand-in in tests).

    :raise PaymentError: no server key configured.
    """
    import midtransclient
    from midtransclient.config import ApiConfig

    key = config.get("MIDTRANS_SERVER_KEY")
    if not key:
        raise PaymentError("Midtrans is not configured", "payment_unavailable")
    base = (config.get("MIDTRANS_API_BASE") or "").rstrip("/")

    class _Config(ApiConfig):
        def get_core_api_base_url(self) -> str:
            return base or super().get_core_api_base_url()

    client = midtransclient.CoreApi(is_production=bool(config.get("MIDTRANS_IS_PRODUCTION")), server_key=key,
                                    client_key=config.get("MIDTRANS_CLIENT_KEY") or "")
    client.api_config = _Config(bool(config.get("MIDTRANS_IS_PRODUCTION")), key,
                                config.get("MIDTRANS_CLIENT_KEY") or "")
    client.http_client.http_client = _TimedRequests()
    return client


def _call(what: str, call: Any, *args: Any) -> dict[str, Any]:
    """Run one client call; Midtrans' refusals and network failures become a PaymentError."""
    import requests
    from midtransclient.error_midtrans import JSONDecodeError, MidtransAPIError

    try:
        return call(*args)
    except MidtransAPIError as error:
        answer = error.api_response_dict or {}
        log.warning("Midtrans refused %s: %s %s", what, answer.get("status_code"), answer.get("status_message"))
        raise PaymentError(_gateway_message(), str(answer.get("status_code") or error.http_status_code)) from error
    except (requests.RequestException, JSONDecodeError) as error:
        log.warning("Midtrans did not answer %s: %s", what, error)
        raise PaymentError(_gateway_message(), "payment_unavailable") from error


def _gateway_message() -> str:
    return "The payment service did not answer as expected; nothing was charged. Please try again."


def midtrans_order_id(payment: Payment) -> str | None:
    """The payment's Midtrans ``order_id``: recorded after the charge, drawn before it."""
    return payment.provider_ref or (payment.provider_data or {}).get("order_id")


def cancel_transaction(order_id: str, config: Mapping[str, Any]) -> bool:
    """``POST /v2/<order_id>/cancel``, best effort (it may be paid or expired already). Network only."""
    try:
        _call(f"a cancel of {order_id}", core_api(config).transactions.cancel, order_id)
    except PaymentError as error:
        log.info("Midtrans transaction %s not cancelled: %s", order_id, error.code)
        return False
    return True


def get_status(order_id: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """``GET /v2/<order_id>/status``. Network only.

    :raise PaymentError: Midtrans refused (``404``: no such transaction) or did not answer.
    """
    return _call(f"the status of {order_id}", core_api(config).transactions.status, order_id)


# --- what the buyer needs --------------------------------------------------------------------------


def _action(answer: Mapping[str, Any], name: str) -> str | None:
    for action in answer.get("actions") or []:
        if isinstance(action, dict) and action.get("name") == name and isinstance(action.get("url"), str):
            return action["url"]
    return None


def instructions_from(method: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    """What the buyer needs to pay, read from a charge (or status) answer for ``method``."""
    data: dict[str, Any] = {}
    if method in MIDTRANS_WALLETS:
        for key, value in (("qr_string", answer.get("qr_string")), ("qr_url", _action(answer, "generate-qr-code")),
                           ("deeplink_url", _action(answer, "deeplink-redirect"))):
            if isinstance(value, str) and value:
                data[key] = value
        if method == PaymentMethod.QRIS:
            data.pop("deeplink_url", None)
    elif method == PaymentMethod.VA_MANDIRI:
        data.update(bank="mandiri", biller_code=str(answer.get("biller_code") or ""),
                    bill_key=str(answer.get("bill_key") or ""))
    elif method == PaymentMethod.VA_PERMATA:
        data.update(bank="permata", va_number=str(answer.get("permata_va_number") or ""))
    elif method in MIDTRANS_VAS:
        bank = VA_BANKS[method]
        numbers = [n for n in answer.get("va_numbers") or [] if isinstance(n, dict)]
        chosen = next((n for n in numbers if n.get("bank") == bank), numbers[0] if numbers else {})
        data.update(bank=bank, va_number=str(chosen.get("va_number") or ""))
    return data


# --- the provider ----------------------------------------------------------------------------------


class Midtrans(PaymentProvider):
    """One Midtrans payment method; hidden unless ``MIDTRANS_SERVER_KEY`` is set."""

    needs_start = True

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def is_wallet(self) -> bool:
        return self.name in MIDTRANS_WALLETS

    def is_available(self, config: Mapping[str, Any]) -> bool:
        return bool(config.get("MIDTRANS_SERVER_KEY"))

    def expires_after(self, config: Mapping[str, Any]) -> timedelta | None:
        if self.is_wallet:
            return timedelta(minutes=int(config.get("MIDTRANS_WALLET_EXPIRY_MINUTES", 15)))
        return timedelta(hours=int(config.get("MIDTRANS_VA_EXPIRY_HOURS", 24)))

    def check_amount(self, total_idr: int, config: Mapping[str, Any]) -> None:
        """:raise PaymentError: (``amount_too_small``) a free checkout: Midtrans charges at least Rp1."""
        if total_idr < 1:
            raise PaymentError("There is nothing to pay online; please choose another payment method.",
                               "amount_too_small")

    def prepare(self, payment: Payment, checkout: Checkout, config: Mapping[str, Any]) -> None:
        """Draw the checkout's Midtrans ``order_id`` (kept on the payment for step 2)."""
        payment.provider_data = {"order_id": f"{ORDER_PREFIX}-{checkout.id}-{secrets.token_hex(4)}"}

    def charge_request(self, order_id: str, amount_idr: int, checkout: Checkout) -> dict[str, Any]:
        """The body of ``POST /v2/charge`` for this method."""
        body: dict[str, Any] = {
            "transaction_details": {"order_id": order_id, "gross_amount": to_midtrans_amount(amount_idr)},
            "customer_details": {"first_name": (checkout.recipient or "")[:50], "phone": checkout.phone or ""},
        }
        created = checkout.created_at.astimezone(WIB)
        minutes = max(1, round((checkout.expires_at - checkout.created_at).total_seconds() / 60))
        body["custom_expiry"] = {"order_time": created.strftime("%Y-%m-%d %H:%M:%S %z"),
                                 "expiry_duration": minutes, "unit": "minute"}
        callback = _callback_url(checkout.id)
        if self.name == PaymentMethod.QRIS:
            body["payment_type"] = "qris"
        elif self.name == PaymentMethod.GOPAY:
            body["payment_type"] = "gopay"
            body["gopay"] = {"enable_callback": bool(callback), **({"callback_url": callback} if callback else {})}
        elif self.name == PaymentMethod.SHOPEEPAY:
            body["payment_type"] = "shopeepay"
            if callback:
                body["shopeepay"] = {"callback_url": callback}
        elif self.name == PaymentMethod.VA_MANDIRI:
            body["payment_type"] = "echannel"
            body["echannel"] = {"bill_info1": "Pembayaran:", "bill_info2": "Pasar Sentra"}
        else:
            body["payment_type"] = "bank_transfer"
            body["bank_transfer"] = {"bank": VA_BANKS[self.name]}
        return body

    def start(self, payment: Payment, config: Mapping[str, Any]) -> Started:
        """``POST /v2/charge`` for the checkout total. Network only; no database writes.

        A repeated start (a crash between steps 2 and 3, then a retried submit) sends the same
        ``order_id``; Midtrans refuses a second charge of it, so the transaction it has is read
        back with a status request instead.

        :raise PaymentError: Midtrans refused.
        """
        checkout = payment.checkout
        checkout_id, order_id, amount_idr = checkout.id, midtrans_order_id(payment), payment.amount_idr
        body = self.charge_request(order_id, amount_idr, checkout)
        db.session.rollback()  # the rows are read: nothing stays open while Midtrans answers
        client = core_api(config)
        try:
            answer = _call(f"a charge for checkout {checkout_id}", client.charge, body)
        except PaymentError as error:
            if error.code != "406":  # 406: this order_id was charged already
                raise
            answer = _call(f"the status of {order_id}", client.transactions.status, order_id)
        if from_midtrans_amount(answer.get("gross_amount")) not in (None, amount_idr):
            raise PaymentError(_gateway_message(), "amount_mismatch")
        data = instructions_from(self.name, answer)
        data["order_id"] = order_id
        if answer.get("transaction_id"):
            data["transaction_id"] = str(answer["transaction_id"])
        return Started(provider_ref=order_id, extra=data)

    def instructions(self, payment: Payment, config: Mapping[str, Any]) -> dict[str, Any] | None:
        """The API's ``payment.instructions``: the QR string/URL and deeplink, or the bank and VA
        number (Mandiri: biller code and bill key), and always ``expires_at``."""
        data = dict(payment.provider_data or {})
        expires_at = payment.checkout.expires_at
        keep = ("qr_string", "qr_url", "deeplink_url") if self.is_wallet else ("bank", "va_number", "biller_code",
                                                                                "bill_key")
        body = {key: data[key] for key in keep if data.get(key)}
        body["amount_idr"] = payment.amount_idr
        body["expires_at"] = expires_at.isoformat() if expires_at else None
        return body

    def cancel(self, payment: Payment, config: Mapping[str, Any]) -> bool:
        """Cancel the payment's transaction at Midtrans, best effort (see :func:`cancel_transaction`)."""
        order_id = midtrans_order_id(payment)
        return bool(order_id) and cancel_transaction(order_id, config)

    def refund(self, payment: Payment, order: Order, amount_idr: int, actor: Any | None,
               reason: str | None, config: Mapping[str, Any]) -> Refund:
        """Give ``amount_idr`` of ``order`` back. Flushes the Refund row.

        QRIS, GoPay and ShopeePay: ``POST /v2/<order_id>/refund`` with a ``refund_key`` derived
        from what the order had refunded before (a repeat is the same refund at Midtrans, a retry
        after a failure a new one); the row is ``succeeded`` and booked by the caller.
        A virtual account cannot be refunded by the gateway: the refund waits in the office's
        queue and the buyer is asked for the bank account to send it to.

        :raise PaymentError: Midtrans refused (e.g. past its refund window).
        """
        now = utcnow()
        if not self.is_wallet:
            refund = Refund(payment=payment, order_id=order.id, amount_idr=amount_idr, state="pending",
                            reason=(reason or None) and reason[:2000], created_by_id=getattr(actor, "id", None),
                            bank_details_requested_at=now)
            db.session.add(refund)
            db.session.flush()
            enqueue(BANK_DETAILS_JOB, {"refund_id": refund.id})
            return refund
        failed_before = sum(1 for r in payment.refunds if r.order_id == order.id and r.state == "failed")
        order_id = midtrans_order_id(payment)
        key = f"{order.number}-{order.refunded_idr}-{amount_idr}-{failed_before}"
        body = {"refund_key": key, "amount": to_midtrans_amount(amount_idr),
                "reason": (reason or f"refund of order {order.number}")[:255]}
        try:
            _call(f"a refund of {order.number}", core_api(config).transactions.refund, order_id, body)
        except PaymentError as error:
            raise PaymentError("Midtrans refused the refund.", "refund_failed") from error
        refund = Refund(payment=payment, order=order, amount_idr=amount_idr, state="succeeded", reference=key,
                        reason=(reason or None), created_by_id=getattr(actor, "id", None))
        db.session.add(refund)
        db.session.flush()
        return refund


BANK_DETAILS_JOB = "payment.refund_bank_details"


def _callback_url(checkout_id: int) -> str | None:
    """Where the e-wallet app sends the buyer back: our payment page (only known inside a request)."""
    if not has_request_context():
        return None
    return url_for("checkout.payment", checkout_id=checkout_id, _external=True)


for _method in (PaymentMethod.QRIS, PaymentMethod.GOPAY, PaymentMethod.SHOPEEPAY, PaymentMethod.VA_BCA,
                PaymentMethod.VA_BNI, PaymentMethod.VA_BRI, PaymentMethod.VA_PERMATA, PaymentMethod.VA_MANDIRI):
    register(Midtrans(_method))
