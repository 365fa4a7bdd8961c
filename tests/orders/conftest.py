"""Fixtures of the orders tests: localstripe, Stripe configuration, signed webhook payloads.

``localstripe`` is started once per run (``.venv/bin/localstripe --port <free port>
--from-scratch``) and emptied with ``DELETE /_config/data`` before each test that uses
it. Without it a test skips, except in CI (``CI=true``), where it fails.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from shop.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
LOCALSTRIPE = Path(sys.executable).with_name("localstripe")
WEBHOOK_SECRET = "whsec_test_pasar_sentra"
WEBHOOK_ID = "pasar-sentra-tests"
DISCARD_URL = "http://127.0.0.1:9/"  # nothing listens: deliveries after a test go nowhere


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"localstripe is required in CI: {reason}")
    pytest.skip(f"localstripe is not available ({reason}); it comes with `pip install -e '.[test]'`, "
                "which `make test` runs")


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory) -> Iterator[str]:
    """The base URL of a localstripe started for this run."""
    if not LOCALSTRIPE.exists():
        _unavailable(f"{LOCALSTRIPE} not found (pip install localstripe)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("w")
    process = subprocess.Popen([str(LOCALSTRIPE), "--port", str(port), "--from-scratch"],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _unavailable(f"it did not answer on {url} (see {log.name})")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class LocalStripe:
    """What the browser and the bank would do at localstripe, for tests."""

    publishable_key = "pk_test_pasar_sentra"
    secret_key = "sk_test_pasar_sentra"

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def config(self) -> dict[str, Any]:
        return {
            "STRIPE_SECRET_KEY": self.secret_key, "STRIPE_PUBLISHABLE_KEY": self.publishable_key,
            "STRIPE_API_BASE": self.url, "STRIPE_JS_URL": f"{self.url}/js.stripe.com/v3/",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        }

    def token(self, number: str = "4242424242424242") -> str:
        """A card token, as Stripe.js's ``createToken`` makes one in the browser."""
        response = requests.post(f"{self.url}/v1/tokens", timeout=10, data={
            "key": self.publishable_key, "card[number]": number, "card[exp_month]": "12",
            "card[exp_year]": "2034", "card[cvc]": "123",
        })
        response.raise_for_status()
        return response.json()["id"]

    def authenticate(self, intent_id: str, client_secret: str, success: bool = True) -> dict[str, Any]:
        """The buyer passes (or fails) 3-D Secure."""
        response = requests.post(
            f"{self.url}/v1/payment_intents/{intent_id}/_authenticate",
            params={"success": "true" if success else "false"},
            json={"key": self.publishable_key, "client_secret": client_secret}, timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = requests.get(f"{self.url}{path}", params=params, auth=(self.secret_key, ""), timeout=10)
        response.raise_for_status()
        return response.json()

    def payment_intents(self) -> list[dict[str, Any]]:
        return self.get("/v1/payment_intents", limit=100)["data"]

    def send_webhooks_to(self, url: str, secret: str = WEBHOOK_SECRET) -> None:
        requests.post(f"{self.url}/_config/webhooks/{WEBHOOK_ID}", data={"url": url, "secret": secret},
                      timeout=10).raise_for_status()

    def reset(self) -> None:
        requests.delete(f"{self.url}/_config/data", timeout=10).raise_for_status()
        self.send_webhooks_to(DISCARD_URL)


@contextmanager
def configured(app: Flask, values: dict[str, Any]) -> Iterator[None]:
    """``app.config`` with ``values`` for the duration (the app lives for the whole run)."""
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


@pytest.fixture
def localstripe(app: Flask, localstripe_url: str) -> Iterator[LocalStripe]:
    """An empty localstripe, with the app's Stripe settings pointing at it (restored after)."""
    stripe = LocalStripe(localstripe_url)
    stripe.reset()
    with configured(app, stripe.config):
        yield stripe
    stripe.reset()


@pytest.fixture
def stripe_keys(app: Flask) -> Iterator[dict[str, Any]]:
    """Stripe switched on without a server: for tests that never reach Stripe."""
    values = {"STRIPE_SECRET_KEY": "sk_test_offline", "STRIPE_PUBLISHABLE_KEY": "pk_test_offline",
              "STRIPE_API_BASE": "http://127.0.0.1:9", "STRIPE_JS_URL": None,
              "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}
    with configured(app, values):
        yield values


@pytest.fixture
def offline_intents(monkeypatch, stripe_keys) -> list[str]:
    """Card checkouts get a made-up PaymentIntent id (``pi_offline_<checkout id>``) without Stripe."""
    from orders.core.providers import Started
    from orders.payments.stripe import StripeCard

    made: list[str] = []

    def start(self, payment, config):
        ref = f"pi_offline_{payment.checkout_id}"
        made.append(ref)
        return Started(provider_ref=ref, client_secret=f"{ref}_secret_x")

    monkeypatch.setattr(StripeCard, "start", start)
    return made


# --- signed webhook payloads -------------------------------------------------------------------


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header, made as Stripe makes it: HMAC-SHA256 of ``"<t>.<payload>"``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


_event_numbers = iter(range(1, 1_000_000))


def stripe_event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> bytes:
    """The JSON body of a Stripe event of type ``kind`` about ``obj``."""
    return json.dumps({
        "id": event_id or f"evt_test_{next(_event_numbers)}", "object": "event", "type": kind,
        "created": int(time.time()), "livemode": False, "api_version": "2024-06-20",
        "data": {"object": obj},
    }).encode()


@pytest.fixture
def deliver(client) -> Callable[..., Any]:
    """POST a signed event to /webhooks/stripe: ``deliver(body, secret=..., timestamp=...)``."""
    def post(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, signature: str | None = None):
        header = signature if signature is not None else sign(body, secret, timestamp)
        return client.post("/webhooks/stripe", data=body, content_type="application/json",
                           headers={"Stripe-Signature": header})
    return post


# --- a live server (localstripe's webhooks come over HTTP) -------------------------------------


@pytest.fixture
def live_app_url(app: Flask) -> Iterator[str]:
    """The test app served on 127.0.0.1 in a thread (like tests/e2e's live_server, CSRF off)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, message: str = "condition") -> Any:
    """Poll ``condition`` (reading the database afresh each time) until it is true or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        db.session.expire_all()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.1)


# --- card checkouts ----------------------------------------------------------------------------

CARD_SENTRA_PLACES = ["32.75.08.1001", "32.75.01.1001"]


@pytest.fixture
def make_card_checkout(app: Flask) -> Callable[..., Any]:
    """``make_card_checkout(buyer=None, sentras=1)``: a committed card checkout of 2 x Rp25.000
    (and 1 x Rp40.000 from a second sentra), placed through the real place_checkout."""
    from tests.factories import make_checkout, make_product, make_sentra, make_user

    def make(buyer=None, sentras: int = 1, config: dict[str, Any] | None = None):
        buyer = buyer or make_user()
        items = []
        for index, (place, price, quantity) in enumerate(
                zip(CARD_SENTRA_PLACES, (25_000, 40_000), (2, 1), strict=True)):
            if index >= sentras:
                break
            sentra = make_sentra(place)
            variant = make_product(sentra, variants=[{"price_idr": price, "stock": 5}]).variants[0]
            items.append((variant, quantity))
        db.session.commit()
        return make_checkout(buyer, items, method="stripe_card", config=config)

    return make
