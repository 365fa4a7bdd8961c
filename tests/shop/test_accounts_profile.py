"""The account pages: profile, password change, addresses, API tokens, data export and deletion."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shop.accounts import services
from shop.accounts.models import Address, ApiToken, User
from shop.accounts.tokens import user_for_token
from shop.extensions import db
from shop.partners.models import PartnerMembership
from shop.sentras.models import SentraMembership
from tests.factories import PASSWORD, add_member, make_partner, make_sentra, make_user

NEW_PASSWORD = "a long and quiet river"
KELURAHAN = "32.75.08.1001"



@pytest.fixture
def user(auth):
    user = make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    return user


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def address_data(**overrides):
    data = {
        "recipient": "Sari Warga",
        "phone": "0812 3456 7890",
        "street": "Jl. Mawar No. 3 RT 01/RW 02",
        "location": "bekasi",
        "kelurahan_code": KELURAHAN,
        "city": "",
        "postal_code": "",
    }
    data.update(overrides)
    return data


def add_address(user, **overrides) -> Address:
    values = {"recipient": "Sari", "phone": "081234567890", "street": "Jl. Melati 1", "in_bekasi": True,
              "kelurahan_code": KELURAHAN}
    values.update(overrides)
    address = services.save_address(user, services.AddressData(**values))
    db.session.commit()
    return address


# -- profile ---------------------------------------------------------------------------


def test_profile_needs_login(client):
    response = client.get("/akun")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_profile_shows_the_email_and_its_verified_state(client, user):
    client.post("/bahasa", data={"lang": "en"})
    body = client.get("/akun").get_data(as_text=True)
    assert "sari@example.test" in body and "Confirmed" in body


def test_unverified_profile_offers_to_resend_the_link(client, auth):
    make_user("baru@example.test", verified=False)
    db.session.commit()
    auth.login("baru@example.test")
    assert "/akun/verifikasi" in client.get("/akun").get_data(as_text=True)


def test_profile_saves_name_and_normalised_phone(client, user):
    response = client.post("/akun", data={"name": "Sari Baru", "phone": "62 812-1111-2222"})
    assert response.status_code == 302
    saved = fresh(user)
    assert (saved.name, saved.phone) == ("Sari Baru", "+6281211112222")


def test_profile_with_invalid_phone_is_a_field_error(client, user):
    response = client.post("/akun", data={"name": "Sari", "phone": "abc"})
    assert response.status_code == 400
    assert 'id="phone-err"' in response.get_data(as_text=True)
    assert fresh(user).phone is None


def test_profile_post_without_csrf_token_is_refused(client, user, csrf_enabled):
    assert client.post("/akun", data={"name": "Sari Baru"}).status_code == 400
    assert fresh(user).name == "Sari Warga"


# -- password change --------------------------------------------------------------------


def change_password(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post("/akun/sandi", data={"current_password": current, "password": new, "password_confirm": new})


def test_changing_the_password_keeps_this_session(client, user):
    assert change_password(client).status_code == 302
    assert client.get("/akun").status_code == 200
    assert services.authenticate("sari@example.test", NEW_PASSWORD) is not None


def test_changing_the_password_logs_out_another_client(app, client, user):
    other = app.test_client()
    other.post("/login", data={"email": "sari@example.test", "password": PASSWORD})
    assert other.get("/akun").status_code == 200
    change_password(client)
    assert other.get("/akun").status_code == 302


def test_changing_the_password_ends_remember_me_cookies(app, client, user):
    other = app.test_client()
    other.post("/login", data={"email": "sari@example.test", "password": PASSWORD, "remember": "y"})
    with other.session_transaction() as sess:
        sess.clear()  # as if the browser was closed: only the remember cookie is left
    assert other.get("/akun").status_code == 200
    change_password(client)
    with other.session_transaction() as sess:
        sess.clear()
    assert other.get("/akun").status_code == 302


def test_changing_the_password_needs_the_current_one(client, user):
    response = change_password(client, current="not my password")
    assert response.status_code == 400
    assert fresh(user).auth_version == 1


def test_changing_to_a_common_password_is_refused(client, user):
    assert change_password(client, new="password123").status_code == 400
    assert services.authenticate("sari@example.test", PASSWORD) is not None


# -- addresses ------------------------------------------------------------------------------


def test_adding_a_bekasi_address_saves_the_kelurahan(client, user):
    response = client.post("/akun/alamat/baru", data=address_data())
    assert response.status_code == 302
    address = db.session.scalar(select(Address).where(Address.user_id == user.id))
    assert address.kelurahan_code == KELURAHAN and address.city is None
    assert address.phone == "+6281234567890"
    assert address.is_default


def test_adding_an_address_outside_bekasi_needs_city_and_postal_code(client, user):
    response = client.post("/akun/alamat/baru", data=address_data(location="outside", kelurahan_code=""))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="city-err"' in body and 'id="postal_code-err"' in body
    assert db.session.scalar(select(db.func.count()).select_from(Address)) == 0


def test_adding_an_address_outside_bekasi(client, user):
    data = address_data(location="outside", kelurahan_code="", city="Kota Depok", postal_code="16424")
    assert client.post("/akun/alamat/baru", data=data).status_code == 302
    address = db.session.scalar(select(Address).where(Address.user_id == user.id))
    assert (address.kelurahan_code, address.city, address.postal_code) == (None, "Kota Depok", "16424")


def test_postal_code_must_have_five_digits(client, user):
    data = address_data(location="outside", kelurahan_code="", city="Kota Depok", postal_code="164")
    assert client.post("/akun/alamat/baru", data=data).status_code == 400


def test_unknown_kelurahan_is_refused(client, user):
    assert client.post("/akun/alamat/baru", data=address_data(kelurahan_code="99.99.99.9999")).status_code == 400


def test_address_list_shows_an_empty_state(client, user):
    response = client.get("/akun/alamat")
    assert response.status_code == 200 and 'class="empty"' in response.get_data(as_text=True)


def test_editing_an_address(client, user):
    address = add_address(user)
    assert client.get(f"/akun/alamat/{address.id}").status_code == 200
    response = client.post(f"/akun/alamat/{address.id}", data=address_data(street="Jl. Kenanga 9"))
    assert response.status_code == 302
    assert fresh(address).street == "Jl. Kenanga 9"


def test_another_users_address_is_a_404(client, user):
    stranger = make_user("lain@example.test")
    address = add_address(stranger)
    assert client.get(f"/akun/alamat/{address.id}").status_code == 404
    assert client.post(f"/akun/alamat/{address.id}", data=address_data()).status_code == 404
    assert client.post(f"/akun/alamat/{address.id}/hapus").status_code == 404
    assert client.post(f"/akun/alamat/{address.id}/utama").status_code == 404
    assert fresh(address).street == "Jl. Melati 1"


def test_deleting_an_address(client, user):
    address = add_address(user)
    assert client.post(f"/akun/alamat/{address.id}/hapus").status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(Address)) == 0


def test_setting_the_default_address_unsets_the_old_one(client, user):
    first = add_address(user)
    second = add_address(user, street="Jl. Kedua")
    assert fresh(first).is_default and not fresh(second).is_default
    client.post(f"/akun/alamat/{second.id}/utama")
    assert fresh(second).is_default and not fresh(first).is_default


def test_deleting_the_default_address_makes_another_the_default(client, user):
    first = add_address(user)
    second = add_address(user, street="Jl. Kedua")
    client.post(f"/akun/alamat/{first.id}/hapus")
    assert fresh(second).is_default


# -- API tokens --------------------------------------------------------------------------------


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client, user):
    response = client.post("/akun/token", data={"name": "Kasir"})
    assert response.status_code == 201
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    body = response.get_data(as_text=True)
    plain = next(word for word in body.replace('"', " ").split() if word.startswith("ps_"))
    assert token.token_hash != plain and user_for_token(plain).id == user.id
    assert plain not in client.get("/akun").get_data(as_text=True)


def test_profile_lists_tokens(client, user):
    services.create_api_token(user, "Gudang")
    db.session.commit()
    assert "Gudang" in client.get("/akun").get_data(as_text=True)


def test_revoking_a_token_stops_it(client, user):
    plain, token = services.create_api_token(user, "Kasir")
    db.session.commit()
    assert client.post(f"/akun/token/{token.id}/cabut").status_code == 302
    assert fresh(token).revoked_at is not None
    assert user_for_token(plain) is None


def test_another_users_token_cannot_be_revoked(client, user):
    _, token = services.create_api_token(make_user("lain@example.test"), "Punya orang")
    db.session.commit()
    assert client.post(f"/akun/token/{token.id}/cabut").status_code == 404
    assert fresh(token).revoked_at is None


# -- data export ----------------------------------------------------------------------------------


def test_data_export_is_a_json_attachment_with_the_addresses(client, user):
    add_address(user, street="Jl. Anggrek 7")
    services.create_api_token(user, "Kasir")
    db.session.commit()
    response = client.get("/akun/data")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "sari@example.test"
    assert [a["street"] for a in data["addresses"]] == ["Jl. Anggrek 7"]
    assert data["api_tokens"][0]["name"] == "Kasir" and "token_hash" not in data["api_tokens"][0]


def test_data_export_lists_memberships(client, user):
    sentra = make_sentra(owner=make_user("pemilik@example.test"))
    add_member(sentra, user)
    make_partner(owner=user)
    db.session.commit()
    data = json.loads(client.get("/akun/data").get_data(as_text=True))
    assert data["sentra_memberships"][0]["sentra"] == sentra.slug
    assert data["partner_memberships"][0]["role"] == "owner"


def test_data_export_has_no_password_hash(client, user):
    assert user.password_hash not in client.get("/akun/data").get_data(as_text=True)


# -- account deletion ----------------------------------------------------------------------------


def delete_my_account(client, password=PASSWORD):
    return client.post("/akun/hapus", data={"password": password})


def test_deleting_the_account_anonymises_it_and_keeps_the_row(client, user):
    add_address(user)
    plain, _ = services.create_api_token(user, "Kasir")
    sentra = make_sentra(owner=make_user("pemilik@example.test"))
    add_member(sentra, user)
    db.session.commit()
    response = delete_my_account(client)
    assert response.status_code == 302
    deleted = fresh(user)
    assert deleted.email == f"deleted-{user.id}@invalid"
    assert deleted.name == "Deleted user"
    assert deleted.phone is None and deleted.password_hash is None and deleted.deleted_at is not None
    assert db.session.scalar(select(db.func.count()).select_from(Address)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(SentraMembership).where(
        SentraMembership.user_id == user.id)) == 0
    assert user_for_token(plain) is None


def test_deleting_the_account_logs_out(client, user):
    delete_my_account(client)
    assert client.get("/akun").status_code == 302


def test_deleted_account_cannot_log_in(client, auth, user):
    delete_my_account(client)
    assert auth.login("sari@example.test").status_code == 401
    assert services.authenticate(f"deleted-{user.id}@invalid", PASSWORD) is None


def test_deleted_accounts_email_can_register_again(client, user):
    delete_my_account(client)
    response = client.post("/register", data={
        "name": "Sari Lagi", "email": "sari@example.test",
        "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 2


def test_deleting_needs_the_password(client, user):
    assert delete_my_account(client, "not my password").status_code == 400
    assert fresh(user).deleted_at is None


def test_sentra_owner_cannot_delete_the_account(client, user):
    make_sentra(owner=user)
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    response = delete_my_account(client)
    assert response.status_code == 409
    assert "Transfer the ownership" in response.get_data(as_text=True)
    assert fresh(user).deleted_at is None


def test_partner_owner_cannot_delete_the_account(client, user):
    make_partner(owner=user)
    db.session.commit()
    assert delete_my_account(client).status_code == 409
    assert fresh(user).deleted_at is None
    assert db.session.scalar(select(db.func.count()).select_from(PartnerMembership)) == 1


@pytest.mark.parametrize("path", ["/akun", "/akun/sandi", "/akun/alamat", "/akun/alamat/baru", "/akun/hapus", "/logout"])
def test_account_pages_render(client, user, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/login", "/register", "/lupa-sandi", "/logout"])
def test_public_account_pages_render(client, path):
    assert client.get(path).status_code == 200
