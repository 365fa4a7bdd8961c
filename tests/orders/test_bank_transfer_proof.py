"""The buyer's transfer proof: upload (photo or PDF), replacement, refusals, and who may see it."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from orders.core.payments import Payment
from shop.db import utcnow
from shop.extensions import db
from shop.security import FILE_CSP
from tests.factories import (
    make_checkout,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
    png_of_zeros,
)
from tests.orders.conftest import configured


@pytest.fixture(autouse=True)
def _english_pages(client):
    """These tests read the English texts (the default language is Indonesian)."""
    client.post("/bahasa", data={"lang": "en"})

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media(app, monkeypatch, tmp_path) -> Path:
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def buyer(auth):
    user = make_user("pembeli@example.test")
    db.session.commit()
    auth.login(user.email)
    return user


@pytest.fixture
def checkout(buyer):
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"price_idr": 80_000, "stock": 5}])
    db.session.commit()
    return make_checkout(buyer, [(product.variants[0], 1)], method="bank_transfer")


def _upload(client, checkout, data: bytes, name: str = "bukti.png"):
    return client.post(f"/checkout/{checkout.id}/bukti", data={"proof": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _payment(checkout) -> Payment:
    db.session.expire_all()
    return db.session.get(Payment, checkout.payment.id)


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 80, 40)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_uploaded_png_proof_is_stored_re_encoded_and_waits_for_the_office(client, media, checkout):
    response = _upload(client, checkout, png_bytes())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/checkout/{checkout.id}/bayar")
    payment = _payment(checkout)
    assert payment.state == "processing" and payment.proof_uploaded_at is not None
    assert payment.proof_key.startswith("private/transfer-proofs/") and payment.proof_key.endswith(".webp")
    with Image.open(media / payment.proof_key) as stored:
        assert stored.format == "WEBP"


def test_uploaded_photo_loses_its_exif(client, media, checkout):
    _upload(client, checkout, jpeg_with_exif(), "bukti.jpg")
    with Image.open(media / _payment(checkout).proof_key) as stored:
        assert not stored.getexif()


def test_uploaded_pdf_proof_is_stored_as_it_is(client, media, checkout):
    assert _upload(client, checkout, PDF, "bukti.pdf").status_code == 303
    payment = _payment(checkout)
    assert payment.state == "processing" and payment.proof_key.endswith(".pdf")
    assert (media / payment.proof_key).read_bytes() == PDF


def test_upload_records_an_event_on_every_order(client, media, checkout):
    _upload(client, checkout, PDF)
    order = checkout.orders[0]
    db.session.refresh(order)
    assert any(e.kind == "payment" and "proof uploaded" in e.note for e in order.events)


def test_file_that_is_neither_image_nor_pdf_is_refused_with_a_message(client, media, checkout):
    response = _upload(client, checkout, b"MZ\x90\x00 this is an executable", "bukti.exe")
    assert response.status_code == 303
    assert any(category == "error" and "JPEG, PNG or WebP" in message for category, message in _flashes(client))
    payment = _payment(checkout)
    assert payment.state == "pending" and payment.proof_key is None
    assert not media.exists() or not any(media.rglob("*.*"))


def test_pdf_over_5_mb_is_refused_with_a_message(client, media, checkout):
    response = _upload(client, checkout, PDF + b"0" * (5 * 1024 * 1024), "bukti.pdf")
    assert response.status_code == 303
    assert any("5 MB" in message for _category, message in _flashes(client))
    assert _payment(checkout).proof_key is None


def test_image_over_10_mb_is_refused_with_a_message(client, media, checkout):
    response = _upload(client, checkout, png_bytes() + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 303
    assert any("10 MB" in message for _category, message in _flashes(client))
    assert _payment(checkout).proof_key is None


def test_a_long_thin_photo_is_refused_as_a_proof_with_a_message(client, media, checkout):
    response = _upload(client, checkout, png_of_zeros(1, 39_000_000))

    assert response.status_code == 303
    assert [category for category, _ in _flashes(client)] == ["error"]
    assert "too long or too narrow" in _flashes(client)[0][1]
    assert _payment(checkout).proof_key is None


def test_proof_uploads_are_rate_limited_per_buyer(app, client, media, checkout):
    with configured(app, {"TRANSFER_PROOF_RATE_LIMIT": "2 per hour"}):
        codes = [_upload(client, checkout, png_bytes()).status_code for _ in range(3)]
    assert codes == [303, 303, 429]


def test_post_without_a_file_asks_for_one(client, media, checkout):
    response = client.post(f"/checkout/{checkout.id}/bukti", data={}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert any(category == "error" for category, _message in _flashes(client))
    assert _payment(checkout).state == "pending"


def test_another_buyers_checkout_is_a_404(client, auth, media, checkout):
    make_user("orang-lain@example.test")
    db.session.commit()
    auth.logout()
    auth.login("orang-lain@example.test")
    assert _upload(client, checkout, png_bytes()).status_code == 404
    assert _payment(checkout).proof_key is None


def test_anonymous_upload_goes_to_login(client, auth, media, checkout):
    auth.logout()
    response = _upload(client, checkout, png_bytes())
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_expired_checkout_refuses_a_proof(client, media, checkout):
    checkout.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _upload(client, checkout, png_bytes())
    assert response.status_code == 303
    assert any("over" in message for _category, message in _flashes(client))
    assert _payment(checkout).state == "pending" and _payment(checkout).proof_key is None


def test_paid_transfer_refuses_a_proof(app, client, media, checkout):
    from orders.payments.services import mark_paid

    mark_paid(checkout.payment, None, "paid", app.config)
    db.session.commit()
    _upload(client, checkout, png_bytes())
    assert _payment(checkout).proof_key is None


def test_pickup_checkout_has_no_proof_upload(client, buyer, media):
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"price_idr": 10_000, "stock": 5}])
    db.session.commit()
    pickup = make_checkout(buyer, [(product.variants[0], 1)], method="pay_on_pickup")
    assert _upload(client, pickup, png_bytes()).status_code == 404


def test_new_upload_replaces_the_old_proof_and_deletes_its_file(client, media, checkout):
    _upload(client, checkout, png_bytes())
    old_key = _payment(checkout).proof_key
    _upload(client, checkout, PDF, "bukti.pdf")
    new_key = _payment(checkout).proof_key
    assert new_key != old_key and new_key.endswith(".pdf")
    assert not (media / old_key).exists() and (media / new_key).exists()


def test_buyer_sees_their_own_proof_privately(client, media, checkout):
    _upload(client, checkout, PDF, "bukti.pdf")
    response = client.get(f"/checkout/{checkout.id}/bukti")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_proof_is_served_with_the_file_csp_that_lets_the_browser_viewer_style_it(client, media, checkout):
    _upload(client, checkout, png_bytes())
    csp = client.get(f"/checkout/{checkout.id}/bukti").headers.getlist("Content-Security-Policy")
    assert csp == [FILE_CSP]
    assert "script-src" not in FILE_CSP and "default-src 'none'" in FILE_CSP


def test_proof_is_not_served_by_the_public_media_route(client, media, checkout):
    _upload(client, checkout, png_bytes())
    key = _payment(checkout).proof_key
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get(f"/media/logos/../{key}").status_code == 404


def test_another_buyer_cannot_see_the_proof(client, auth, media, checkout):
    _upload(client, checkout, png_bytes())
    make_user("orang-lain@example.test")
    db.session.commit()
    auth.logout()
    auth.login("orang-lain@example.test")
    assert client.get(f"/checkout/{checkout.id}/bukti").status_code == 404


def test_payment_page_shows_amount_code_account_and_upload_form(app, client, media, checkout):
    body = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)
    payment = checkout.payment
    assert f"{payment.unique_code:03d}" in body
    assert f'data-copy="{payment.amount_idr}"' in body
    assert app.config["BANK_TRANSFER_ACCOUNT"] in body and app.config["BANK_TRANSFER_HOLDER"] in body
    assert checkout.orders[0].number in body
    assert "WIB" in body
    assert f'action="/checkout/{checkout.id}/bukti"' in body and 'enctype="multipart/form-data"' in body


def test_payment_page_says_the_proof_is_being_checked(client, media, checkout):
    _upload(client, checkout, png_bytes())
    body = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)
    assert f"/checkout/{checkout.id}/bukti" in body
    assert "checking" in body.lower() or "memeriksa" in body.lower()


def test_pickup_payment_page_shows_each_orders_pickup_code_and_sentra_address(client, buyer):
    one = make_sentra("32.75.08.1001", name="Sentra Satu")
    two = make_sentra("32.75.01.1001", name="Sentra Dua")
    pa = make_product(one, variants=[{"price_idr": 10_000, "stock": 5}])
    pb = make_product(two, variants=[{"price_idr": 20_000, "stock": 5}])
    db.session.commit()
    checkout = make_checkout(buyer, [(pa.variants[0], 1), (pb.variants[0], 1)], method="pay_on_pickup")
    body = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)
    for order in checkout.orders:
        assert order.pickup_code in body and order.sentra.address in body and order.sentra.name in body


def test_upload_form_on_the_payment_page_carries_its_csrf_token(client, media, checkout, csrf_enabled):
    page = client.get(f"/checkout/{checkout.id}/bayar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/checkout/{checkout.id}/bukti", content_type="multipart/form-data",
                           data={"csrf_token": token, "proof": (io.BytesIO(PDF), "bukti.pdf")})
    assert response.status_code == 303
    assert _payment(checkout).state == "processing"


def test_upload_without_a_csrf_token_is_refused(client, media, checkout, csrf_enabled):
    assert _upload(client, checkout, PDF).status_code == 400
    assert _payment(checkout).proof_key is None
