"""UMKM partners: the programme page, registration, an organisation's page and its colleagues."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.partners import services
from shop.partners.models import Partner, PartnerMembership, PartnerRole, PartnerStatus
from tests.factories import make_partner, make_user

KELURAHAN = "32.75.04.1001"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(**overrides) -> dict[str, str]:
    data = {
        "name": "CV Berkah Jaya",
        "nib": "9120001234567",
        "npwp": "01.234.567.8-912.000",
        "street": "Jl. Ahmad Yani No. 5",
        "place": "bekasi",
        "kelurahan_code": KELURAHAN,
        "city": "",
        "postal_code": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member(auth):
    user = make_user("mitra@example.test", name="Pemilik Usaha")
    db.session.commit()
    auth.login(user.email)
    return user


# The programme page -------------------------------------------------------------


def test_programme_page_invites_anonymous_visitors_to_register(client):
    response = client.get("/mitra/")
    assert response.status_code == 200
    assert "/mitra/daftar" in response.get_data(as_text=True)


def test_programme_page_lists_the_members_organisations_with_status(client, member):
    make_partner(member, name="CV Sudah Terdaftar", status=PartnerStatus.PENDING)
    db.session.commit()
    body = client.get("/mitra/").get_data(as_text=True)
    assert "CV Sudah Terdaftar" in body and "badge-pending" in body


# Registration ---------------------------------------------------------------------


def test_registration_needs_a_login(client):
    response = client.get("/mitra/daftar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_registration_needs_a_verified_email(client, auth):
    make_user("belum@example.test", verified=False)
    db.session.commit()
    auth.login("belum@example.test")
    assert client.post("/mitra/daftar", data=_form()).status_code == 403
    assert _count(Partner) == 0


def test_registration_creates_a_pending_partner_owned_by_the_user(client, member):
    response = client.post("/mitra/daftar", data=_form())
    assert response.status_code == 302
    partner = db.session.scalar(select(Partner))
    assert partner.status == PartnerStatus.PENDING and partner.npwp == "012345678912000"
    assert partner.kelurahan_code == KELURAHAN and partner.city is None
    membership = db.session.scalar(select(PartnerMembership))
    assert (membership.user_id, membership.role) == (member.id, PartnerRole.OWNER)
    assert response.headers["Location"].endswith(f"/mitra/{partner.id}/")


def test_registration_outside_the_city_takes_city_and_postal_code(client, member):
    data = _form(place="outside", kelurahan_code="", city="Kabupaten Bogor", postal_code="16810")
    assert client.post("/mitra/daftar", data=data).status_code == 302
    partner = db.session.scalar(select(Partner))
    assert (partner.kelurahan_code, partner.city, partner.postal_code) == (None, "Kabupaten Bogor", "16810")


def test_registration_outside_the_city_needs_a_five_digit_postal_code(client, member):
    data = _form(place="outside", kelurahan_code="", city="Jakarta Timur", postal_code="134")
    response = client.post("/mitra/daftar", data=data)
    assert response.status_code == 422
    assert 'id="postal_code-err"' in response.get_data(as_text=True)
    assert _count(Partner) == 0


def test_registration_in_the_city_needs_a_kelurahan(client, member):
    response = client.post("/mitra/daftar", data=_form(kelurahan_code=""))
    assert response.status_code == 422
    assert 'id="kelurahan_code-err"' in response.get_data(as_text=True)
    assert _count(Partner) == 0


@pytest.mark.parametrize("nib", ["12345", "91200012345678", "91200O1234567", ""])
def test_registration_with_an_invalid_nib_is_refused_and_keeps_what_was_typed(client, member, nib):
    response = client.post("/mitra/daftar", data=_form(nib=nib, name="CV Tetap Diisi"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="nib-err"' in body and 'value="CV Tetap Diisi"' in body
    assert _count(Partner) == 0 and _count(PartnerMembership) == 0


@pytest.mark.parametrize("npwp", ["1234", "12.345.678.9-012.34567", "abcdefghijklmno"])
def test_registration_with_an_invalid_npwp_is_refused(client, member, npwp):
    response = client.post("/mitra/daftar", data=_form(npwp=npwp))
    assert response.status_code == 422
    assert 'id="npwp-err"' in response.get_data(as_text=True)
    assert _count(Partner) == 0


def test_registration_without_npwp_is_accepted(client, member):
    assert client.post("/mitra/daftar", data=_form(npwp="")).status_code == 302
    assert db.session.scalar(select(Partner.npwp)) is None


def test_registration_with_a_duplicate_nib_is_refused(client, member):
    make_partner(make_user(), nib="9120001234567")
    db.session.commit()
    response = client.post("/mitra/daftar", data=_form(nib="9120001234567"))
    assert response.status_code == 422
    assert 'id="nib-err"' in response.get_data(as_text=True)
    assert _count(Partner) == 1 and _count(PartnerMembership) == 1


def test_duplicate_nib_that_slips_past_the_check_still_becomes_a_field_error(client, member, monkeypatch):
    make_partner(make_user(), nib="9120001234567")
    db.session.commit()
    monkeypatch.setattr(services, "nib_taken", lambda nib: False)  # a concurrent registration won the race
    response = client.post("/mitra/daftar", data=_form(nib="9120001234567"))
    assert response.status_code == 422
    assert 'id="nib-err"' in response.get_data(as_text=True)
    assert _count(Partner) == 1 and _count(PartnerMembership) == 1


# The organisation's page ------------------------------------------------------------


def test_members_see_the_organisation_page_with_status_and_reason(client, member):
    partner = make_partner(member, status=PartnerStatus.REJECTED)
    partner.status_reason = "Dokumen NIB tidak terbaca"
    db.session.commit()
    response = client.get(f"/mitra/{partner.id}/")
    assert response.status_code == 200
    assert "Dokumen NIB tidak terbaca" in response.get_data(as_text=True)


def test_non_member_gets_404_on_an_organisation_page(client, member):
    other = make_partner(make_user("lain@example.test"))
    db.session.commit()
    assert client.get(f"/mitra/{other.id}/").status_code == 404


def test_non_member_cannot_add_colleagues_to_another_organisation(client, member):
    other = make_partner(make_user("lain@example.test"))
    db.session.commit()
    response = client.post(f"/mitra/{other.id}/anggota", data={"email": "mitra@example.test", "role": "manager"})
    assert response.status_code == 404
    assert _count(PartnerMembership) == 1


def test_owner_adds_a_registered_colleague(client, member):
    partner = make_partner(member)
    colleague = make_user("rekan@example.test", name="Rekan Kerja")
    db.session.commit()
    response = client.post(f"/mitra/{partner.id}/anggota", data={"email": "Rekan@Example.test", "role": "manager"})
    assert response.status_code == 302
    membership = db.session.scalar(select(PartnerMembership).where(PartnerMembership.user_id == colleague.id))
    assert membership.role == PartnerRole.MANAGER


def test_adding_a_colleague_by_an_unknown_email_is_refused_with_a_field_error(client, member):
    partner = make_partner(member)
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    response = client.post(f"/mitra/{partner.id}/anggota", data={"email": "belum.daftar@example.test", "role": "staff"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="email-err"' in body and "register" in body
    assert _count(PartnerMembership) == 1


def test_adding_an_existing_member_again_is_refused(client, member):
    partner = make_partner(member)
    db.session.commit()
    response = client.post(f"/mitra/{partner.id}/anggota", data={"email": member.email, "role": "staff"})
    assert response.status_code == 422
    assert _count(PartnerMembership) == 1


def test_only_the_owner_adds_colleagues(client, auth):
    owner = make_user("pemilik@example.test")
    staff = make_user("staf@example.test")
    make_user("rekan@example.test")
    partner = make_partner(owner)
    services.add_partner_member(partner, owner, staff.email, "staff")
    db.session.commit()
    auth.login(staff.email)
    response = client.post(f"/mitra/{partner.id}/anggota", data={"email": "rekan@example.test", "role": "staff"})
    assert response.status_code == 403
    assert _count(PartnerMembership) == 2


def test_owner_changes_a_colleagues_role(client, member):
    partner = make_partner(member)
    colleague = make_user("rekan@example.test")
    membership_id = services.add_partner_member(partner, member, colleague.email, "staff").id
    db.session.commit()
    response = client.post(f"/mitra/{partner.id}/anggota/{membership_id}/peran", data={"role": "manager"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PartnerMembership, membership_id).role == PartnerRole.MANAGER


def test_owner_removes_a_colleague(client, member):
    partner = make_partner(member)
    colleague = make_user("rekan@example.test")
    membership_id = services.add_partner_member(partner, member, colleague.email, "staff").id
    db.session.commit()
    response = client.post(f"/mitra/{partner.id}/anggota/{membership_id}/hapus")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PartnerMembership, membership_id) is None


def test_the_owner_cannot_be_removed(client, member):
    partner = make_partner(member)
    owner_membership_id = db.session.scalar(select(PartnerMembership.id))
    db.session.commit()
    response = client.post(f"/mitra/{partner.id}/anggota/{owner_membership_id}/hapus")
    assert response.status_code == 409
    assert _count(PartnerMembership) == 1


def test_another_organisations_membership_cannot_be_removed_through_ours(client, member):
    ours = make_partner(member)
    other_owner = make_user("lain@example.test")
    other = make_partner(other_owner)
    theirs = services.add_partner_member(other, other_owner, make_user().email, "staff").id
    db.session.commit()
    response = client.post(f"/mitra/{ours.id}/anggota/{theirs}/hapus")
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(PartnerMembership, theirs) is not None


# Services: the office's decisions ----------------------------------------------------


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def test_verifying_a_pending_partner_emails_the_owner(request_context, mail_outbox):
    office = make_user(admin=True)
    partner = services.verify_partner(make_partner(make_user("pemilik@example.test"), status="pending"), office)
    assert partner.status == PartnerStatus.VERIFIED and partner.decided_by_id == office.id
    assert [m["To"] for m in mail_outbox] == ["pemilik@example.test"]


def test_verifying_twice_is_refused(request_context):
    office = make_user(admin=True)
    partner = make_partner(status=PartnerStatus.VERIFIED)
    with pytest.raises(services.PartnerStateError):
        services.verify_partner(partner, office)


def test_rejecting_a_verified_partner_is_refused(request_context):
    office = make_user(admin=True)
    partner = make_partner(status=PartnerStatus.VERIFIED)
    with pytest.raises(services.PartnerStateError):
        services.reject_partner(partner, office, "Terlambat")
    assert partner.status == PartnerStatus.VERIFIED


def test_rejecting_needs_a_reason(request_context):
    office = make_user(admin=True)
    partner = make_partner(status=PartnerStatus.PENDING)
    with pytest.raises(services.PartnerStateError):
        services.reject_partner(partner, office, "")
    assert partner.status == PartnerStatus.PENDING


def test_registration_form_offers_the_kelurahan_picker(client, member):
    response = client.get("/mitra/daftar")
    assert response.status_code == 200
    assert f'value="{KELURAHAN}"' in response.get_data(as_text=True)


def test_owner_sees_the_colleague_form_and_staff_do_not(client, auth, member):
    partner = make_partner(member)
    staff = make_user("staf@example.test")
    services.add_partner_member(partner, member, staff.email, "staff")
    db.session.commit()
    assert f"/mitra/{partner.id}/anggota" in client.get(f"/mitra/{partner.id}/").get_data(as_text=True)
    auth.logout()
    auth.login(staff.email)
    response = client.get(f"/mitra/{partner.id}/")
    assert response.status_code == 200
    assert f'action="/mitra/{partner.id}/anggota"' not in response.get_data(as_text=True)
