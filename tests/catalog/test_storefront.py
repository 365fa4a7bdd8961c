"""Public pages: home, the sentra directory and storefronts."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.sentras.models import SentraStatus
from tests.factories import add_member, make_sentra, make_user


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_directory_lists_all_56_demo_sentras_grouped_in_12_kecamatan(client):
    seed_demo()
    db.session.commit()
    html = client.get("/sentra").get_data(as_text=True)
    assert html.count('class="card sentra-card"') == 56
    assert html.count('class="kecamatan-group"') == 12


def test_directory_filters_by_subsector(client):
    make_sentra("32.75.08.1001", subsectors=("kuliner",))
    make_sentra("32.75.01.1001", subsectors=("fesyen",))
    db.session.commit()
    html = client.get("/sentra?subsector=kuliner").get_data(as_text=True)
    assert "jatiwaringin" in html
    assert "/sentra/bekasijaya" not in html


def test_directory_finds_a_kelurahan_by_its_spaced_alias(client):
    make_sentra("32.75.01.1001")  # Bekasijaya, alias "Bekasi Jaya"
    make_sentra("32.75.08.1001")  # Jatiwaringin
    db.session.commit()
    html = client.get("/sentra?q=Bekasi+Jaya").get_data(as_text=True)
    assert "/sentra/bekasijaya" in html
    assert "/sentra/jatiwaringin" not in html


def test_directory_with_an_unknown_subsector_shows_everything(client):
    make_sentra()
    db.session.commit()
    response = client.get("/sentra?subsector=%3Cscript%3E")
    assert response.status_code == 200
    assert "/sentra/jatiwaringin" in response.get_data(as_text=True)


def test_directory_without_matches_has_an_empty_state(client):
    response = client.get("/sentra?q=tidak-ada-apa-apa")
    assert response.status_code == 200
    assert 'class="empty"' in response.get_data(as_text=True)


def test_storefront_shows_story_place_members_and_whatsapp_link(client):
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, make_user())
    db.session.commit()
    html = client.get("/sentra/jatiwaringin").get_data(as_text=True)
    assert sentra.name in html
    assert "Jatiwaringin" in html and "Pondokgede" in html
    assert "https://wa.me/6281234567890" in html
    assert "2" in html.split("<dt>")[1]  # two members: the owner and one more


def test_only_active_sentras_have_a_public_storefront(client):
    for code, status in (("32.75.08.1001", SentraStatus.PENDING), ("32.75.01.1001", SentraStatus.SUSPENDED)):
        make_sentra(code, status=status)
    db.session.commit()
    assert client.get("/sentra/jatiwaringin").status_code == 404
    assert client.get("/sentra/bekasijaya").status_code == 404
    assert "jatiwaringin" not in client.get("/sentra").get_data(as_text=True)


def test_home_shows_featured_sentras_and_a_search_box(client):
    make_sentra()
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "/sentra/jatiwaringin" in html
    assert 'type="search"' in html


def test_home_without_sentras_has_an_empty_state(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="empty"' in html


def test_public_pages_make_a_bounded_number_of_queries(client):
    seed_demo()
    db.session.commit()
    for url in ("/", "/sentra", "/sentra?subsector=kriya", "/sentra/jatiwaringin"):
        client.get(url)  # warm caches that are per process, not per request
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= 6, f"{url} made {len(statements)} queries"
