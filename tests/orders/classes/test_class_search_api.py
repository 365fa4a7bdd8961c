"""GET /api/v1/search finds classes as the /search page does, in the shape of GET /api/v1/classes."""
from __future__ import annotations

from tests.factories import make_product, make_sentra
from tests.orders.classes.helpers import make_class


def test_the_search_api_lists_classes_whose_title_holds_the_text_as_the_classes_list_does(client):
    sentra = make_sentra()
    make_class(sentra, title="Kelas Anyaman Bambu", price_idr=25_000)
    make_class(sentra, title="Kelas Sablon Kaos")
    make_product(sentra, title="Tas Anyaman Pandan")
    answer = client.get("/api/v1/search?q=anyaman").get_json()
    listed = client.get("/api/v1/classes").get_json()["items"]
    assert [c["title"] for c in answer["classes"]] == ["Kelas Anyaman Bambu"]
    assert answer["classes"] == [item for item in listed if item["title"] == "Kelas Anyaman Bambu"]
    assert set(answer) == {"hits", "total", "page", "per_page", "facets", "suggestion", "classes"}
    assert [hit["title"] for hit in answer["hits"]] == ["Tas Anyaman Pandan"]


def test_no_matching_class_no_text_or_a_later_page_gives_an_empty_list(client):
    make_class(make_sentra(), title="Kelas Anyaman Bambu")
    assert client.get("/api/v1/search?q=batik").get_json()["classes"] == []
    assert client.get("/api/v1/search").get_json()["classes"] == []
    assert client.get("/api/v1/search?q=anyaman&page=2").get_json()["classes"] == []


def test_the_openapi_document_declares_the_classes_of_a_search(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["paths"]["/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    classes = schema["properties"]["classes"]
    assert classes["type"] == "array" and "classes" not in schema.get("required", [])
    item = document["components"]["schemas"][classes["items"]["$ref"].rsplit("/", 1)[1]]
    assert {"id", "sentra", "title", "sessions", "capacity", "seats_left", "price_idr", "audience"} <= set(item["required"])


def test_the_classes_of_a_search_cost_the_same_statements_however_many_match(client):
    from tests.queries import count_queries

    sentra = make_sentra()
    make_class(sentra, title="Kelas Anyaman Satu")
    client.get("/api/v1/search?q=anyaman")
    with count_queries() as one:
        assert len(client.get("/api/v1/search?q=anyaman").get_json()["classes"]) == 1
    for n in range(4):
        make_class(sentra, title=f"Kelas Anyaman {n}", days=(4 + n,))
    with count_queries() as five:
        assert len(client.get("/api/v1/search?q=anyaman").get_json()["classes"]) == 5
    assert len(five) == len(one)
