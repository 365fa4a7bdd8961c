"""The potential map's shared scenario: yesterday's searches and an order (for the API and the pages)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from orders.potential.rollup import refresh_orders, roll_up_searches
from orders.potential.stale import wib_day
from shop.extensions import db
from tests.factories import add_member, make_product, make_sentra, make_user
from tests.orders.potential.helpers import KEL_A, KEL_C, log, place_order, wib

TODAY = wib_day(None)
YESTERDAY = TODAY - timedelta(days=1)


def roll_up() -> None:
    while roll_up_searches():
        db.session.commit()
    while refresh_orders():
        db.session.commit()
    db.session.commit()


@pytest.fixture
def world(app):
    """Yesterday in A: "tenun ikat" found nothing for 5 people, "wayang kulit" for 4; a resident of A
    bought "Tas Anyaman" at C's sentra."""
    for who in ("s1", "s2", "s3", "s4", "s5"):
        log(YESTERDAY, "tenun ikat", who, KEL_A)
    for who in ("s1", "s2", "s3", "s4"):
        log(YESTERDAY, "wayang kulit", who, KEL_A)
    admin = make_user("admin@potensi.test", admin=True)
    member = make_user("anggota@potensi.test")
    other = make_user("lain@potensi.test")
    resident = make_user("warga@potensi.test")
    resident.kelurahan_code = KEL_A
    a, c = make_sentra(KEL_A), make_sentra(KEL_C)
    add_member(a, member)
    add_member(c, other)
    bag = make_product(c, title="Tas Anyaman", subsector="kriya")
    yesterday_noon = wib(YESTERDAY.year, YESTERDAY.month, YESTERDAY.day, 12)
    place_order(c, resident, yesterday_noon, [(bag, "Tas Anyaman")])
    db.session.commit()
    roll_up()
    return {"admin": admin, "member": member, "other": other, "a": a, "c": c}


