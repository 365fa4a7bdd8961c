"""GET /api/v1/search and /api/v1/search/suggest: the documented shape, and 400s for bad parameters."""
from __future__ import annotations

import pytest

from shop.extensions import db
from tests.factories import make_product, make_sentra

PONDOKGEDE = "32.75.08"


@pytest.fixture
def shelf():
    pondok = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    timur = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya", subsectors=("kuliner",))
    tas = make_product(pondok, title="Tas Anyaman Bambu", variants=[
        {"sku": "TAS-S", "price_idr": 120_000, "stock": 3, "options": "Ukuran=S"},
        {"sku": "TAS-L", "price_idr": 150_000, "stock": 0, "options": "Ukuran=L"},
    ])
    make_product(timur, title="Keripik Tempe Anyaman", subsector="kuliner", variants=[{"price_idr": 15_000, "stock": 9}])
    db.session.commit()
    return pondok, timur, tas


def test_search_returns_the_documented_shape(client, shelf):
    pondok, _, tas = shelf
    body = client.get("/api/v1/search?q=tas+anyaman").get_json()
    # DESIGN.md's fields, and the optional classes a search finds (issue 19)
    assert set(body) == {"hits", "total", "page", "per_page", "facets", "suggestion", "classes"}
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    hit = body["hits"][0]
    assert set(hit) == {
        "id", "title", "url", "sentra", "kelurahan", "kecamatan", "subsector", "price_min_idr",
        "price_max_idr", "in_stock", "made_to_order", "thumbnail_url",
    }
    assert hit["id"] == tas.id and hit["title"] == "Tas Anyaman Bambu"
    assert hit["url"].endswith(f"/p/{tas.id}-{tas.slug}")
    assert hit["sentra"] == {"slug": pondok.slug, "name": "Sentra Kreatif Jatiwaringin"}
    assert hit["kelurahan"]["code"] == "32.75.08.1001" and hit["kelurahan"]["name"]
    assert hit["kecamatan"] == {"code": PONDOKGEDE, "name": "Pondokgede"}
    assert (hit["price_min_idr"], hit["price_max_idr"]) == (120_000, 150_000)
    assert hit["in_stock"] is True and hit["made_to_order"] is False
    assert hit["thumbnail_url"] is None


def test_facets_map_each_name_to_value_label_count(client, shelf):
    facets = client.get("/api/v1/search?q=anyaman").get_json()["facets"]
    assert set(facets) == {"subsector", "kecamatan", "sentra"}
    assert {"value": "kuliner", "label": "Kuliner", "count": 1} in facets["subsector"]
    assert {"value": PONDOKGEDE, "label": "Pondokgede", "count": 1} in facets["kecamatan"]
    assert {f["value"]: f["count"] for f in facets["sentra"]} == {"jatiwaringin": 1, "bekasijaya": 1}


def test_filters_are_repeatable_and_widen_within_one_filter(client, shelf):
    one = client.get("/api/v1/search?q=anyaman&sentra=jatiwaringin").get_json()
    both = client.get("/api/v1/search?q=anyaman&sentra=jatiwaringin&sentra=bekasijaya").get_json()
    assert one["total"] == 1 and both["total"] == 2


def test_price_and_stock_filters_apply(client, shelf):
    assert client.get("/api/v1/search?max_price=20000").get_json()["total"] == 1
    assert client.get("/api/v1/search?min_price=100000&in_stock=true").get_json()["total"] == 1
    assert client.get("/api/v1/search?made_to_order=true").get_json()["total"] == 0


def test_a_misspelt_query_carries_a_suggestion(client, shelf):
    assert client.get("/api/v1/search?q=anyamn").get_json()["suggestion"] == "anyaman"


def test_pages_are_stable_and_sized(client, shelf):
    first = client.get("/api/v1/search?q=anyaman&per_page=1&sort=price_asc").get_json()
    second = client.get("/api/v1/search?q=anyaman&per_page=1&page=2&sort=price_asc").get_json()
    assert (first["total"], first["per_page"], second["page"]) == (2, 1, 2)
    assert [first["hits"][0]["title"], second["hits"][0]["title"]] == ["Keripik Tempe Anyaman", "Tas Anyaman Bambu"]


