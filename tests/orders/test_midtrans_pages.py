"""The Midtrans parts of the pages: the checkout's methods, the payment page (QR drawn on our side,
VA number and per-bank steps, the status the page polls), and the office's payment desk."""
from __future__ import annotations

from sqlalchemy import select

from orders.core.models import Checkout
from shop.extensions import db
from tests.factories import make_user
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.test_checkout_pages import _cart_for, _form


def test_the_checkout_page_offers_qris_the_e_wallets_and_a_virtual_account_by_bank(client, auth, midtrans):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    body = client.post("/checkout", data={**_form(sentra), "action": "refresh"}).get_data(as_text=True)
    for method in ("qris", "gopay", "shopeepay", "va_bca", "va_bni", "va_bri", "va_mandiri", "va_permata"):
        assert f'value="{method}"' in body
    assert "<details class=\"va-choice\"" in body and "<img" not in body.split("3.")[-1].split("checkout-summary")[0]


def test_the_checkout_page_hides_midtrans_without_keys(client, auth):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    body = client.post("/checkout", data={**_form(sentra), "action": "refresh"}).get_data(as_text=True)
    assert 'value="qris"' not in body and "va-choice" not in body


def test_placing_a_qris_checkout_shows_the_qr_drawn_as_inline_svg(client, auth, midtrans):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    placed = client.post("/checkout", data=_form(sentra, payment_method="qris"))
    assert placed.status_code == 302
    page = client.get(placed.headers["Location"])
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<svg' in body and 'class="qr-svg"' in body
    assert "style=" not in body.split('data-midtrans-status-url')[1].split("</section>")[0]
    assert "<script>" not in body
    assert midtrans.url not in body  # nothing is loaded from the gateway: not even its QR image
    assert "/midtrans/status" in body


def test_a_virtual_account_page_shows_the_number_and_steps_per_channel(client, auth, midtrans):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    placed = client.post("/checkout", data=_form(sentra, payment_method="va_bri"))
    body = client.get(placed.headers["Location"]).get_data(as_text=True)
    number = midtrans.only()["va_numbers"][0]["va_number"]
    assert number in body and f'data-copy="{number}"' in body
    assert body.count('class="va-channel"') == 3
    assert "BRIVA" in body


def test_a_mandiri_page_shows_the_biller_code_and_the_bill_key(client, auth, midtrans):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    placed = client.post("/checkout", data=_form(sentra, payment_method="va_mandiri"))
    body = client.get(placed.headers["Location"]).get_data(as_text=True)
    txn = midtrans.only()
    assert txn["biller_code"] in body and txn["bill_key"] in body


def test_the_status_endpoint_says_when_the_payment_landed(client, auth, midtrans):
    buyer, sentra, _ = _cart_for()
    auth.login(buyer.email)
    client.post("/checkout", data=_form(sentra, payment_method="gopay"))
    checkout = db.session.scalar(select(Checkout))
    url = f"/checkout/{checkout.id}/midtrans/status"
    assert client.get(url).get_json() | {"next_url": None} == {"state": "pending", "paid": False, "closed": False,
                                                                "next_url": None}
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    answer = client.get(url).get_json()
    assert answer["paid"] is True and answer["next_url"].endswith(f"/checkout/{checkout.id}/selesai")


def test_someone_elses_status_is_404(client, auth, make_midtrans_checkout):
    checkout = make_midtrans_checkout("qris")
    other = make_user(email="nosy@example.com")
    db.session.commit()
    auth.login(other.email)
    assert client.get(f"/checkout/{checkout.id}/midtrans/status").status_code == 404


def test_the_office_desk_lists_midtrans_payments_with_the_gateway_status_and_mismatches(
        client, auth, make_midtrans_checkout, midtrans):
    fine = make_midtrans_checkout("qris")
    odd = make_midtrans_checkout("va_bca")
    midtrans.settle(odd.payment.provider_ref, paid_idr=12_345)
    client.post("/webhooks/midtrans", json=midtrans.notification(odd.payment.provider_ref))
    make_user(email="office@example.com", admin=True)
    db.session.commit()
    auth.login("office@example.com")
    page = client.get("/admin/pembayaran?tab=midtrans")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert fine.payment.provider_ref in body and odd.payment.provider_ref in body
    assert body.index(odd.payment.provider_ref) < body.index(fine.payment.provider_ref)  # mismatches first
    assert "Rp12.345" in body and "settlement" in body
