"""The cart pages: add from the product page, the guest cookie, merging at login, warnings, queries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from catalog import stock as catalog_stock
from catalog.pricing import RETAIL
from orders.cart import services
from orders.cart.models import Cart, CartLine
from orders.cart.views import COOKIE_NAME
from shop.extensions import db
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.orders.cart_helpers import KELURAHAN, stocked_product, variant_of
from tests.queries import count_queries


@pytest.fixture(autouse=True)
def _english_pages(client):
    """These tests read the English texts (the default language is Indonesian)."""
    client.post("/bahasa", data={"lang": "en"})


def product_url(product) -> str:
    return f"/p/{product.id}-{product.slug}"


def add(client, variant_id, quantity=1, next_url=None):
    data = {"variant_id": str(variant_id), "quantity": str(quantity)}
    if next_url:
        data["next"] = next_url
    return client.post("/cart/add", data=data)


def cart_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{COOKIE_NAME}="):
            return header
    return None


def lines_in_db() -> dict[int, int]:
    return {vid: qty for vid, qty in db.session.execute(select(CartLine.variant_id, CartLine.quantity))}


@pytest.fixture
def product():
    product = stocked_product(price_idr=35_000, stock=5)
    db.session.commit()
    return product


# --- the guest cart ------------------------------------------------------------------------------


def test_a_guest_adds_to_cart_and_goes_back_to_the_product_page(client, product):
    response = add(client, variant_of(product).id, 2, next_url=product_url(product))
    assert response.status_code == 302
    assert response.headers["Location"] == product_url(product)
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="cart-count"' in body and ">2</span>" in body
    assert lines_in_db() == {variant_of(product).id: 2}


def test_the_guest_cookie_is_httponly_lax_and_the_database_keeps_only_its_hash(client, product):
    header = cart_cookie(add(client, variant_of(product).id))
    assert header is not None and "HttpOnly" in header and "SameSite=Lax" in header
    token = header.split(";")[0].split("=", 1)[1]
    stored = db.session.scalar(select(Cart.token))
    assert stored == services.hash_guest_token(token) and stored != token


def test_a_cookie_token_the_server_did_not_issue_is_not_adopted(client, product):
    chosen = "x" * 43
    client.set_cookie(COOKIE_NAME, chosen)
    header = cart_cookie(add(client, variant_of(product).id))
    assert chosen not in header
    assert db.session.scalar(select(Cart.token)) != services.hash_guest_token(chosen)


def test_an_anonymous_cart_page_without_a_cart_sets_no_cookie(client):
    response = client.get("/cart")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_an_empty_cart_links_to_the_sentras(client):
    body = client.get("/cart").get_data(as_text=True)
    assert 'class="empty"' in body and 'href="/sentra"' in body
    assert 'href="/checkout"' not in body


# --- merging at login ----------------------------------------------------------------------------


def test_a_guest_cart_merges_into_the_account_cart_at_login(client, auth, product):
    buyer = make_user("sari@example.test")
    mine = services.cart_for_user(buyer, create=True)
    services.add_item(mine, variant_of(product).id, 1, RETAIL)
    db.session.commit()
    add(client, variant_of(product).id, 2)
    response = auth.login("sari@example.test")
    assert response.status_code == 302
    forgotten = cart_cookie(response)
    assert forgotten is not None and ("Max-Age=0" in forgotten or "expires=Thu, 01 Jan 1970" in forgotten)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1
    assert lines_in_db() == {variant_of(product).id: 3}
    assert ">3</span>" in client.get("/cart").get_data(as_text=True)


def test_merging_at_login_caps_quantities_at_the_stock_and_says_so(client, auth, product):
    buyer = make_user("sari@example.test")
    services.add_item(services.cart_for_user(buyer, create=True), variant_of(product).id, 4, RETAIL)
    db.session.commit()
    add(client, variant_of(product).id, 3)
    client.set_cookie("lang", "en")
    auth.login("sari@example.test")
    db.session.expire_all()
    assert lines_in_db() == {variant_of(product).id: 5}
    assert "reduced to the stock that is left" in client.get("/cart").get_data(as_text=True)


def test_a_guest_cart_becomes_the_account_cart_at_registration(client, product):
    add(client, variant_of(product).id, 2)
    response = client.post("/register", data={"name": "Budi", "email": "budi@example.test",
                                              "password": "correct-horse-battery",
                                              "password_confirm": "correct-horse-battery"})
    assert response.status_code == 302
    db.session.expire_all()
    cart = db.session.scalar(select(Cart))
    assert cart.user_id is not None and cart.token is None
    assert lines_in_db() == {variant_of(product).id: 2}


# --- errors on the page --------------------------------------------------------------------------


def test_adding_more_than_the_stock_shows_a_message_not_an_error_page(client, product):
    response = add(client, variant_of(product).id, 6, next_url=product_url(product))
    assert response.status_code == 302
    client.set_cookie("lang", "en")
    body = client.get(product_url(product)).get_data(as_text=True)
    assert "Only 5 units are in stock" in body
    assert lines_in_db() == {}


def test_adding_an_archived_variant_says_it_is_no_longer_available(client):
    product = make_product(make_sentra(KELURAHAN[0]), variants=[{"options": "Ukuran=S"}, {"options": "Ukuran=M"}])
    variant_of(product, 1).archived = True
    db.session.commit()
    client.set_cookie("lang", "en")
    response = add(client, variant_of(product, 1).id)
    assert response.headers["Location"] == "/cart"
    assert "no longer available" in client.get("/cart").get_data(as_text=True)
    assert lines_in_db() == {}


def test_adding_a_variant_of_a_suspended_sentra_is_refused(client, product):
    product.sentra.status = "suspended"
    db.session.commit()
    client.set_cookie("lang", "en")
    add(client, variant_of(product).id)
    assert "no longer available" in client.get("/cart").get_data(as_text=True)
    assert lines_in_db() == {}


@pytest.mark.parametrize("quantity", ["0", "-2", "1000", "dua", ""])
def test_a_bad_quantity_on_the_product_page_is_refused_with_a_message(client, product, quantity):
    client.set_cookie("lang", "en")
    response = client.post("/cart/add", data={"variant_id": str(variant_of(product).id), "quantity": quantity})
    assert response.status_code == 302
    assert "Enter a quantity from 1 to 999" in client.get("/cart").get_data(as_text=True)
    assert lines_in_db() == {}


def test_a_redirect_after_adding_never_leaves_the_site(client, product):
    response = add(client, variant_of(product).id, next_url="https://evil.example/")
    assert response.headers["Location"] == "/cart"


# --- changing lines ------------------------------------------------------------------------------


def test_a_buyer_updates_a_quantity_and_removes_a_line(client, auth, product):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    add(client, variant_of(product).id, 1)
    line_id = db.session.scalar(select(CartLine.id))
    assert client.post(f"/cart/lines/{line_id}", data={"quantity": "4"}).status_code == 302
    assert lines_in_db() == {variant_of(product).id: 4}
    client.set_cookie("lang", "en")
    client.post(f"/cart/lines/{line_id}", data={"quantity": "9"})
    assert "Only 5 units are in stock" in client.get("/cart").get_data(as_text=True)
    assert lines_in_db() == {variant_of(product).id: 4}
    assert client.post(f"/cart/lines/{line_id}/remove").status_code == 302
    assert lines_in_db() == {}


def test_a_line_of_another_buyers_cart_is_404(client, auth, product):
    other = services.cart_for_user(make_user(), create=True)
    line = services.add_item(other, variant_of(product).id, 1, RETAIL)
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    add(client, variant_of(product).id, 1)  # the buyer has a cart of their own
    assert client.post(f"/cart/lines/{line.id}", data={"quantity": "2"}).status_code == 404
    assert client.post(f"/cart/lines/{line.id}/remove").status_code == 404
    assert db.session.get(CartLine, line.id).quantity == 1


def test_a_line_id_without_any_cart_is_404(client, product):
    assert client.post("/cart/lines/1/remove").status_code == 404


# --- the cart page -------------------------------------------------------------------------------


def test_the_cart_groups_lines_by_sentra_with_a_subtotal_each_and_links_to_checkout(client):
    first, second = make_sentra(KELURAHAN[0], name="Sentra Satu"), make_sentra(KELURAHAN[1], name="Sentra Dua")
    a = stocked_product(first, price_idr=10_000)
    b = stocked_product(second, price_idr=7_500)
    db.session.commit()
    add(client, variant_of(a).id, 2)
    add(client, variant_of(b).id, 1)
    body = client.get("/cart").get_data(as_text=True)
    assert body.index("Sentra Dua") < body.index("Sentra Satu")
    subtotals = re.findall(r'cart-subtotal">[^<]*<span class="price">([^<]+)</span>', body)
    assert subtotals == ["Rp7,500", "Rp20,000"]
    assert "Rp27,500" in body
    assert 'href="/checkout"' in body


def test_the_cart_warns_of_a_changed_price_showing_old_and_new_until_accepted(client, product):
    add(client, variant_of(product).id, 1)
    variant_of(product).price_idr = 40_000
    db.session.commit()
    client.set_cookie("lang", "en")
    body = client.get("/cart").get_data(as_text=True)
    assert "Price changed from Rp35,000 to Rp40,000" in body
    assert client.post("/cart/prices/accept").status_code == 302
    body = client.get("/cart").get_data(as_text=True)
    assert "Price changed" not in body and "Rp40,000" in body


def test_the_cart_warns_when_stock_fell_below_the_quantity(client, product):
    add(client, variant_of(product).id, 4)
    catalog_stock.reserve(variant_of(product).id, 3)
    db.session.commit()
    client.set_cookie("lang", "en")
    body = client.get("/cart").get_data(as_text=True)
    assert "Only 2 units are left" in body


def test_the_cart_marks_an_item_whose_sentra_was_suspended(client, product):
    add(client, variant_of(product).id, 1)
    product.sentra.status = "suspended"
    db.session.commit()
    client.set_cookie("lang", "en")
    assert "can no longer be bought" in client.get("/cart").get_data(as_text=True)


def test_a_partner_sees_tier_prices_in_the_cart(client, auth):
    make_partner(make_user("mitra@example.test"))
    product = stocked_product(price_idr=10_000, stock=100, tiers="10:8000")
    db.session.commit()
    auth.login("mitra@example.test")
    add(client, variant_of(product).id, 12)
    body = client.get("/cart").get_data(as_text=True)
    assert "Rp8,000" in body and "Rp96,000" in body


# --- forms and CSRF ------------------------------------------------------------------------------


def _give_a_session(client) -> None:
    """A returning visitor: one with a session (a first-time guest has none, see test_cart_guest_csrf)."""
    with client.session_transaction() as session:
        session["seen"] = True


def test_the_product_page_has_an_add_to_cart_form_with_a_csrf_token(client, csrf_enabled):
    product = make_product(make_sentra(KELURAHAN[0]), variants=[{"options": "Ukuran=S"}, {"options": "Ukuran=M"}])
    db.session.commit()
    _give_a_session(client)
    body = client.get(product_url(product)).get_data(as_text=True)
    form = body[body.index('action="/cart/add"'):]
    form = form[:form.index("</form>")]
    assert re.search(r'name="csrf_token" value="[^"]+"', form)
    assert 'name="variant_id"' in form and 'name="quantity"' in form
    for variant in product.variants:
        assert f'value="{variant.id}"' in form


def test_the_cart_forms_refuse_a_post_without_a_csrf_token(client, csrf_enabled, product):
    assert add(client, variant_of(product).id).status_code == 400
    assert client.post("/cart/prices/accept").status_code == 400
    assert lines_in_db() == {}


def test_adding_with_the_csrf_token_of_the_product_page_works(client, csrf_enabled, product):
    _give_a_session(client)
    body = client.get(product_url(product)).get_data(as_text=True)
    token = re.search(r'action="/cart/add".*?name="csrf_token" value="([^"]+)"', body, re.S).group(1)
    response = client.post("/cart/add", data={"csrf_token": token, "variant_id": str(variant_of(product).id),
                                              "quantity": "1"})
    assert response.status_code == 302
    assert lines_in_db() == {variant_of(product).id: 1}


# --- queries -------------------------------------------------------------------------------------


def _fill_cart(client, kelurahan: list[str], lines: int) -> None:
    """``lines`` products spread over one new sentra per kelurahan code, each added to the cart."""
    sentras = [make_sentra(code) for code in kelurahan]
    products = [stocked_product(sentras[i % len(sentras)], price_idr=1_000 * (i + 1), tiers="10:500")
                for i in range(lines)]
    db.session.commit()
    for product in products:
        add(client, variant_of(product).id)


def _cart_page_queries(client) -> int:
    client.get("/cart")  # warm per-process caches
    with count_queries() as statements:
        assert client.get("/cart").status_code == 200
    return len(statements)


def test_the_cart_page_makes_as_many_queries_for_6_lines_as_for_2(client):
    _fill_cart(client, KELURAHAN[:2], 2)
    few = _cart_page_queries(client)
    _fill_cart(client, KELURAHAN[2:6], 4)
    assert _cart_page_queries(client) == few <= 3


def test_a_partners_cart_page_makes_as_many_queries_for_6_lines_as_for_2(client, auth):
    make_partner(make_user("mitra@example.test"))
    db.session.commit()
    auth.login("mitra@example.test")
    _fill_cart(client, KELURAHAN[:2], 2)
    few = _cart_page_queries(client)
    _fill_cart(client, KELURAHAN[2:6], 4)
    assert _cart_page_queries(client) == few <= 7


def test_pages_of_a_guest_without_a_cart_cookie_make_no_cart_query(client, product):
    client.get(product_url(product))
    with count_queries() as statements:
        client.get(product_url(product))
    assert not any("cart" in statement for statement in statements)