@pytest.mark.parametrize(("query_string", "field"), [
    ("page=-1", "page"),
    ("page=0", "page"),
    ("per_page=100000", "per_page"),
    ("per_page=abc", "per_page"),
    ("min_price=abc", "min_price"),
    ("max_price=-5", "max_price"),
    ("min_price=100&max_price=10", "max_price"),
    ("sort=sideways", "sort"),
    ("subsector=nope", "subsector"),
    ("kecamatan=99.99", "kecamatan"),
    ("kelurahan=32.75.08.9999", "kelurahan"),
    ("sentra=nowhere", "sentra"),
    ("in_stock=maybe", "in_stock"),
])
def test_bad_parameters_are_a_400_in_the_error_shape(client, shelf, query_string, field):
    response = client.get(f"/api/v1/search?{query_string}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["message"]
    assert field in error["fields"]


@pytest.mark.parametrize("text", ["a" * 500, "!!!", '"', "*", "NEAR", "-", ":", "'; DROP TABLE product; --"])
def test_awkward_text_is_searched_not_refused(client, shelf, text):
    response = client.get("/api/v1/search", query_string={"q": text})
    assert response.status_code == 200
    assert "hits" in response.get_json()


def test_a_suspended_sentra_is_an_unknown_filter(client, shelf):
    closed = make_sentra("32.75.02.1001", name="Sentra Tutup", status="suspended")
    db.session.commit()
    assert client.get(f"/api/v1/search?sentra={closed.slug}").status_code == 400


def test_suggest_returns_products_and_sentras_as_type_label_url(client, shelf):
    for i in range(12):
        make_product(shelf[0], title=f"Kerajinan Jati {i}")
    db.session.commit()
    items = client.get("/api/v1/search/suggest?q=jati").get_json()["items"]
    assert 0 < len(items) < 10
    assert {item["type"] for item in items} == {"product", "sentra"}
    assert all(set(item) == {"type", "label", "url", "sentra_name", "thumbnail_url"}
               for item in items if item["type"] == "product")
    sentra = next(item for item in items if item["type"] == "sentra")
    assert sentra == {"type": "sentra", "label": "Sentra Kreatif Jatiwaringin", "url": "/sentra/jatiwaringin"}
    product = next(item for item in items if item["type"] == "product")
    assert product["url"].startswith("/p/") and product["label"].startswith("Kerajinan Jati")
    assert (product["sentra_name"], product["thumbnail_url"]) == ("Sentra Kreatif Jatiwaringin", None)


def test_a_product_suggestion_carries_its_thumbnail(client, shelf):
    from catalog.images import add_photo
    from tests.factories import png_bytes
    product = make_product(shelf[0], title="Lampion Bambu")
    add_photo(product, png_bytes(400, 400))
    db.session.commit()
    (item,) = client.get("/api/v1/search/suggest?q=lampion").get_json()["items"]
    assert item["thumbnail_url"].endswith(product.images[0].thumb_320_key)
    assert client.get(item["thumbnail_url"]).status_code == 200


def test_suggest_with_no_text_is_empty(client, shelf):
    assert client.get("/api/v1/search/suggest?q=").get_json() == {"items": []}
    assert client.get("/api/v1/search/suggest").get_json() == {"items": []}


@pytest.mark.parametrize("text", ["x" * 500, '"*:-', "NEAR(", "'; --"])
def test_suggest_never_fails_on_awkward_text(client, shelf, text):
    assert client.get("/api/v1/search/suggest", query_string={"q": text}).status_code == 200


def test_both_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    names = {p["name"] for p in paths["/search"]["get"]["parameters"]}
    assert names == {"q", "subsector", "kecamatan", "kelurahan", "sentra", "min_price", "max_price",
                     "in_stock", "made_to_order", "sort", "page", "per_page"}
    assert "/search/suggest" in paths
