"""What the public page cache keeps, for whom, and how it answers (issue 16, item 2).

Only the public catalogue seen by a visitor without a session, a bearer token or a cart
is served from the cache; the language is part of the key; nothing personal (a cart count,
a CSRF token, a flash message, a signed-in header) is ever stored; public pages carry an
ETag and ``Cache-Control: public`` and answer ``If-None-Match`` with a 304.
"""
from __future__ import annotations

import http.client
import os
import threading
import time
import uuid
from email.utils import parsedate_to_datetime

import pytest
from werkzeug.serving import make_server

from shop.config import build_config
from shop.extensions import db
from shop.pagecache.middleware import build_store
from tests.factories import make_checkout, make_partner, make_product, make_sentra, make_user

BUYER, OWNER, PARTNER, ADMIN = "pembeli@example.test", "pemilik@example.test", "mitra@example.test", "kantor@example.test"
REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/3")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def world():
    owner = make_user(OWNER)
    sentra = make_sentra(owner=owner, name="Sentra Kriya Jatiwaringin")
    product = make_product(sentra, title="Tas Anyaman Eceng", variants=[{"price_idr": 40_000, "stock": 9}])
    make_partner(make_user(PARTNER))
    make_user(ADMIN, admin=True)
    buyer = make_user(BUYER)
    db.session.commit()
    checkout = make_checkout(buyer, [(product.variants[0], 1)])
    return {"sentra": sentra, "product": product, "checkout": checkout}


def product_url(world) -> str:
    product = world["product"]
    return f"/p/{product.id}-{product.slug}"


def public_urls(world) -> list[str]:
    return ["/", "/sentra", f"/sentra/{world['sentra'].slug}", "/kategori/kriya", product_url(world),
            "/search?q=tas"]


def stored(client, url: str, **kwargs):
    client.get(url, **kwargs)
    response = client.get(url, **kwargs)
    assert response.headers.get("X-Page-Cache") == "hit", url
    return response


@pytest.mark.parametrize("index", range(6))
def test_every_public_page_is_stored_without_a_csrf_token_or_a_flash(app, client, world, index):
    page = stored(client, public_urls(world)[index])

    assert page.status_code == 200
    assert "csrf_token" not in page.text
    assert 'class="flashes"' not in page.text


def test_a_text_search_is_kept_but_every_answer_reaches_the_server_while_the_search_log_is_on(client, world):
    """Every first page of a text search enters the search log (issue 22): the page cache keeps it and
    logs each answer it gives; browsers and shared caches must ask again each time (``no-cache``)."""
    client.get("/search?q=tas")
    again = client.get("/search?q=tas")
    assert again.headers.get("X-Page-Cache") == "hit"
    assert again.headers["Cache-Control"] == "public, no-cache"
    assert client.get("/search?q=tas&page=2").headers["Cache-Control"].startswith("public, max-age=")


def test_the_language_is_part_of_the_key(app, client, world):
    assert 'lang="id"' in stored(client, product_url(world)).text
    client.set_cookie("lang", "en")

    english = client.get(product_url(world))

    assert english.headers["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.text
    assert 'lang="en"' in stored(client, product_url(world)).text
    client.delete_cookie("lang")
    assert 'lang="id"' in stored(client, product_url(world)).text


def test_an_unknown_language_is_the_default_one(client, world):
    stored(client, product_url(world))
    client.set_cookie("lang", "fr")

    page = client.get(product_url(world))

    assert page.headers["X-Page-Cache"] == "hit"
    assert 'lang="id"' in page.text


def test_a_guest_with_a_cart_is_never_served_from_the_cache(app, client, world):
    stored(client, product_url(world))
    added = client.post("/cart/add", data={"variant_id": world["product"].variants[0].id, "quantity": 1,
                                           "next": product_url(world)}, follow_redirects=True)
    assert added.status_code == 200

    page = client.get(product_url(world))

    assert "X-Page-Cache" not in page.headers
    assert 'class="cart-count"' in page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    stranger = app.test_client().get(product_url(world))
    assert stranger.headers["X-Page-Cache"] == "hit"
    assert 'class="cart-count"' not in stranger.text


def test_a_visitor_with_a_flash_message_gets_it_and_it_is_never_stored(app, client, world):
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Pesan khusus untuk Anda")]

    page = client.get(product_url(world))

    assert "Pesan khusus untuk Anda" in page.text
    assert "X-Page-Cache" not in page.headers
    stranger = stored(app.test_client(), product_url(world))
    assert "Pesan khusus untuk Anda" not in stranger.text


def test_a_signed_in_visitor_is_never_served_nor_stored(app, client, auth, world):
    stored(app.test_client(), product_url(world))
    auth.login(BUYER)

    signed_in = client.get(product_url(world))

    assert "X-Page-Cache" not in signed_in.headers
    assert signed_in.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in signed_in.headers
    assert 'action="/logout"' in signed_in.text
    client.get(f"/sentra/{world['sentra'].slug}")  # a page nobody anonymous has asked for yet
    anonymous = app.test_client().get(f"/sentra/{world['sentra'].slug}")
    assert anonymous.headers["X-Page-Cache"] == "miss"
    assert 'action="/logout"' not in anonymous.text


def test_a_bearer_token_is_never_served_from_the_cache(client, world):
    stored(client, product_url(world))

    page = client.get(product_url(world), headers={"Authorization": "Bearer anything"})

    assert "X-Page-Cache" not in page.headers
    assert page.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("email", "path"), [
    (BUYER, "/orders"), (BUYER, "/akun"), (BUYER, "/cart"), (BUYER, "/checkout/{checkout}/bayar"),
    (OWNER, "/kelola/{slug}/"), (PARTNER, "/mitra/"), (ADMIN, "/admin/"),
])
def test_private_areas_are_never_stored(client, auth, world, email, path):
    auth.login(email)
    url = path.format(slug=world["sentra"].slug, checkout=world["checkout"].id)

    responses = [client.get(url) for _ in range(2)]

    for response in responses:
        assert response.status_code == 200
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in response.headers


