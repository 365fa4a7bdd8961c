"""The office's /admin/potensi (map, table, CSV, per kelurahan) and the sentra's /kelola/<slug>/peluang."""
from __future__ import annotations

import csv
import io
import re

import pytest

from shop.extensions import db
from tests.factories import make_user
from tests.orders.potential.conftest import roll_up
from tests.orders.potential.helpers import KEL_A, KEL_C

PASSWORD = "correct-horse-battery"


@pytest.fixture
def office(client, auth, world):
    auth.login("admin@potensi.test")
    return client


def test_the_map_shades_the_kelurahan_with_unmet_demand(office, world):
    page = office.get("/admin/potensi").get_data(as_text=True)
    assert page.count('class="kel"') == 56
    cell = re.search(r'<g class="kel" data-code="32\.75\.08\.1001"><title>([^<]*)</title><path class="kel-cell shade-(\d)',
                     page)
    assert cell and cell.group(2) == "5" and cell.group(1).endswith(" 5")  # the only kelurahan with an unmet term
    assert "tenun ikat" in page and "wayang kulit" not in page


def test_a_subsector_shades_the_gap_between_demand_and_local_supply(office, world):
    page = office.get("/admin/potensi?subsektor=kriya").get_data(as_text=True)
    assert re.search(r'data-code="32\.75\.08\.1001"><title>[^<]*</title><path class="kel-cell shade-5', page)
    assert re.search(r'data-code="32\.75\.01\.1001"><title>[^<]*</title><path class="kel-cell shade-0', page)


def test_the_csv_has_the_table_and_hides_terms_below_the_threshold(office, world):
    response = office.get("/admin/potensi.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 57 and rows[-1]["code"] == "32.75"
    a = next(row for row in rows if row["code"] == KEL_A)
    assert (a["searches"], a["searchers"], a["orders_by_residents_elsewhere"], a["unmet"]) == (
        "9", "5", "1", "tenun ikat (5)")
    assert "wayang" not in response.get_data(as_text=True)


def test_a_kelurahan_page_shows_its_figures_and_what_residents_buy_elsewhere(office, world):
    page = office.get(f"/admin/potensi/{KEL_A}").get_data(as_text=True)
    assert "tenun ikat" in page and "Tas Anyaman" in page and "wayang" not in page
    assert office.get("/admin/potensi/32.75.99.9999").status_code == 404


@pytest.mark.parametrize("url", ["/admin/potensi?from=2025-13-01", "/admin/potensi.csv?from=2025-03-10&to=2025-03-01",
                                 f"/admin/potensi/{KEL_A}?from=x"])
def test_a_bad_period_is_a_400_on_every_office_page(office, world, url):
    assert office.get(url).status_code == 400


def test_only_the_office_sees_the_map(client, auth, world):
    auth.login("anggota@potensi.test")
    for url in ("/admin/potensi", "/admin/potensi.csv", f"/admin/potensi/{KEL_A}"):
        assert client.get(url).status_code in (403, 404)


def test_a_member_sees_the_opportunities_with_buttons_that_start_a_draft(client, auth, world):
    auth.login("anggota@potensi.test")
    page = client.get(f"/kelola/{world['a'].slug}/peluang").get_data(as_text=True)
    assert "tenun ikat" in page and "Tas Anyaman" in page and "wayang" not in page
    link = f"/kelola/{world['a'].slug}/produk/baru?judul=tenun+ikat"
    assert f'href="{link}"' in page
    form = client.get(link).get_data(as_text=True)
    assert re.search(r'name="title"[^>]*value="tenun ikat"', form)


def test_another_sentras_opportunities_page_is_a_404(client, auth, world):
    auth.login("lain@potensi.test")
    assert client.get(f"/kelola/{world['a'].slug}/peluang").status_code == 404


def test_a_sentra_with_nothing_yet_sees_empty_states(client, auth, world):
    auth.login("lain@potensi.test")
    page = client.get(f"/kelola/{world['c'].slug}/peluang").get_data(as_text=True)
    assert page.count('class="empty"') == 3


def test_the_profile_offers_where_you_live(client, auth, app):
    user = make_user("profil@potensi.test")
    db.session.commit()
    auth.login("profil@potensi.test")
    page = client.get("/akun").get_data(as_text=True)
    assert "Tempat tinggal" in page
    response = client.post("/akun", data={"name": "Sari", "phone": "", "notify_channel": "email",
                                          "kelurahan_code": KEL_C})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).kelurahan_code == KEL_C
    client.post("/akun", data={"name": "Sari", "phone": "", "notify_channel": "email", "kelurahan_code": ""})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).kelurahan_code is None
    assert client.post("/akun", data={"name": "Sari", "phone": "", "notify_channel": "email",
                                      "kelurahan_code": "99"}).status_code == 400


def test_the_office_pages_make_as_many_queries_with_more_data(office, world):
    from tests.orders.potential.conftest import YESTERDAY
    from tests.orders.potential.helpers import log
    from tests.queries import count_queries

    urls = ("/admin/potensi", "/admin/potensi?subsektor=kriya", f"/admin/potensi/{KEL_A}", "/admin/potensi.csv")

    def statements() -> list[int]:
        out = []
        for url in urls:
            office.get(url)
            with count_queries() as seen:
                assert office.get(url).status_code == 200
            out.append(len(seen))
        return out

    before = statements()
    for n in range(30):
        log(YESTERDAY, f"kata {n}", f"p{n % 7}", (KEL_A, KEL_C, "32.75.01.1002")[n % 3])
    for who in ("t1", "t2", "t3", "t4", "t5"):
        log(YESTERDAY, "kain songket", who, KEL_C)
    db.session.commit()
    roll_up()
    assert statements() == before
