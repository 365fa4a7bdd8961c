"""Card payments through Stripe: one PaymentIntent in IDR per checkout.

The browser flow uses only what both real Stripe.js and localstripe's fake one
offer: a card element turns the card into a token (``createToken``); the server
attaches the token to the PaymentIntent and confirms it; ``confirmCardPayment``
runs only when the bank asks for 3-D Secure (``requires_action``).

The token becomes a payment method through a customer (``source=tok_...`` gives
the customer a ``card_...``, which a PaymentIntent accepts as its payment method).
Real Stripe would also take ``payment_method_data[card][token]`` or a PaymentMethod
made with ``card[token]``, but localstripe refuses both, and it answers 500 to a
``confirm`` that carries a ``payment_method``: so the method is set by updating the
PaymentIntent, and ``confirm`` is sent bare. Only parameters both accept are sent.

Stripe counts IDR in hundredths: :func:`to_stripe_amount` and :func:`from_stripe_amount`
are the only places that multiply or divide by 100.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from orders.core.models import Order
from orders.core.payments import Payment, PaymentMethod, Refund
from orders.core.providers import PaymentError, PaymentProvider, Started, register
from shop.extensions import db

# Each function imports the Stripe library where it calls it: at module level it would cost
# every start of the app (each CLI command, each worker) a tenth of a second, card or not.
if TYPE_CHECKING:
    import stripe as stripe_lib

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 20
# PaymentIntent statuses after which the buyer has nothing more to do.
SETTLED = frozenset({"succeeded", "processing"})


def to_stripe_amount(amount_idr: int) -> int:
    """Whole rupiah -> Stripe's IDR amount (hundredths): ``15000`` -> ``1500000``."""
    if isinstance(amount_idr, bool) or not isinstance(amount_idr, int) or amount_idr < 0:
        raise ValueError(f"an amount in whole rupiah is a non-negative int, not {amount_idr!r}")
    return amount_idr * 100


def from_stripe_amount(amount: int) -> int:
    """Stripe's IDR amount (hundredths) -> whole rupiah; refuses a fraction of a rupiah."""
    whole, fraction = divmod(int(amount), 100)
    if fraction:
        raise ValueError(f"{amount} hundredths is not a whole number of rupiah")
    return whole


@lru_cache(maxsize=8)
def _client(secret_key: str, api_base: str | None) -> stripe_lib.StripeClient:
    import stripe as stripe_lib

    options: dict[str, Any] = {"http_client": stripe_lib.new_default_http_client(timeout=HTTP_TIMEOUT_SECONDS)}
    if api_base:
        options["base_addresses"] = {"api": api_base.rstrip("/")}
    return stripe_lib.StripeClient(secret_key, **options)


def stripe_client(config: Mapping[str, Any]) -> stripe_lib.StripeClient:
    """The official client, pointed at ``STRIPE_API_BASE`` when set (localstripe in tests)."""
    key = config.get("STRIPE_SECRET_KEY")
    if not key:
        raise PaymentError("card payments are not configured", "payment_unavailable")
    return _client(key, config.get("STRIPE_API_BASE") or None)


def _message(error: stripe_lib.StripeError) -> str:
    """What a buyer may read: Stripe's user message for card errors, a generic one otherwise."""
    import stripe as stripe_lib

    if isinstance(error, stripe_lib.CardError):
        return error.user_message or "Your card was declined."
    return "The card payment service did not answer as expected; nothing was charged. Please try again."


@dataclass(frozen=True)
class IntentRef:
    """What the network calls need of a payment, read before the caller's transaction ends.

    Passing this instead of the ORM row keeps a lazy refresh from opening a database
    transaction that would stay open while Stripe answers.
    """

    payment_id: int
    checkout_id: int
    amount_idr: int
    provider_ref: str | None

    @classmethod
    def of(cls, payment: Payment) -> IntentRef:
        return cls(payment.id, payment.checkout_id, payment.amount_idr, payment.provider_ref)


@dataclass(frozen=True)
class CardAttempt:
    """What happened when the buyer's card was put on the PaymentIntent and confirmed."""

    status: str  # the PaymentIntent's status: succeeded, requires_action, requires_payment_method, ...
    provider_ref: str  # pi_...: a new one when the old PaymentIntent could not take another card
    client_secret: str
    error: str | None = None  # a message for the buyer (a declined card)


