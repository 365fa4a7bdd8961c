"""Where the fuzz found the OpenAPI document and the code disagreeing, both now say the same."""
from __future__ import annotations

from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user
from tests.orders.cart_helpers import bearer_for


def _parameter(client, path: str, method: str, name: str) -> dict:
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][path][method]
    return next(param for param in operation["parameters"] if param["name"] == name)


def test_an_empty_status_filter_lists_every_status_as_the_document_says(client):
    owner = make_user()
    sentra = make_sentra(owner=owner)
    response = client.get(f"/api/v1/kelola/{sentra.slug}/orders?status=", headers=bearer_for(owner))
    assert response.status_code == 200
    assert _parameter(client, "/kelola/{sentra_slug}/orders", "get", "status")["allowEmptyValue"] is True


def test_a_long_search_text_is_cut_not_refused_as_the_document_says(client):
    response = client.get("/api/v1/search?q=" + "tas" * 100)
    assert response.status_code == 200
    assert "maxLength" not in _parameter(client, "/search", "get", "q")["schema"]


def test_an_empty_search_page_is_the_first_as_the_document_says(client):
    response = client.get("/api/v1/search?page=")
    assert response.status_code == 200 and response.get_json()["page"] == 1
    assert _parameter(client, "/search", "get", "page")["allowEmptyValue"] is True


def _admin_headers() -> dict[str, str]:
    return bearer_for(make_user(admin=True))


def test_empty_impact_days_are_the_default_period_as_the_document_says(client):
    response = client.get("/api/v1/admin/impact?from=&to=", headers=_admin_headers())
    assert response.status_code == 200
    assert _parameter(client, "/admin/impact", "get", "from")["allowEmptyValue"] is True


def test_a_day_past_the_calendars_end_is_a_400_not_a_500(client):
    response = client.get("/api/v1/admin/impact?from=9999-12-01&to=9999-12-31", headers=_admin_headers())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "date_out_of_range"
    assert set(response.get_json()["error"]["fields"]) == {"from", "to"}


def _sentra_member_with_product():
    owner = make_user()
    sentra = make_sentra(owner=owner)
    product = make_product(sentra)
    return sentra, product, bearer_for(owner)


def test_a_patch_that_would_change_the_reference_is_refused_not_ignored(client):
    sentra, product, headers = _sentra_member_with_product()
    response = client.patch(f"/api/v1/kelola/{sentra.slug}/products/{product.id}", headers=headers,
                            json={"ref": "KATALOG-9"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"ref"}
    db.session.expire_all()
    assert product.ref != "KATALOG-9"


def test_a_patch_may_repeat_the_reference_it_has(client):
    sentra, product, headers = _sentra_member_with_product()
    response = client.patch(f"/api/v1/kelola/{sentra.slug}/products/{product.id}", headers=headers,
                            json={"ref": product.ref, "title": "Tas Anyaman Besar"})
    assert response.status_code == 200
    assert response.get_json()["title"] == "Tas Anyaman Besar"


def test_an_option_too_long_to_keep_is_refused_not_cut(client):
    sentra, product, headers = _sentra_member_with_product()
    variant = product.variants[0]
    response = client.patch(f"/api/v1/kelola/{sentra.slug}/products/{product.id}", headers=headers, json={
        "variants": [{"id": variant.id, "sku": variant.sku, "price_idr": variant.price_idr,
                      "options": {"Ukuran": "Sangat besar sekali untuk keluarga besar dan arisan RT"}}]})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"variants-0-options"}
