"""The /search page: results, facet links, chips, sort, pagination, the empty state and bad input."""
from __future__ import annotations

import re
from html import unescape

import pytest

from shop.extensions import db
from tests.factories import make_product, make_sentra

PONDOKGEDE = "32.75.08"
BEKASI_TIMUR = "32.75.01"


def _variant(price: int, stock: int = 5) -> list[dict]:
    return [{"price_idr": price, "stock": stock}]


@pytest.fixture
def shelf():
    pondok = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    timur = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya", subsectors=("kuliner",))
    make_product(pondok, title="Tas Anyaman Bambu", variants=_variant(150_000))
    make_product(pondok, title="Keranjang Anyaman Pandan", variants=_variant(90_000))
    make_product(timur, title="Keripik Tempe Pedas", subsector="kuliner", variants=_variant(15_000))
    make_product(timur, title="Dompet Anyaman Kulit", variants=_variant(60_000, stock=0))
    db.session.commit()
    return pondok, timur


def titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    grid = html.split('class="grid product-grid"', 1)[1] if 'class="grid product-grid"' in html else ""
    return [unescape(t) for t in re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", grid.split("</section>")[0])]


def links(response, marker: str) -> dict[str, str]:
    """Link text (without counts) -> href of the anchors after ``marker`` in the page."""
    html = response.get_data(as_text=True)
    found = {}
    for href, body in re.findall(r"<a href=\"([^\"]+)\"[^>]*>(.*?)</a>", html.split(marker, 1)[1], re.S):
        label = re.sub(r"<span class=\"facet-count\">\d+</span>", "", body)
        found[unescape(re.sub(r"<[^>]+>", "", label)).strip()] = unescape(href)
    return found


def chip_links(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return {
        re.sub(r"\s*×.*", "", unescape(text), flags=re.S).strip(): unescape(href)
        for href, text in re.findall(r'<a class="chip" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


def test_a_text_query_shows_matching_products_and_their_count(client, shelf):
    response = client.get("/search?q=anyaman")
    assert response.status_code == 200
    assert set(titles(response)) == {"Tas Anyaman Bambu", "Keranjang Anyaman Pandan", "Dompet Anyaman Kulit"}
    assert 'data-suggest' in response.get_data(as_text=True)


def test_the_page_title_carries_the_query(client, shelf):
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/search?q=anyaman").get_data(as_text=True)
    assert re.search(r"<title>[^<]*anyaman", html)


def test_the_query_is_escaped_everywhere(client, shelf):
    html = client.get("/search", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_a_facet_link_narrows_the_results(client, shelf):
    first = client.get("/search?q=anyaman")
    kecamatan = links(first, 'data-facet="kecamatan"')
    narrowed = client.get(kecamatan["Pondokgede"])
    assert set(titles(narrowed)) == {"Tas Anyaman Bambu", "Keranjang Anyaman Pandan"}
    assert "q=anyaman" in kecamatan["Pondokgede"]


def test_facet_links_show_counts(client, shelf):
    html = client.get("/search?q=anyaman").get_data(as_text=True)
    facet = html.split('data-facet="sentra"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r"Sentra Kreatif Jatiwaringin <span class=\"facet-count\">2</span>", facet)
    assert re.search(r"Sentra Bekasi Jaya <span class=\"facet-count\">1</span>", facet)


def test_a_chip_removes_its_filter_and_keeps_the_rest(client, shelf):
    response = client.get(f"/search?q=anyaman&kecamatan={PONDOKGEDE}&in_stock=1")
    assert set(titles(response)) == {"Tas Anyaman Bambu", "Keranjang Anyaman Pandan"}
    chips = chip_links(response)
    assert len(chips) == 2
    without_kecamatan = next(url for label, url in chips.items() if "Pondokgede" in label)
    assert "kecamatan" not in without_kecamatan and "in_stock=1" in without_kecamatan and "q=anyaman" in without_kecamatan
    assert set(titles(client.get(without_kecamatan))) == {"Tas Anyaman Bambu", "Keranjang Anyaman Pandan"}
    without_stock = next(url for label, url in chips.items() if "Pondokgede" not in label)
    assert set(titles(client.get(without_stock))) == {"Tas Anyaman Bambu", "Keranjang Anyaman Pandan"}
    assert "in_stock" not in without_stock


def test_price_range_and_in_stock_filter_the_results(client, shelf):
    response = client.get("/search?q=anyaman&min_price=50000&max_price=100000")
    assert set(titles(response)) == {"Keranjang Anyaman Pandan", "Dompet Anyaman Kulit"}
    assert titles(client.get("/search?q=anyaman&min_price=50000&max_price=100000&in_stock=1")) == [
        "Keranjang Anyaman Pandan"]


def test_sort_by_price_orders_the_results(client, shelf):
    assert titles(client.get("/search?q=anyaman&sort=price_asc")) == [
        "Dompet Anyaman Kulit", "Keranjang Anyaman Pandan", "Tas Anyaman Bambu"]
    assert titles(client.get("/search?q=anyaman&sort=price_desc")) == [
        "Tas Anyaman Bambu", "Keranjang Anyaman Pandan", "Dompet Anyaman Kulit"]


def test_the_sort_select_marks_the_chosen_order(client, shelf):
    html = client.get("/search?q=anyaman&sort=newest").get_data(as_text=True)
    assert re.search(r'<option value="newest" selected>', html)


def test_pagination_keeps_every_parameter(client, shelf):
    response = client.get(f"/search?q=anyaman&kecamatan={PONDOKGEDE}&sort=price_asc&per_page=1")
    assert titles(response) == ["Keranjang Anyaman Pandan"]
    html = response.get_data(as_text=True)
    next_url = unescape(re.search(r'<a rel="next" href="([^"]+)"', html).group(1))
    for part in ("q=anyaman", f"kecamatan={PONDOKGEDE}", "sort=price_asc", "per_page=1", "page=2"):
        assert part in next_url
    assert titles(client.get(next_url)) == ["Tas Anyaman Bambu"]


def test_an_empty_result_shows_the_suggestion_and_popular_products(client, shelf):
    client.post("/bahasa", data={"lang": "en"})
    response = client.get(f"/search?q=keranjnag&kecamatan={BEKASI_TIMUR}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No products match" in html
    link = unescape(re.search(r'class="did-you-mean">Did you mean: <a href="([^"]+)">keranjang</a>', html).group(1))
    assert "q=keranjang" in link and f"kecamatan={BEKASI_TIMUR}" in link
    popular = html.split("Popular products", 1)[1]
    assert "Keripik Tempe Pedas" in popular  # newest in-stock products instead of a blank page
    assert "Dompet Anyaman Kulit" not in popular  # out of stock


def test_nothing_found_without_a_suggestion_still_shows_popular_products(client, shelf):
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/search?q=zzqxw").get_data(as_text=True)
    assert "No products match" in html
    assert "Did you mean" not in html
    assert "Tas Anyaman Bambu" in html.split("Popular products", 1)[1]


def test_a_misspelt_query_offers_did_you_mean(client, shelf):
    client.post("/bahasa", data={"lang": "en"})
    html = client.get("/search?q=keranjnag").get_data(as_text=True)
    match = re.search(r'class="did-you-mean">Did you mean: <a href="([^"]+)">([^<]+)</a>', html)
    assert match, "no suggestion shown"
    assert "keranjang" in match.group(2).lower()


def test_unknown_filter_values_are_dropped_with_a_message(client, shelf):
    client.post("/bahasa", data={"lang": "en"})
    response = client.get("/search?q=anyaman&subsector=nope&kecamatan=99.99&sentra=nowhere&sort=sideways")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "could not be understood" in html
    assert len(titles(response)) == 3


@pytest.mark.parametrize("query_string", [
    "page=-1", "page=abc", "per_page=100000", "per_page=0", "min_price=abc", "max_price=1e9",
    "min_price=99999999999999999999999", "in_stock=maybe", "made_to_order=perhaps",
    "min_price=100000&max_price=10", "page=99999999999999999999",
])
def test_bad_parameters_give_a_friendly_page(client, shelf, query_string):
    response = client.get(f"/search?q=anyaman&{query_string}")
    assert response.status_code == 200
    assert "search-problems" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", [
    "a" * 500, "!!!???...", '"', '"anyaman', "*", "anyaman*", "NEAR", "anyaman NEAR tas", "NEAR(anyaman tas)",
    "-", "-anyaman", ":", "title:anyaman", "'; DROP TABLE product; --", "1' OR '1'='1", "anyaman) OR (1=1",
    "%", "_", "\\", "\x00", "AND OR NOT", "^anyaman", "{tas}", "anyaman + tas",
])
def test_awkward_text_never_breaks_the_page(client, shelf, text):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200


def test_rupiah_with_thousand_separators_is_understood(client, shelf):
    response = client.get("/search?q=anyaman&max_price=Rp100.000")
    assert set(titles(response)) == {"Keranjang Anyaman Pandan", "Dompet Anyaman Kulit"}


def test_the_page_without_a_query_browses_everything(client, shelf):
    response = client.get("/search")
    assert response.status_code == 200
    assert len(titles(response)) == 4


def test_an_empty_marketplace_shows_an_empty_state(client):
    response = client.get("/search?q=anything")
    assert response.status_code == 200
    assert 'class="empty search-empty"' in response.get_data(as_text=True)


@pytest.mark.parametrize("args", [
    {},
    {"q": "kaos sablon"},
    {"q": "kue & \"lapis\" 100% / enak?", "subsector": ["kuliner", "kriya"], "in_stock": 1},
    {"q": "café ñ 漢字", "kecamatan": ["32.75.08"], "min_price": 5000, "sort": "price_asc", "page": 2},
    {"sentra": ["jati-waringin"], "made_to_order": 0, "per_page": 40},
])
def test_facet_and_chip_links_are_the_urls_url_for_builds(app, args):
    from flask import url_for

    from catalog.search.views import _search_url
    with app.test_request_context("/search"):
        assert _search_url(url_for("search.results"), args) == url_for("search.results", **args)


def _matching_sentras(client, text: str) -> list[str]:
    html = client.get(f"/search?q={text}").get_data(as_text=True)
    nav = html.split('class="sentra-matches"', 1)[1].split("</nav>", 1)[0] if 'class="sentra-matches"' in html else ""
    return [unescape(name) for name in re.findall(r"<strong>([^<]+)</strong>", nav)]


def test_sentras_holding_the_text_by_name_or_place_show_above_the_products_as_named_now(client, shelf):
    pondok, timur = shelf
    assert _matching_sentras(client, "kreatif") == ["Sentra Kreatif Jatiwaringin"]
    assert _matching_sentras(client, "bekasijaya") == ["Sentra Bekasi Jaya"]  # by its kelurahan
    assert _matching_sentras(client, "anyaman") == []
    timur.name = "Sentra Kreatif Timur"
    db.session.commit()
    assert _matching_sentras(client, "kreatif") == ["Sentra Kreatif Timur", "Sentra Kreatif Jatiwaringin"]
    timur.status = "suspended"
    db.session.commit()
    assert _matching_sentras(client, "kreatif") == ["Sentra Kreatif Jatiwaringin"]


def test_facet_labels_are_the_names_as_they_are_now_whatever_they_hold(client, shelf):
    _, timur = shelf
    timur.name = 'Sentra "Bekasi" Jaya & Ömer\\'
    db.session.commit()
    response = client.get("/search?q=anyaman")
    assert 'Sentra "Bekasi" Jaya & Ömer\\' in links(response, 'data-facet="sentra"')
    assert {"Pondokgede", "Bekasi Timur"} <= set(links(response, 'data-facet="kecamatan"'))
    assert "Kriya" in links(response, 'data-facet="subsector"')
