"""The app shell: factory, health check, headers, error pages, language, formats."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string

from shop import create_app
from shop.config import ConfigError


def test_favicon_ico_is_served_from_static(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert response.cache_control.max_age > 0


def test_healthz_reports_ok_with_database_and_search(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok", "search": "ok"}


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_page_is_a_404_in_indonesian_by_default(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_language_switch_is_remembered_in_a_cookie(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "/sentra"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sentra")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "id"})
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)


def test_language_links_switch_with_a_get_and_return_to_the_page(client):
    response = client.get("/bahasa?lang=en&next=/sentra?subsector=kriya")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sentra?subsector=kriya")
    assert 'lang="en"' in client.get("/sentra").get_data(as_text=True)


def test_an_anonymous_visit_sets_no_session_cookie(client):
    for path in ("/", "/sentra"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path


def test_language_switch_never_redirects_off_site(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_api_errors_use_the_documented_shape(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found"
    assert set(body["error"]) == {"code", "message", "fields"}


@pytest.mark.nodb
def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.nodb
def test_production_cookies_are_secure(monkeypatch):
    app = create_app({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_rupiah_filter_groups_thousands_with_dots(app):
    from shop.i18n import rupiah

    with app.test_request_context("/"):
        assert rupiah(150000) == "Rp150.000"
        assert rupiah(0) == "Rp0"
        assert rupiah(1250000) == "Rp1.250.000"


@pytest.mark.nodb
@pytest.mark.parametrize(("rate_bp", "shown"), [(500, "5"), (450, "4.5"), (525, "5.25"), (5, "0.05"), (0, "0"), (5000, "50")])
def test_basis_points_show_as_a_percent_without_trailing_zeros(rate_bp, shown):
    from shop.i18n import percent_of_bp

    assert percent_of_bp(rate_bp) == shown


def test_templates_format_basis_points_with_the_bp_percent_filter(app):
    with app.test_request_context():
        assert render_template_string("{{ 450|bp_percent }} %") == "4.5 %"


@pytest.mark.nodb
@pytest.mark.parametrize(("share", "locale", "shown"), [(1, "id", "100,0%"), (0.456, "id", "45,6%"), (1, "en", "100.0%")])
def test_shares_show_as_a_percent_with_the_locales_decimal_sign(share, locale, shown):
    from shop.i18n import share_percent

    assert share_percent(share, locale) == shown


def test_templates_format_shares_with_the_share_percent_filter_in_indonesian(app):
    with app.test_request_context():
        assert render_template_string("{{ 0.5|share_percent }}") == "50,0%"


def test_wib_filter_shows_jakarta_time(app):
    from shop.i18n import wib

    with app.test_request_context("/"):
        shown = wib(datetime(2026, 11, 27, 17, 30, tzinfo=UTC))
    assert "00.30" in shown or "00:30" in shown
    assert shown.endswith("WIB")


@pytest.mark.nodb
def test_an_unexpected_error_is_a_500_page_in_the_users_language_not_a_traceback():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert "kaboom" not in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Server error" in client.get("/boom").get_data(as_text=True)
    assert client.get("/api/v1/boom").get_json()["error"]["code"] == "not_found"


def test_behind_a_proxy_the_forwarded_client_address_and_host_are_used():
    from flask import request

    from shop import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1})

    @app.get("/_whoami")
    def whoami():
        return f"{request.remote_addr} {request.host} {request.scheme}"

    seen = app.test_client().get("/_whoami", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "pasarsentra.id", "X-Forwarded-Proto": "https"})
    assert seen.get_data(as_text=True) == "203.0.113.7 pasarsentra.id https"


def test_without_a_proxy_forwarded_headers_are_ignored():
    from flask import request

    from shop import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/_whoami")
    def whoami():
        return request.remote_addr or ""

    assert app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True) \
        == "127.0.0.1"
