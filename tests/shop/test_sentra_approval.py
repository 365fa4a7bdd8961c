"""The program office's decisions on sentras: the transition table and the /admin/sentra forms."""
from __future__ import annotations

import pytest

from shop.extensions import db
from shop.sentras.approval import (
    SentraStateError,
    approve_sentra,
    reactivate_sentra,
    reject_sentra,
    suspend_sentra,
)
from shop.sentras.models import Sentra, SentraStatus
from tests.factories import make_sentra, make_user

KELURAHAN = "32.75.08.1001"


@pytest.fixture(autouse=True)
def _request_context(app):
    """Services speak the user's language, which is chosen per request."""
    with app.test_request_context():
        yield


@pytest.fixture
def office():
    return make_user("kantor@example.test", admin=True, name="Kantor Program")


@pytest.fixture
def applicant():
    return make_user("pemohon@example.test", name="Pemohon Sentra")


def pending(applicant) -> Sentra:
    return make_sentra(KELURAHAN, owner=applicant, status=SentraStatus.PENDING)


# Services ---------------------------------------------------------------------


def test_approving_a_pending_sentra_makes_it_active_and_records_the_decision(office, applicant, mail_outbox):
    sentra = approve_sentra(pending(applicant), office)
    assert sentra.status == SentraStatus.ACTIVE
    assert sentra.decided_by_id == office.id and sentra.decided_at is not None
    assert [m["To"] for m in mail_outbox] == ["pemohon@example.test"]


def test_approving_twice_is_refused_without_change(office, applicant, mail_outbox):
    sentra = approve_sentra(pending(applicant), office)
    decided_at = sentra.decided_at
    with pytest.raises(SentraStateError):
        approve_sentra(sentra, office)
    assert sentra.status == SentraStatus.ACTIVE and sentra.decided_at == decided_at
    assert len(mail_outbox) == 1


def test_rejecting_frees_the_kelurahan_and_keeps_the_applied_one(office, applicant, mail_outbox):
    sentra = reject_sentra(pending(applicant), office, "Alamat tidak lengkap")
    assert sentra.status == SentraStatus.REJECTED
    assert sentra.status_reason == "Alamat tidak lengkap"
    assert sentra.kelurahan_code is None and sentra.applied_kelurahan_code == KELURAHAN
    assert "Alamat tidak lengkap" in mail_outbox[0].get_content()


def test_a_rejected_kelurahan_can_get_a_new_sentra(office, applicant):
    first = reject_sentra(pending(applicant), office, "Belum siap")
    first.slug = "lama"
    db.session.flush()
    second = make_sentra(KELURAHAN, status=SentraStatus.PENDING)
    assert second.kelurahan_code == KELURAHAN


def test_rejecting_without_a_reason_is_refused(office, applicant):
    sentra = pending(applicant)
    with pytest.raises(SentraStateError):
        reject_sentra(sentra, office, "   ")
    assert sentra.status == SentraStatus.PENDING and sentra.kelurahan_code == KELURAHAN


def test_rejecting_an_active_sentra_is_refused(office):
    sentra = make_sentra(KELURAHAN)
    with pytest.raises(SentraStateError):
        reject_sentra(sentra, office, "Terlambat")
    assert sentra.status == SentraStatus.ACTIVE


def test_suspending_an_active_sentra_records_the_reason_and_emails_the_owner(office, applicant, mail_outbox):
    sentra = suspend_sentra(make_sentra(KELURAHAN, owner=applicant), office, "Keluhan pembeli")
    assert sentra.status == SentraStatus.SUSPENDED and sentra.status_reason == "Keluhan pembeli"
    assert sentra.kelurahan_code == KELURAHAN
    assert mail_outbox[0]["To"] == "pemohon@example.test"


def test_suspending_needs_a_reason(office):
    sentra = make_sentra(KELURAHAN)
    with pytest.raises(SentraStateError):
        suspend_sentra(sentra, office, "")
    assert sentra.status == SentraStatus.ACTIVE


def test_suspending_a_pending_sentra_is_refused(office, applicant):
    sentra = pending(applicant)
    with pytest.raises(SentraStateError):
        suspend_sentra(sentra, office, "Alasan")
    assert sentra.status == SentraStatus.PENDING


