"""The catalog API: public products, and a sentra's own products and stock by bearer token."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.products.models import Product, ProductImage, StockMovement, Variant
from shop.accounts.tokens import issue_token
from shop.extensions import db
from shop.sentras.models import SentraStatus
from tests.factories import add_member, make_partner, make_product, make_sentra, make_user


def bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 30)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def member():
    return make_user("anggota@example.test")


@pytest.fixture
def sentra(member):
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, member)
    return sentra


def new_product_body(**changes):
    body = {
        "title": "Kaos Sablon Bekasi",
        "subsector": "fesyen",
        "description": "Kaos katun",
        "variants": [
            {"sku": "KAOS-M", "options": {"Ukuran": "M"}, "price_idr": 85_000, "stock": 4, "weight_grams": 200},
            {"sku": "KAOS-L", "options": [{"name": "Ukuran", "value": "L"}], "price_idr": 90_000,
             "tiers": [{"min_qty": 10, "unit_price_idr": 80_000}]},
        ],
    }
    body.update(changes)
    return body


# --- public ------------------------------------------------------------------------------------


def test_public_product_has_the_documented_shape(client, sentra):
    product = make_product(sentra, title="Batik Tulis", variants=[{"sku": "BTK-1", "options": "Motif=Bambu",
                                                                    "price_idr": 250_000, "stock": 3}])
    db.session.add(ProductImage(product_id=product.id, alt_text="Batik", key="p/a.webp", thumb_320_key="p/b.webp",
                                thumb_960_key="p/c.webp", width=800, height=600))
    db.session.commit()
    body = client.get(f"/api/v1/products/{product.id}").get_json()
    assert body["id"] == product.id
    assert body["title"] == "Batik Tulis"
    assert body["sentra"] == "jatiwaringin"
    assert body["subsector"] == "kriya"
    assert body["status"] == "active"
    assert body["made_to_order"] is False and body["lead_time_days"] is None
    assert body["images"] == [{"alt": "Batik", "url": "/media/p/a.webp", "w320": "/media/p/b.webp",
                               "w960": "/media/p/c.webp"}]
    (variant,) = body["variants"]
    assert variant["sku"] == "BTK-1"
    assert variant["options"] == [{"name": "Motif", "value": "Bambu"}]
    assert (variant["price_idr"], variant["stock"], variant["weight_grams"]) == (250_000, 3, 0)


def test_anonymous_and_resident_tokens_get_no_tiers(client, sentra):
    product = make_product(sentra, variants=[{"tiers": "10:45000"}])
    resident = make_user()
    db.session.commit()
    assert "tiers" not in client.get(f"/api/v1/products/{product.id}").get_json()["variants"][0]
    body = client.get(f"/api/v1/products/{product.id}", headers=bearer(resident)).get_json()
    assert "tiers" not in body["variants"][0]


def test_verified_partner_token_gets_the_tiers(client, sentra):
    product = make_product(sentra, variants=[{"price_idr": 50_000, "tiers": "10:45000;50:40000"}])
    buyer = make_user()
    make_partner(buyer)
    db.session.commit()
    body = client.get(f"/api/v1/products/{product.id}", headers=bearer(buyer)).get_json()
    assert body["variants"][0]["tiers"] == [
        {"min_qty": 10, "unit_price_idr": 45_000}, {"min_qty": 50, "unit_price_idr": 40_000},
    ]


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_product_is_404(client, sentra, status):
    product = make_product(sentra, status=status)
    db.session.commit()
    response = client.get(f"/api/v1/products/{product.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_product_of_a_suspended_sentra_is_404(client):
    product = make_product(make_sentra(status=SentraStatus.SUSPENDED))
    db.session.commit()
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404


def test_sentra_products_are_paginated_newest_first_and_public_only(client, sentra):
    products = [make_product(sentra, title=f"Produk {i}") for i in range(3)]
    make_product(sentra, status="draft")
    db.session.commit()
    body = client.get("/api/v1/sentras/jatiwaringin/products?per_page=2").get_json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 2)
    assert [p["id"] for p in body["items"]] == [products[2].id, products[1].id]
    second = client.get("/api/v1/sentras/jatiwaringin/products?per_page=2&page=2").get_json()
    assert [p["id"] for p in second["items"]] == [products[0].id]


def test_products_of_an_unknown_or_inactive_sentra_are_404(client):
    make_sentra(status=SentraStatus.PENDING)
    db.session.commit()
    assert client.get("/api/v1/sentras/jatiwaringin/products").status_code == 404
    assert client.get("/api/v1/sentras/tidak-ada/products").status_code == 404


def test_bad_paging_is_400(client, sentra):
    db.session.commit()
    assert client.get("/api/v1/sentras/jatiwaringin/products?per_page=101").status_code == 400


# --- create --------------------------------------------------------------------------------------


def test_member_creates_a_draft_product_with_variants(client, sentra, member):
    response = client.post("/api/v1/kelola/jatiwaringin/products", json=new_product_body(), headers=bearer(member))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft"
    assert [v["sku"] for v in body["variants"]] == ["KAOS-M", "KAOS-L"]
    assert body["variants"][0]["stock"] == 4
    assert body["variants"][1]["options"] == [{"name": "Ukuran", "value": "L"}]
    assert body["variants"][1]["tiers"] == [{"min_qty": 10, "unit_price_idr": 80_000}]
    product = db.session.get(Product, body["id"])
    assert product.sentra_id == sentra.id and product.created_by_id == member.id
    assert db.session.scalar(select(func.sum(StockMovement.delta))) == 4


def test_create_without_a_token_is_401(client, sentra):
    db.session.commit()
    assert client.post("/api/v1/kelola/jatiwaringin/products", json=new_product_body()).status_code == 401


def test_malformed_json_is_400(client, sentra, member):
    headers = {**bearer(member), "Content-Type": "application/json"}
    response = client.post("/api/v1/kelola/jatiwaringin/products", data="{not json", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_json_list_instead_of_an_object_is_400(client, sentra, member):
    response = client.post("/api/v1/kelola/jatiwaringin/products", json=[1, 2], headers=bearer(member))
    assert response.status_code == 400


def test_broken_rules_are_422_with_fields_and_nothing_is_written(client, sentra, member):
    body = new_product_body(subsector="bukan-subsektor")
    body["variants"][1]["price_idr"] = -5
    response = client.post("/api/v1/kelola/jatiwaringin/products", json=body, headers=bearer(member))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "subsector_code" in fields
    assert "variants-1-price_idr" in fields
    assert db.session.scalar(select(func.count(Product.id))) == 0


def test_wrong_types_are_422_with_field_names(client, sentra, member):
    body = new_product_body(made_to_order="yes")
    body["variants"][0]["price_idr"] = "85000"
    response = client.post("/api/v1/kelola/jatiwaringin/products", json=body, headers=bearer(member))
    assert response.status_code == 422
    assert {"made_to_order", "variants-0-price_idr"} <= set(response.get_json()["error"]["fields"])


def test_a_sku_already_used_in_the_sentra_is_422(client, sentra, member):
    make_product(sentra, variants=[{"sku": "KAOS-M"}])
    response = client.post("/api/v1/kelola/jatiwaringin/products", json=new_product_body(), headers=bearer(member))
    assert response.status_code == 422
    assert "variants-0-sku" in response.get_json()["error"]["fields"]


# --- update --------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(client, sentra, member):
    product = make_product(sentra, title="Lama", description="Tetap", variants=[{"sku": "A-1", "price_idr": 10_000}])
    db.session.commit()
    response = client.patch(f"/api/v1/kelola/jatiwaringin/products/{product.id}", json={"title": "Baru"},
                            headers=bearer(member))
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Baru"
    assert body["description"] == "Tetap"
    assert body["status"] == "active"
    assert [(v["sku"], v["price_idr"]) for v in body["variants"]] == [("A-1", 10_000)]


def test_patch_with_variants_replaces_the_list(client, sentra, member):
    product = make_product(sentra, variants=[{"sku": "A-1", "options": "Warna=Biru", "stock": 5},
                                             {"sku": "A-2", "options": "Warna=Merah"}])
    db.session.commit()
    kept = product.variants[0]
    body = {"variants": [
        {"id": kept.id, "sku": "A-1", "options": {"Warna": "Biru"}, "price_idr": 12_000, "stock": 99},
        {"sku": "A-3", "options": {"Warna": "Hijau"}, "price_idr": 13_000, "stock": 2},
    ]}
    response = client.patch(f"/api/v1/kelola/jatiwaringin/products/{product.id}", json=body, headers=bearer(member))
    assert response.status_code == 200
    variants = {v["sku"]: v for v in response.get_json()["variants"]}
    assert set(variants) == {"A-1", "A-3"}
    assert variants["A-1"]["price_idr"] == 12_000
    assert variants["A-1"]["stock"] == 5  # stock of an existing variant changes only through stock movements
    assert variants["A-3"]["stock"] == 2
    assert db.session.scalar(select(Variant.archived).where(Variant.sku == "A-2")) is True


def test_patch_breaking_a_rule_is_422_and_changes_nothing(client, sentra, member):
    product = make_product(sentra, title="Lama")
    db.session.commit()
    response = client.patch(f"/api/v1/kelola/jatiwaringin/products/{product.id}",
                            json={"title": "Baru", "lead_time_days": -1, "made_to_order": True},
                            headers=bearer(member))
    assert response.status_code == 422
    assert "lead_time_days" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Product, product.id).title == "Lama"


def test_patch_of_another_sentras_product_is_404(client, sentra, member):
    other = make_product(make_sentra("32.75.01.1001"), title="Punya Orang")
    db.session.commit()
    response = client.patch(f"/api/v1/kelola/jatiwaringin/products/{other.id}", json={"title": "Diambil"},
                            headers=bearer(member))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Product, other.id).title == "Punya Orang"


# --- stock ---------------------------------------------------------------------------------------


def test_restock_adds_units_and_records_a_movement(client, sentra, member):
    variant = make_product(sentra, variants=[{"stock": 3}]).variants[0]
    db.session.commit()
    response = client.post(f"/api/v1/kelola/jatiwaringin/variants/{variant.id}/stock",
                           json={"delta": 7, "reason": "restock"}, headers=bearer(member))
    assert response.status_code == 200
    body = response.get_json()
    assert body["stock"] == 10
    assert body["movement"]["reason"] == "restock" and body["movement"]["delta"] == 7
    movement = db.session.scalar(select(StockMovement).order_by(StockMovement.id.desc()))
    assert movement.actor_id == member.id


def test_a_correction_below_zero_is_409_insufficient_stock(client, sentra, member):
    variant = make_product(sentra, variants=[{"stock": 3}]).variants[0]
    db.session.commit()
    response = client.post(f"/api/v1/kelola/jatiwaringin/variants/{variant.id}/stock",
                           json={"delta": -4, "reason": "correction"}, headers=bearer(member))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "insufficient_stock"
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 3


@pytest.mark.parametrize("body", [
    {"delta": 0, "reason": "restock"},
    {"delta": "5", "reason": "restock"},
    {"delta": 5, "reason": "order"},
    {"delta": 5},
    {"delta": 1_000_001, "reason": "restock"},
    {"delta": -1_000_001, "reason": "correction"},
    {"delta": 10**30, "reason": "restock"},
])
def test_a_bad_stock_change_is_422(client, sentra, member, body):
    variant = make_product(sentra).variants[0]
    db.session.commit()
    response = client.post(f"/api/v1/kelola/jatiwaringin/variants/{variant.id}/stock", json=body,
                           headers=bearer(member))
    assert response.status_code == 422


def test_a_stock_change_that_is_not_json_is_400(client, sentra, member):
    variant = make_product(sentra).variants[0]
    db.session.commit()
    response = client.post(f"/api/v1/kelola/jatiwaringin/variants/{variant.id}/stock", data="delta=5",
                           headers=bearer(member))
    assert response.status_code == 400


def test_stock_of_another_sentras_variant_is_404(client, sentra, member):
    other = make_product(make_sentra("32.75.01.1001"), variants=[{"stock": 3}]).variants[0]
    db.session.commit()
    response = client.post(f"/api/v1/kelola/jatiwaringin/variants/{other.id}/stock",
                           json={"delta": 5, "reason": "restock"}, headers=bearer(member))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Variant, other.id).stock == 3


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/products"), ("PATCH", "/products/{product_id}"), ("POST", "/variants/{variant_id}/stock"),
])
def test_member_of_another_sentra_gets_404_on_every_kelola_route(client, sentra, member, method, path):
    other_sentra = make_sentra("32.75.01.1001")
    product = make_product(other_sentra)
    db.session.commit()
    url = "/api/v1/kelola/bekasijaya" + path.format(product_id=product.id, variant_id=product.variants[0].id)
    response = client.open(url, method=method, json={"title": "x", "delta": 1, "reason": "restock"},
                           headers=bearer(member))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
