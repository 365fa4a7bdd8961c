"""The stripe_card provider without a Stripe server: amounts, availability, limits, the page's CSP."""
from __future__ import annotations

from datetime import timedelta

import pytest

from orders.core.providers import PaymentError, available_methods, get_provider
from orders.payments.stripe import StripeCard, from_stripe_amount, to_stripe_amount

KEYS = {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_PUBLISHABLE_KEY": "pk_test_x"}


@pytest.mark.nodb
def test_rupiah_become_hundredths_for_stripe():
    assert to_stripe_amount(15_000) == 1_500_000
    assert to_stripe_amount(0) == 0


@pytest.mark.nodb
def test_hundredths_from_stripe_become_whole_rupiah():
    assert from_stripe_amount(1_500_000) == 15_000
    assert from_stripe_amount(to_stripe_amount(123_457)) == 123_457


@pytest.mark.nodb
@pytest.mark.parametrize("amount", [-1, 1.5, "15000", True])
def test_only_whole_non_negative_rupiah_convert(amount):
    with pytest.raises(ValueError):
        to_stripe_amount(amount)


@pytest.mark.nodb
def test_a_fraction_of_a_rupiah_from_stripe_is_refused():
    with pytest.raises(ValueError):
        from_stripe_amount(1_500_050)


@pytest.mark.nodb
def test_stripe_card_is_registered_and_needs_a_start():
    provider = get_provider("stripe_card")
    assert isinstance(provider, StripeCard)
    assert provider.needs_start is True


@pytest.mark.nodb
@pytest.mark.parametrize("config", [{}, {"STRIPE_SECRET_KEY": "sk_test_x"}, {"STRIPE_PUBLISHABLE_KEY": "pk_test_x"}])
def test_card_method_is_hidden_without_both_keys(config):
    assert "stripe_card" not in available_methods(config, ["pickup"])


@pytest.mark.nodb
def test_card_method_is_offered_with_both_keys():
    assert "stripe_card" in available_methods(KEYS, ["pickup", "courier"])


@pytest.mark.nodb
def test_totals_under_the_stripe_minimum_are_refused_with_a_clear_message():
    with pytest.raises(PaymentError) as refused:
        StripeCard().check_amount(9_999, {"STRIPE_MIN_IDR": 10_000})
    assert refused.value.code == "amount_too_small"
    assert "Rp10.000" in refused.value.message and "another payment method" in refused.value.message


@pytest.mark.nodb
def test_the_stripe_minimum_itself_is_accepted():
    StripeCard().check_amount(10_000, {"STRIPE_MIN_IDR": 10_000})
    StripeCard().check_amount(10_000, {})


@pytest.mark.nodb
def test_card_checkouts_expire_after_the_configured_minutes():
    assert StripeCard().expires_after({"CARD_PAYMENT_EXPIRY_MINUTES": 45}) == timedelta(minutes=45)
    assert StripeCard().expires_after({}) == timedelta(minutes=30)


def test_pages_allow_stripe_js_only_when_card_payments_are_configured(client, stripe_keys):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in csp
    assert "https://api.stripe.com" in csp and "frame-src https://js.stripe.com https://hooks.stripe.com" in csp


def test_pages_allow_no_stripe_origin_without_keys(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "stripe" not in csp


def test_pages_allow_a_local_stripe_stand_in_when_it_is_configured(app, client, stripe_keys):
    app.config["STRIPE_JS_URL"] = "http://127.0.0.1:8420/js.stripe.com/v3/"
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' http://127.0.0.1:8420" in csp
    assert "connect-src 'self' http://127.0.0.1:8420" in csp
    assert "'unsafe-inline'" not in csp


def test_payment_page_mounts_the_card_form_with_stripe_js_from_the_configured_url(
        app, client, auth, make_card_checkout, offline_intents):
    from shop.extensions import db
    from tests.factories import make_user

    buyer = make_user()
    db.session.commit()
    checkout = make_card_checkout(buyer=buyer)
    auth.login(buyer.email)
    app.config["STRIPE_JS_URL"] = "http://127.0.0.1:8420/js.stripe.com/v3/"

    html = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)

    assert 'src="http://127.0.0.1:8420/js.stripe.com/v3/"' in html and "js/card.js" in html
    assert f'action="/checkout/{checkout.id}/kartu"' in html and 'data-publishable-key="pk_test_offline"' in html
    assert "<script>" not in html