@pytest.mark.parametrize("path", ["/cart", "/orders", "/login", "/akun", "/kelola/x/", "/admin/", "/checkout"])
def test_private_areas_are_not_even_looked_up_for_anonymous_visitors(client, world, path):
    for response in (client.get(path), client.get(path)):
        assert "X-Page-Cache" not in response.headers
        assert "ETag" not in response.headers


def test_public_pages_say_how_long_shared_caches_may_keep_them(client, world):
    page = client.get(product_url(world))

    assert page.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert "Cookie" in page.headers["Vary"]
    assert page.headers["ETag"]


def test_a_stored_page_answers_if_none_match_with_304(client, world):
    etag = stored(client, product_url(world)).headers["ETag"]

    again = client.get(product_url(world), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.headers["ETag"] == etag
    assert again.data == b""


def test_a_page_built_afresh_answers_if_none_match_with_304(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
    etag = client.get(product_url(world)).headers["ETag"]

    again = client.get(product_url(world), headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert "X-Page-Cache" not in again.headers
    assert "Date" not in again.headers  # make_conditional's is dropped: the server dates the answer


def test_a_public_etag_never_gets_a_304_for_a_signed_in_visitor(client, auth, world):
    etag = stored(client, product_url(world)).headers["ETag"]
    auth.login(BUYER)

    page = client.get(product_url(world), headers={"If-None-Match": etag})

    assert page.status_code == 200
    assert 'action="/logout"' in page.text


def test_a_changed_page_gets_a_new_etag(client, world):
    etag = stored(client, product_url(world)).headers["ETag"]
    world["product"].title = "Tas Anyaman Pandan"
    db.session.commit()

    page = client.get(product_url(world), headers={"If-None-Match": etag})

    assert page.status_code == 200
    assert page.headers["ETag"] != etag


def test_with_the_cache_off_nothing_is_looked_up_or_stored(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)

    for response in (client.get(product_url(world)), client.get(product_url(world))):
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("0", False), ("off", False),
                                           ("false", False)])
def test_page_cache_setting_from_the_environment(tmp_path, monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv("PAGE_CACHE", raising=False)
    else:
        monkeypatch.setenv("PAGE_CACHE", value)

    assert build_config(tmp_path, {"SECRET_KEY": "x"})["PAGE_CACHE"] is on


@pytest.fixture
def redis_store(app):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if IN_CI:
            raise
        pytest.skip(f"needs Redis at {REDIS_URL}")
    prefix = f"test-page-cache-{uuid.uuid4().hex}:"
    cache = app.extensions["page_cache"]
    before = cache._store
    cache._store = build_store({**app.config, "CACHE_REDIS_URL": REDIS_URL, "PAGE_CACHE_KEY_PREFIX": prefix})
    yield client, prefix
    cache._store = before
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def test_pages_kept_in_redis_are_served_and_follow_changes(client, world, redis_store):
    redis, prefix = redis_store
    assert "Stok 8" in stored(client, product_url(world)).text
    assert list(redis.scan_iter(f"{prefix}*"))

    make_checkout(make_user(), [(world["product"].variants[0], 3)])

    page = client.get(product_url(world))
    assert page.headers["X-Page-Cache"] == "miss"
    assert "Stok 5" in page.text


def test_a_stored_page_is_sent_with_the_headers_the_configuration_says_now(app, client, world, monkeypatch):
    assert "stripe" not in stored(client, product_url(world)).headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_x")
    monkeypatch.setitem(app.config, "STRIPE_PUBLISHABLE_KEY", "pk_test_x")

    page = client.get(product_url(world))

    assert page.headers["X-Page-Cache"] == "hit"
    assert "https://js.stripe.com" in page.headers["Content-Security-Policy"]


def _through_the_dev_server(app, path: str) -> list[tuple[str, str]]:
    """The headers of ``GET path`` answered by Werkzeug's HTTP server (``make run``'s), which adds a
    Date only when the app sent none. (gunicorn drops the app's Date and always sends its own.)"""
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request("GET", path, headers={"Host": "localhost"})  # the test client's, in the key
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.getheaders()
    finally:
        thread.join(30)
        server.server_close()


def test_a_stored_page_reaches_the_client_dated_when_it_is_answered_not_when_it_was_stored(app, client, world):
    """A Date kept with a stored page was its first answer's time on every hit: a shared cache counts a
    page's age from it (RFC 9111, 4.2.3) and would throw the page away early. The server dates it."""
    stored(client, product_url(world))
    stored_at = int(time.time())
    while int(time.time()) == stored_at:  # Date counts whole seconds
        time.sleep(0.05)

    headers = _through_the_dev_server(app, product_url(world))

    assert ("X-Page-Cache", "hit") in headers
    dates = [value for name, value in headers if name.lower() == "date"]
    assert len(dates) == 1
    assert parsedate_to_datetime(dates[0]).timestamp() > stored_at

def test_neither_a_page_built_afresh_nor_a_stored_one_nor_a_304_carries_the_apps_own_date(client, world):
    first = client.get(product_url(world))
    hit = client.get(product_url(world))
    not_modified = client.get(product_url(world), headers={"If-None-Match": first.headers["ETag"]})

    assert (first.headers["X-Page-Cache"], hit.headers["X-Page-Cache"], not_modified.status_code) == \
        ("miss", "hit", 304)
    assert [response.headers.get("Date") for response in (first, hit, not_modified)] == [None, None, None]
