"""The audit log: each office action writes one event in its own transaction; /admin/audit shows them."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.audit.services import record
from shop.extensions import db
from shop.sentras.models import Role
from tests.catalog.reviews_helpers import delivered_order, review_of
from tests.factories import (
    add_member,
    make_checkout,
    make_partner,
    make_product,
    make_sentra,
    make_user,
)


@pytest.fixture
def office(app):
    user = make_user("kantor@example.test", name="Staf Kantor", admin=True)
    db.session.commit()
    return user


@pytest.fixture
def logged_in_office(client, auth, office):
    auth.login(office.email)
    client.post("/bahasa", data={"lang": "en"})
    return office


def _events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _only_event(action: str) -> AuditEvent:
    events = _events()
    assert [e.action for e in events] == [action]
    return events[0]


# --- each wired action writes exactly one event -------------------------------------------------------


def test_approving_a_sentra_writes_one_event(client, logged_in_office):
    sentra = make_sentra(status="pending")
    db.session.commit()
    assert client.post(f"/admin/sentra/{sentra.id}/setujui").status_code == 302
    event = _only_event("sentra.approve")
    assert (event.actor_id, event.target_type, event.target_id) == (logged_in_office.id, "sentra", str(sentra.id))
    assert sentra.name in event.summary


def test_a_refused_approval_writes_no_event(client, logged_in_office):
    sentra = make_sentra(status="active")
    db.session.commit()
    assert client.post(f"/admin/sentra/{sentra.id}/setujui").status_code == 409
    assert _events() == []


def test_suspending_a_sentra_records_the_reason(client, logged_in_office):
    sentra = make_sentra()
    db.session.commit()
    client.post(f"/admin/sentra/{sentra.id}/bekukan", data={"reason": "Produk palsu"})
    event = _only_event("sentra.suspend")
    assert event.details == {"reason": "Produk palsu"} and "Produk palsu" in event.summary


def test_verifying_a_partner_writes_one_event(client, logged_in_office):
    partner = make_partner(status="pending")
    db.session.commit()
    assert client.post(f"/admin/mitra/{partner.id}/verifikasi").status_code == 302
    event = _only_event("partner.verify")
    assert (event.actor_id, event.target_type, event.target_id) == (logged_in_office.id, "partner", str(partner.id))


def test_hiding_a_review_writes_one_event(client, logged_in_office):
    sentra = make_sentra()
    product = make_product(sentra)
    review = review_of(delivered_order(make_user(), product.variants[0]), 1, "Jelek sekali")
    assert client.post(f"/admin/ulasan/{review.id}/sembunyikan", data={"reason": "Kata kasar"}).status_code == 302
    event = _only_event("review.hide")
    assert (event.actor_id, event.target_type, event.target_id) == (logged_in_office.id, "review", str(review.id))
    assert client.post(f"/admin/ulasan/{review.id}/tampilkan").status_code == 302
    assert [e.action for e in _events()] == ["review.hide", "review.show"]


def test_confirming_a_transfer_writes_one_event_and_a_repeat_none(client, logged_in_office):
    sentra = make_sentra()
    variant = make_product(sentra, variants=[{"price_idr": 40_000}]).variants[0]
    payment = make_checkout(make_user(), [(variant, 1)], method="bank_transfer").payment
    url = f"/admin/pembayaran/{payment.id}/konfirmasi"
    assert client.post(url, data={"note": "BCA baris 7"}).status_code == 303
    assert client.post(url, data={"note": "lagi"}).status_code == 303  # confirmed already: nothing changes
    event = _only_event("payment.confirm")
    assert (event.actor_id, event.target_type, event.target_id) == (logged_in_office.id, "payment", str(payment.id))


def test_a_role_change_by_the_owner_is_logged_with_the_owner_as_actor(client, auth, app):
    owner = make_user(name="Pemilik")
    sentra = make_sentra(owner=owner)
    member = make_user("anggota@example.test")
    membership = add_member(sentra, member, Role.MEMBER)
    db.session.commit()
    auth.login(owner.email)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/peran",
                       data={"role": "manager"}).status_code == 302
    event = _only_event("member.role")
    assert (event.actor_id, event.target_type, event.target_id) == (owner.id, "sentra", str(sentra.id))
    assert event.details == {"user_id": member.id, "role": "manager"}


def test_a_pkp_change_replaces_the_log_line_with_an_event(client, logged_in_office):
    sentra = make_sentra()
    db.session.commit()
    response = client.post(f"/admin/sentra/{sentra.id}/pajak", data={"npwp": "01.234.567.8-901.000", "is_pkp": "y"})
    assert response.status_code in (302, 303)
    event = _only_event("sentra.tax")
    assert (event.actor_id, event.target_id) == (logged_in_office.id, str(sentra.id))
    assert event.details == {"is_pkp": True, "was_pkp": False, "has_npwp": True}


def test_create_admin_records_the_flag_once(runner, app):
    make_user("baru@example.test")
    db.session.commit()
    for _ in range(2):
        assert runner.invoke(args=["create-admin", "baru@example.test"]).exit_code == 0
    event = _only_event("user.admin")
    assert event.actor_id is None and "baru@example.test" in event.summary


# --- the page ----------------------------------------------------------------------------------------


def _seed_log(office):
    """Three events on different WIB days: 1 Mar (a sentra), 2 Mar (a partner), 3 Mar (a review)."""
    sentra = make_sentra()
    rows = [
        ("sentra.approve", "sentra", sentra.id, datetime(2025, 2, 28, 17, 30, tzinfo=UTC)),  # 1 Mar 00:30 WIB
        ("partner.verify", "partner", 7, datetime(2025, 3, 2, 10, 0, tzinfo=UTC)),
        ("review.hide", "review", 9, datetime(2025, 3, 3, 16, 59, tzinfo=UTC)),  # 3 Mar 23:59 WIB
    ]
    for action, target_type, target_id, when in rows:
        record(office, action, target_type, target_id, f"{action} of {target_type} {target_id}").created_at = when
    db.session.commit()
    return sentra


def _actions(page: str) -> list[str]:
    return re.findall(r'<tr data-action="([^"]+)"', page)


def test_the_page_lists_newest_first_with_who_and_a_link_to_the_target(client, logged_in_office):
    sentra = _seed_log(logged_in_office)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert _actions(page) == ["review.hide", "partner.verify", "sentra.approve"]
    assert "Staf Kantor" in page and "kantor@example.test" in page
    assert f'href="/admin/sentra/{sentra.id}"' in page


def test_the_page_filters_by_action_prefix(client, logged_in_office):
    _seed_log(logged_in_office)
    assert _actions(client.get("/admin/audit?action=partner").get_data(as_text=True)) == ["partner.verify"]
    assert _actions(client.get("/admin/audit?action=sentra.approve").get_data(as_text=True)) == ["sentra.approve"]
    assert _actions(client.get("/admin/audit?action=payout").get_data(as_text=True)) == []


def test_the_page_filters_by_wib_days_both_inclusive(client, logged_in_office):
    _seed_log(logged_in_office)
    page = client.get("/admin/audit?from=2025-03-01&to=2025-03-01").get_data(as_text=True)
    assert _actions(page) == ["sentra.approve"]
    page = client.get("/admin/audit?from=2025-03-02&to=2025-03-03").get_data(as_text=True)
    assert _actions(page) == ["review.hide", "partner.verify"]


@pytest.mark.parametrize("query", ["from=2025-03-03&to=2025-03-01", "from=kemarin", "action=DROP%20TABLE"])
def test_a_bad_filter_is_a_400_with_a_message(client, logged_in_office, query):
    _seed_log(logged_in_office)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert client.get(f"/admin/audit.csv?{query}").status_code == 400


def test_the_page_paginates(client, logged_in_office):
    for i in range(55):
        record(logged_in_office, "sentra.approve", "sentra", i, f"event {i}")
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert len(_actions(first)) == 50 and len(_actions(second)) == 5
    assert 'rel="next"' in first


def test_the_csv_has_the_same_filters(client, logged_in_office):
    _seed_log(logged_in_office)
    response = client.get("/admin/audit.csv?action=sentra&from=2025-03-01&to=2025-03-01")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["action"], r["actor_email"], r["when_wib"]) for r in rows] == [
        ("sentra.approve", "kantor@example.test", "2025-03-01T00:30:00+07:00")]
    everything = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    assert [r["action"] for r in everything] == ["review.hide", "partner.verify", "sentra.approve"]


def test_the_csv_defuses_spreadsheet_formulas(client, logged_in_office):
    record(logged_in_office, "sentra.suspend", "sentra", 1, "=HYPERLINK(\"http://x\")")
    db.session.commit()
    (row,) = csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True)))
    assert row["summary"].startswith("'=")


def test_someone_without_the_admin_flag_gets_403(client, auth, app):
    user = make_user()
    db.session.commit()
    auth.login(user.email)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, app):
    assert client.get("/admin/audit").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
