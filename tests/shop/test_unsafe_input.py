"""Input an attacker or a broken link sends: a clean 4xx or a safe redirect, never a 500."""
from __future__ import annotations

import pytest

from shop.extensions import db
from shop.main import safe_next
from shop.storage import StorageError, check_key
from tests.factories import PASSWORD, make_user

CRLF_NEXT = "/akun\r\nSet-Cookie: planted=1"


@pytest.mark.nodb
@pytest.mark.parametrize("target", [
    CRLF_NEXT, "/akun\nX: y", "/akun\rX: y", "/akun\x00", "/akun\tx", "/\\evil.example", "/a\\b", "/akun\x7f",
    "https://evil.example/", "//evil.example", "akun",
])
def test_an_unsafe_next_falls_back(target):
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.nodb
@pytest.mark.parametrize("target", ["/akun", "/cart?x=1#top", "/search?q=batik%20tulis", "/p/12-kain"])
def test_a_next_on_this_site_is_kept(target):
    assert safe_next(target, "/fallback") == target


def test_language_switch_with_a_crlf_next_redirects_home(client):
    response = client.get("/bahasa", query_string={"lang": "en", "next": CRLF_NEXT})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_login_with_a_crlf_next_redirects_to_the_default_page(client):
    make_user("sari@example.test")
    db.session.commit()
    data = {"email": "sari@example.test", "password": PASSWORD, "next": CRLF_NEXT}
    response = client.post("/login", data=data)
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_login_page_of_a_signed_in_user_with_a_crlf_next_redirects_to_the_default_page(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    response = client.get("/login", query_string={"next": CRLF_NEXT})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_register_with_a_crlf_next_redirects_to_the_profile(client):
    data = {"name": "Dewi Lestari", "email": "dewi@example.test", "phone": "",
            "password": "kopi susu pagi hari", "password_confirm": "kopi susu pagi hari"}
    response = client.post("/register", query_string={"next": CRLF_NEXT}, data=data)
    assert (response.status_code, response.headers["Location"]) == (302, "/akun")


@pytest.mark.nodb
@pytest.mark.parametrize("key", ["logos/ab/x\x00.webp", "logos/ab/x.webp\x00", "logos/../x.webp", "/etc/passwd",
                                 "logos\\ab\\x.webp", "logos/ab/x\n.webp", "logos//x.webp", "", "logos/ab/.x"])
def test_a_storage_key_with_bad_bytes_or_parts_is_refused(key):
    with pytest.raises(StorageError):
        check_key(key)


@pytest.mark.nodb
def test_a_server_made_storage_key_is_accepted():
    assert check_key("private/proofs/ab/abcdef0123.pdf") == "private/proofs/ab/abcdef0123.pdf"


@pytest.mark.parametrize("path", ["/media/logos/ab/x%00.webp", "/media/logos/%00", "/media/logos/a%0d%0ab.webp",
                                  "/media/logos/a%5cb.webp"])
def test_a_media_path_with_bad_bytes_is_404(client, app, tmp_path, monkeypatch, path):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    assert client.get(path).status_code == 404