class StripeCard(PaymentProvider):
    """A card PaymentIntent for the checkout total; hidden unless both Stripe keys are set."""

    name = PaymentMethod.STRIPE_CARD
    needs_start = True

    def is_available(self, config: Mapping[str, Any]) -> bool:
        return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY"))

    def expires_after(self, config: Mapping[str, Any]) -> timedelta | None:
        return timedelta(minutes=int(config.get("CARD_PAYMENT_EXPIRY_MINUTES", 30)))

    def check_amount(self, total_idr: int, config: Mapping[str, Any]) -> None:
        """:raise PaymentError: (``amount_too_small``) below ``STRIPE_MIN_IDR``."""
        minimum = int(config.get("STRIPE_MIN_IDR", 10000))
        if total_idr < minimum:
            raise PaymentError(
                f"Card payments start at Rp{minimum:,} (this total is Rp{total_idr:,}); "
                "please choose another payment method.".replace(",", "."),
                "amount_too_small",
            )

    def _intent_params(self, checkout_id: int, amount_idr: int) -> dict[str, Any]:
        return {
            "amount": to_stripe_amount(amount_idr),
            "currency": "idr",
            "payment_method_types": ["card"],
            "metadata": {"checkout_id": str(checkout_id)},
        }

    def start(self, payment: Payment, config: Mapping[str, Any]) -> Started:
        """Create the checkout's PaymentIntent. Network only; no database writes.

        The idempotency key ``checkout-<id>`` makes a repeated start (a crash between
        steps 2 and 3, then a retried submit) find the same PaymentIntent at Stripe.

        :raise PaymentError: Stripe refused.
        """
        import stripe as stripe_lib

        checkout_id, amount_idr = payment.checkout_id, payment.amount_idr
        try:
            intent = stripe_client(config).v1.payment_intents.create(
                params=self._intent_params(checkout_id, amount_idr),
                options={"idempotency_key": f"checkout-{checkout_id}"},
            )
        except stripe_lib.StripeError as error:
            log.warning("Stripe refused a PaymentIntent for checkout %s: %s", checkout_id, error)
            raise PaymentError(_message(error), "payment_unavailable") from error
        return Started(provider_ref=intent.id, client_secret=intent.client_secret)

    def pay_with_token(self, payment: IntentRef, token: str, config: Mapping[str, Any]) -> CardAttempt:
        """Put the card behind ``token`` on the payment's PaymentIntent and confirm it. Network only.

        A declined card is an attempt with ``error`` set (the buyer may try another card).
        When the PaymentIntent cannot take another card (localstripe keeps one whose charge
        failed at ``requires_payment_method``; a cancelled one never can) a fresh
        PaymentIntent replaces it, and ``provider_ref`` tells the caller to record it.

        :raise PaymentError: Stripe is unreachable or refused the request itself.
        """
        import stripe as stripe_lib

        client = stripe_client(config)
        checkout_id, amount_idr = payment.checkout_id, payment.amount_idr
        intent_id = payment.provider_ref
        try:
            try:
                customer = client.v1.customers.create(
                    params={"source": token, "metadata": {"checkout_id": str(checkout_id)}})
            except stripe_lib.CardError as error:  # declined when attached
                intent = client.v1.payment_intents.retrieve(intent_id)
                return CardAttempt(intent.status, intent.id, intent.client_secret, _message(error))
            card = {"customer": customer.id, "payment_method": customer.default_source}
            try:
                intent = client.v1.payment_intents.update(intent_id, params=card)
            except stripe_lib.InvalidRequestError:
                intent = client.v1.payment_intents.retrieve(intent_id)
                if intent.status in SETTLED:  # paid meanwhile (a second tab, a double click)
                    return CardAttempt(intent.status, intent.id, intent.client_secret)
                raise
            if intent.status in SETTLED or intent.status == "requires_action":
                return CardAttempt(intent.status, intent.id, intent.client_secret)
            if intent.status != "requires_confirmation":
                intent = self._replace_intent(client, intent, checkout_id, amount_idr, card)
            try:
                intent = client.v1.payment_intents.confirm(intent.id)
            except stripe_lib.CardError as error:
                intent = client.v1.payment_intents.retrieve(intent.id)
                return CardAttempt(intent.status, intent.id, intent.client_secret, _message(error))
        except stripe_lib.StripeError as error:
            log.warning("card payment for checkout %s failed at Stripe: %s", checkout_id, error)
            raise PaymentError(_message(error), "payment_unavailable") from error
        error_message = None
        if intent.status == "requires_payment_method":
            last = intent.get("last_payment_error") or {}
            error_message = last.get("message") or "Your card was declined."
        return CardAttempt(intent.status, intent.id, intent.client_secret, error_message)

    def _replace_intent(self, client: stripe_lib.StripeClient, old: Any, checkout_id: int, amount_idr: int,
                        card: dict[str, str]) -> Any:
        import stripe as stripe_lib

        try:
            client.v1.payment_intents.cancel(old.id)
        except stripe_lib.StripeError:
            log.info("could not cancel PaymentIntent %s before replacing it", old.id)
        intent = client.v1.payment_intents.create(
            params=self._intent_params(checkout_id, amount_idr),
            options={"idempotency_key": f"checkout-{checkout_id}-after-{old.id}"},
        )
        log.info("checkout %s: PaymentIntent %s replaced by %s", checkout_id, old.id, intent.id)
        return client.v1.payment_intents.update(intent.id, params=card)

    def retrieve(self, payment: Payment | IntentRef, config: Mapping[str, Any]) -> str | None:
        """The PaymentIntent's status at Stripe (``succeeded``, ``requires_action``, ...). Network only.

        :raise PaymentError: Stripe is unreachable.
        """
        import stripe as stripe_lib

        if not payment.provider_ref:
            return None
        try:
            return stripe_client(config).v1.payment_intents.retrieve(payment.provider_ref).status
        except stripe_lib.StripeError as error:
            raise PaymentError(_message(error), "payment_unavailable") from error

    def cancel(self, payment: Payment | IntentRef, config: Mapping[str, Any]) -> bool:
        """Cancel the PaymentIntent, best effort (it may be paid or cancelled already). Network only."""
        import stripe as stripe_lib

        if not payment.provider_ref:
            return False
        try:
            stripe_client(config).v1.payment_intents.cancel(payment.provider_ref)
        except stripe_lib.StripeError as error:
            log.info("PaymentIntent %s not cancelled: %s", payment.provider_ref, error)
            return False
        return True

    def refund(self, payment: Payment, order: Order, amount_idr: int, actor: Any | None,
               reason: str | None, config: Mapping[str, Any]) -> Refund:
        """Refund ``amount_idr`` of ``order`` on the PaymentIntent. Network, then flushes the Refund row.

        The row is ``succeeded`` or ``pending`` as Stripe answered, never booked here
        (``completed_at`` stays empty: :func:`orders.core.lifecycle.apply_refund` books it).
        The idempotency key is derived from what the order had refunded before (and how many
        of its refunds failed), so a repeat of the same refund (a double click) is one refund at
        Stripe, while a retry after a failure is a new one.

        :raise PaymentError: Stripe refused (e.g. more than was charged).
        """
        import stripe as stripe_lib

        # A retry after a refund Stripe failed must be a new refund there, not a replay of that one.
        failed_before = sum(1 for r in payment.refunds if r.order_id == order.id and r.state == "failed")
        try:
            answer = stripe_client(config).v1.refunds.create(
                params={
                    "payment_intent": payment.provider_ref,
                    "amount": to_stripe_amount(amount_idr),
                    "metadata": {"order": order.number, "checkout_id": str(payment.checkout_id)},
                },
                options={"idempotency_key": f"refund-order-{order.id}-after-{order.refunded_idr}-{amount_idr}"
                                            f"-try-{failed_before}"},
            )
        except stripe_lib.StripeError as error:
            log.warning("Stripe refused a refund for order %s: %s", order.number, error)
            raise PaymentError(getattr(error, "user_message", None) or "Stripe refused the refund.",
                               "refund_failed") from error
        if answer.status in ("failed", "canceled"):
            raise PaymentError("Stripe refused the refund.", "refund_failed")
        refund = Refund(
            payment=payment, order=order, amount_idr=amount_idr,
            state="succeeded" if answer.status == "succeeded" else "pending",
            reference=answer.id, reason=(reason or None), created_by_id=getattr(actor, "id", None),
        )
        db.session.add(refund)
        db.session.flush()
        return refund


register(StripeCard())