def test_reactivating_a_suspended_sentra_makes_it_active_and_clears_the_reason(office):
    sentra = make_sentra(KELURAHAN, status=SentraStatus.SUSPENDED)
    sentra.status_reason = "Keluhan"
    reactivate_sentra(sentra, office)
    assert sentra.status == SentraStatus.ACTIVE and sentra.status_reason is None


def test_reactivating_an_active_sentra_is_refused(office):
    sentra = make_sentra(KELURAHAN)
    with pytest.raises(SentraStateError):
        reactivate_sentra(sentra, office)


def test_a_rejected_sentra_cannot_be_approved(office, applicant):
    sentra = reject_sentra(pending(applicant), office, "Tidak lengkap")
    with pytest.raises(SentraStateError):
        approve_sentra(sentra, office)
    assert sentra.status == SentraStatus.REJECTED


# Through the office pages ----------------------------------------------------------


def _as_office(auth, office) -> None:
    db.session.commit()
    auth.login(office.email)


def test_office_approves_through_the_detail_page(client, auth, office, applicant):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/setujui")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/sentra/{sentra_id}")
    assert db.session.get(Sentra, sentra_id).status == SentraStatus.ACTIVE


def test_approved_sentra_appears_in_the_directory(client, auth, office, applicant):
    sentra = pending(applicant)
    slug, sentra_id = sentra.slug, sentra.id
    _as_office(auth, office)
    assert client.get(f"/sentra/{slug}").status_code == 404
    client.post(f"/admin/sentra/{sentra_id}/setujui")
    assert client.get(f"/sentra/{slug}").status_code == 200


def test_approving_twice_through_the_page_is_a_409_with_the_message(client, auth, office, applicant):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    client.post("/bahasa", data={"lang": "en"})
    client.post(f"/admin/sentra/{sentra_id}/setujui")
    decided_at = db.session.get(Sentra, sentra_id).decided_at
    db.session.expire_all()
    response = client.post(f"/admin/sentra/{sentra_id}/setujui")
    assert response.status_code == 409
    assert "Only a pending application can be approved" in response.get_data(as_text=True)
    assert db.session.get(Sentra, sentra_id).decided_at == decided_at


def test_office_rejects_with_a_reason_through_the_page(client, auth, office, applicant, mail_outbox):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/tolak", data={"reason": "Foto logo buram"})
    assert response.status_code == 302
    db.session.expire_all()
    sentra = db.session.get(Sentra, sentra_id)
    assert sentra.status == SentraStatus.REJECTED and sentra.kelurahan_code is None
    assert any("Foto logo buram" in m.get_content() for m in mail_outbox)


def test_rejecting_without_a_reason_through_the_page_is_a_422_and_changes_nothing(client, auth, office, applicant):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/tolak", data={"reason": ""})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Sentra, sentra_id).status == SentraStatus.PENDING


def test_office_suspends_and_the_storefront_disappears(client, auth, office):
    sentra = make_sentra(KELURAHAN)
    slug, sentra_id = sentra.slug, sentra.id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/bekukan", data={"reason": "Produk tidak sesuai"})
    assert response.status_code == 302
    assert client.get(f"/sentra/{slug}").status_code == 404


def test_office_reactivates_and_the_storefront_returns(client, auth, office):
    sentra = make_sentra(KELURAHAN, status=SentraStatus.SUSPENDED)
    slug, sentra_id = sentra.slug, sentra.id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/aktifkan")
    assert response.status_code == 302
    assert client.get(f"/sentra/{slug}").status_code == 200


def test_suspending_a_pending_sentra_through_the_page_is_a_409(client, auth, office, applicant):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    response = client.post(f"/admin/sentra/{sentra_id}/bekukan", data={"reason": "Alasan"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Sentra, sentra_id).status == SentraStatus.PENDING


def test_decision_without_csrf_token_is_refused(app, client, auth, office, applicant):
    sentra_id = pending(applicant).id
    _as_office(auth, office)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/admin/sentra/{sentra_id}/setujui")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Sentra, sentra_id).status == SentraStatus.PENDING
