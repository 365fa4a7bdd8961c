"""A stand-in for Midtrans' Core API, as documented, for the parts the code uses.

A small WSGI app served on 127.0.0.1 in a thread (like moto's server). It implements:

- ``POST /v2/charge`` for ``qris``, ``gopay``, ``shopeepay``, ``bank_transfer`` (``bca``, ``bni``,
  ``bri``, ``permata``) and ``echannel``, answering as the documentation's samples do (QRIS:
  ``qr_string`` and a ``generate-qr-code`` action; GoPay: ``generate-qr-code`` and
  ``deeplink-redirect``; ShopeePay: ``deeplink-redirect``; BCA/BNI/BRI: ``va_numbers``; Permata:
  ``permata_va_number``; Mandiri bill: ``bill_key`` and ``biller_code``); a second charge of one
  ``order_id`` is refused with ``406``;
- ``GET /v2/<order_id>/status`` (``404`` for an unknown one), with ``refunds`` once refunded;
- ``POST /v2/<order_id>/refund`` (``refund_key`` makes a repeat the same refund; only QRIS and
  e-wallets, only after settlement, never more than was paid);
- ``POST /v2/<order_id>/cancel`` (only while pending).

Every request must carry Basic auth with the server key. Tests move a transaction on with
:meth:`MidtransStandIn.settle`, :meth:`expire`, ... and make the signed notification Midtrans would
send with :meth:`notification` (or post it to a live server with :meth:`notify`).
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

WIB = ZoneInfo("Asia/Jakarta")
SERVER_KEY = "SB-Mid-server-pasar-sentra-tests"
CLIENT_KEY = "SB-Mid-client-pasar-sentra-tests"
WALLETS = ("qris", "gopay", "shopeepay")
VA_PREFIXES = {"bca": "12345", "bni": "988", "bri": "8888"}
STATUS_CODES = {"pending": "201", "settlement": "200", "capture": "200", "expire": "407", "cancel": "200",
                "deny": "202", "refund": "200", "partial_refund": "200"}
MESSAGES = {"qris": "QRIS transaction is created", "gopay": "GoPay transaction is created",
            "shopeepay": "ShopeePay transaction is created",
            "bank_transfer": "Success, Bank Transfer transaction is created",
            "echannel": "OK, Mandiri Bill transaction is successful"}


def _now_wib() -> str:
    return datetime.now(WIB).strftime("%Y-%m-%d %H:%M:%S")


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str = SERVER_KEY) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


class MidtransStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.charges: list[dict[str, Any]] = []  # every charge body received, in order
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self._numbers = itertools.count(1)
        self.url = ""
        self._server = None
        self._thread: threading.Thread | None = None

    # --- the server --------------------------------------------------------------------------------

    def start(self) -> None:
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)

    def reset(self) -> None:
        with self.lock:
            self.transactions.clear()
            self.charges.clear()
            self.requests.clear()

    @property
    def config(self) -> dict[str, Any]:
        return {"MIDTRANS_SERVER_KEY": SERVER_KEY, "MIDTRANS_CLIENT_KEY": CLIENT_KEY,
                "MIDTRANS_API_BASE": self.url, "MIDTRANS_IS_PRODUCTION": False}

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.method, request.path))
        expected = "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()
        if request.headers.get("Authorization") != expected:
            response = self._json({"status_code": "401", "status_message": "Unknown Merchant server_key/id"}, 401)
            return response(environ, start_response)
        parts = [p for p in request.path.split("/") if p]
        with self.lock:
            if request.method == "POST" and parts == ["v2", "charge"]:
                response = self._charge(request.get_json(silent=True) or {})
            elif request.method == "GET" and len(parts) == 3 and parts[0] == "v2" and parts[2] == "status":
                response = self._status(parts[1])
            elif request.method == "POST" and len(parts) == 3 and parts[0] == "v2" and parts[2] == "refund":
                response = self._refund(parts[1], request.get_json(silent=True) or {})
            elif request.method == "POST" and len(parts) == 3 and parts[0] == "v2" and parts[2] == "cancel":
                response = self._cancel(parts[1])
            else:
                response = self._json({"status_code": "404", "status_message": "not found"}, 404)
        return response(environ, start_response)

    @staticmethod
    def _json(body: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    # --- the documented endpoints ------------------------------------------------------------------

    def _charge(self, body: dict[str, Any]) -> Response:
        self.charges.append(body)
        details = body.get("transaction_details") or {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        kind = body.get("payment_type")
        if not order_id or not isinstance(amount, int) or amount < 1 or kind not in (*WALLETS, "bank_transfer",
                                                                                     "echannel"):
            return self._json({"status_code": "400", "status_message": "One or more parameters in the payload "
                               "is invalid.", "validation_messages": ["bad charge"]}, 400)
        if order_id in self.transactions:
            return self._json({"status_code": "406", "status_message": "The request could not be completed due "
                               "to a conflict with the current state of the target resource, please try again"}, 406)
        txn_id = str(uuid.uuid4())
        number = next(self._numbers)
        expiry = body.get("custom_expiry") or {}
        order_time = datetime.strptime(expiry["order_time"], "%Y-%m-%d %H:%M:%S %z") if expiry else datetime.now(WIB)
        minutes = int(expiry.get("expiry_duration", 15 if kind in WALLETS else 1440))
        txn: dict[str, Any] = {
            "transaction_id": txn_id, "order_id": order_id, "merchant_id": "G000000001",
            "gross_amount": f"{amount}.00", "currency": "IDR", "payment_type": kind,
            "transaction_time": _now_wib(), "transaction_status": "pending", "fraud_status": "accept",
            "expiry_time": (order_time + timedelta(minutes=minutes)).astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S"),
            "refunds": [], "paid_idr": amount,
        }
        base = f"{self.url}/v2"
        if kind == "qris":
            txn["qr_string"] = f"00020101021226620014COM.GO-JEK.WWW011893600914{number:012d}5204549953033605406" \
                               f"{amount}.005802ID5913PASAR SENTRA6006BEKASI6304ABCD"
            txn["acquirer"] = "gopay"
            txn["actions"] = [{"name": "generate-qr-code", "method": "GET", "url": f"{base}/qris/{txn_id}/qr-code"}]
        elif kind == "gopay":
            txn["actions"] = [
                {"name": "generate-qr-code", "method": "GET", "url": f"{base}/gopay/{txn_id}/qr-code"},
                {"name": "deeplink-redirect", "method": "GET",
                 "url": f"https://simulator.sandbox.midtrans.com/gopay/ui/checkout?referenceid={txn_id}"},
                {"name": "get-status", "method": "GET", "url": f"{base}/{txn_id}/status"},
                {"name": "cancel", "method": "POST", "url": f"{base}/{txn_id}/cancel"},
            ]
        elif kind == "shopeepay":
            txn["actions"] = [{"name": "deeplink-redirect", "method": "GET",
                               "url": f"https://simulator.sandbox.midtrans.com/v2/shopeepay/ui/{txn_id}"}]
        elif kind == "bank_transfer":
            bank = (body.get("bank_transfer") or {}).get("bank")
            if bank not in ("bca", "bni", "bri", "permata"):
                return self._json({"status_code": "400", "status_message": "bank is invalid"}, 400)
            if bank == "permata":
                txn["permata_va_number"] = f"8562{number:011d}"
            else:
                txn["va_numbers"] = [{"bank": bank, "va_number": f"{VA_PREFIXES[bank]}{number:010d}"}]
        else:
            if not (body.get("echannel") or {}).get("bill_info1"):
                return self._json({"status_code": "400", "status_message": "echannel.bill_info1 is required"}, 400)
            txn["bill_key"] = f"77{number:010d}"
            txn["biller_code"] = "70012"
        self.transactions[order_id] = txn
        answer = self._view(txn, "201")
        answer["status_message"] = MESSAGES[kind]
        return self._json(answer)

    def _view(self, txn: dict[str, Any], status_code: str | None = None) -> dict[str, Any]:
        view = {k: v for k, v in txn.items() if k not in ("refunds", "paid_idr")}
        view["status_code"] = status_code or STATUS_CODES[txn["transaction_status"]]
        view["status_message"] = "Success, transaction is found"
        if txn["refunds"]:
            view["refunds"] = [dict(r) for r in txn["refunds"]]
            view["refund_amount"] = f"{sum(r['amount'] for r in txn['refunds'])}.00"
            for r in view["refunds"]:
                r["refund_amount"] = f"{r.pop('amount')}.00"
        return view

    def _status(self, order_id: str) -> Response:
        txn = self.transactions.get(order_id)
        if txn is None:
            return self._json({"status_code": "404", "status_message": "Transaction doesn't exist."}, 404)
        return self._json(self._view(txn))

    def _refund(self, order_id: str, body: dict[str, Any]) -> Response:
        txn = self.transactions.get(order_id)
        if txn is None:
            return self._json({"status_code": "404", "status_message": "Transaction doesn't exist."}, 404)
        if txn["payment_type"] not in WALLETS or txn["transaction_status"] not in ("settlement", "partial_refund"):
            return self._json({"status_code": "412", "status_message": "Merchant cannot modify the status of the "
                               "transaction"}, 412)
        key = body.get("refund_key") or str(uuid.uuid4())
        done = next((r for r in txn["refunds"] if r["refund_key"] == key), None)
        if done is None:
            refunded = sum(r["amount"] for r in txn["refunds"])
            amount = int(body.get("amount") or txn["paid_idr"] - refunded)
            if amount <= 0 or refunded + amount > txn["paid_idr"]:
                return self._json({"status_code": "412", "status_message": "Refund amount is more than the "
                                   "remaining amount"}, 412)
            done = {"refund_chargeback_id": len(txn["refunds"]) + 1, "amount": amount, "created_at": _now_wib(),
                    "reason": body.get("reason") or "", "refund_key": key, "refund_method": ""}
            txn["refunds"].append(done)
            refunded += amount
            txn["transaction_status"] = "refund" if refunded >= txn["paid_idr"] else "partial_refund"
        return self._json({
            "status_code": "200", "status_message": "Success, refund request is approved",
            "transaction_id": txn["transaction_id"], "order_id": order_id, "gross_amount": txn["gross_amount"],
            "currency": "IDR", "payment_type": txn["payment_type"], "transaction_time": txn["transaction_time"],
            "transaction_status": txn["transaction_status"], "refund_chargeback_id": done["refund_chargeback_id"],
            "refund_amount": f"{done['amount']}.00", "refund_key": key,
        })

    def _cancel(self, order_id: str) -> Response:
        txn = self.transactions.get(order_id)
        if txn is None:
            return self._json({"status_code": "404", "status_message": "Transaction doesn't exist."}, 404)
        if txn["transaction_status"] != "pending":
            return self._json({"status_code": "412", "status_message": "Merchant cannot modify the status of the "
                               "transaction"}, 412)
        txn["transaction_status"] = "cancel"
        return self._json(self._view(txn, "200"))

    # --- what the buyer, the bank and the tests do ------------------------------------------------

    def only(self) -> dict[str, Any]:
        """The one transaction (for a test that made one)."""
        assert len(self.transactions) == 1, list(self.transactions)
        return next(iter(self.transactions.values()))

    def _set(self, order_id: str, status: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            txn = self.transactions[order_id]
            txn["transaction_status"] = status
            txn.update(fields)
            if status == "settlement":
                txn["settlement_time"] = _now_wib()
            return txn

    def settle(self, order_id: str, paid_idr: int | None = None) -> dict[str, Any]:
        """The buyer paid (``paid_idr``: a gross amount other than the one charged, for mismatch tests)."""
        extra = {"gross_amount": f"{paid_idr}.00", "paid_idr": paid_idr} if paid_idr is not None else {}
        return self._set(order_id, "settlement", **extra)

    def expire(self, order_id: str) -> dict[str, Any]:
        return self._set(order_id, "expire")

    def deny(self, order_id: str) -> dict[str, Any]:
        return self._set(order_id, "deny", fraud_status="deny")

    def notification(self, order_id: str, *, server_key: str = SERVER_KEY, **overrides: Any) -> dict[str, Any]:
        """The HTTP notification Midtrans sends about the transaction as it is now, signed.

        ``overrides`` change fields before signing (``signature_key=...`` replaces the signature).
        """
        with self.lock:
            body = self._view(self.transactions[order_id])
        body["status_message"] = "midtrans payment notification"
        given = overrides.pop("signature_key", None)
        body.update(overrides)
        body["signature_key"] = given if given is not None else signature(
            body["order_id"], body["status_code"], body["gross_amount"], server_key)
        return body

    def notify(self, url: str, order_id: str, **overrides: Any) -> requests.Response:
        """Send the notification to a live server's ``/webhooks/midtrans``."""
        return requests.post(f"{url.rstrip('/')}/webhooks/midtrans", json=self.notification(order_id, **overrides),
                             timeout=30)
