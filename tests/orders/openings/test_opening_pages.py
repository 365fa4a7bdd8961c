"""The openings pages (issue 20): finding and applying as a resident, deciding as the sentra, the office's view,
privacy of applications and the once-only birth-year question in the sentra area."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from orders.openings.models import JobApplication, Opening
from orders.openings.services import today_wib
from shop.accounts.privacy import export_user_data
from shop.accounts.services import delete_account
from shop.extensions import db
from shop.sentras.models import SentraMembership
from tests.factories import PASSWORD, add_member, make_sentra, make_user, png_bytes
from tests.orders.openings.helpers import apply, make_opening


def _form(**overrides):
    data = {"motivation": "Saya suka menjahit.", "skills": ["menjahit"], "other_skills": "Canva, mengemas",
            "birth_year": "2004", "kelurahan_code": "32.75.08.1001", "phone": "0812-3456-7890", "portfolio_url": ""}
    data.update(overrides)
    return data


def test_the_list_shows_open_openings_with_filters_and_an_empty_state(client):
    sentra = make_sentra("32.75.08.1001")
    make_opening(sentra, title="Kurir Motor", role="courier")
    page = client.get("/lowongan").get_data(as_text=True)
    assert "Kurir Motor" in page
    filtered = client.get("/lowongan?role=design&kecamatan=32.75.08").get_data(as_text=True)
    assert "Kurir Motor" not in filtered and "Tidak ada lowongan terbuka yang cocok" in filtered


def test_a_resident_applies_with_skills_chips_and_a_photo_and_sees_the_application(client, auth):
    sentra = make_sentra()
    opening = make_opening(sentra)
    user = make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    data = _form(portfolio_photo=(io.BytesIO(png_bytes()), "karya.png"))
    response = client.post(f"/lowongan/{opening.id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    application = db.session.scalar(select(JobApplication))
    assert application.applicant_id == user.id and application.skills == ["menjahit", "Canva", "mengemas"]
    assert application.portfolio_key.startswith("private/portfolios/")
    photo = client.get(f"/lowongan/lamaran/{application.id}/portofolio")
    assert photo.status_code == 200 and photo.mimetype == "image/webp"
    assert photo.headers["Cache-Control"] == "private, no-store"
    mine = client.get("/lowongan/lamaran").get_data(as_text=True)
    assert opening.title in mine and "Menunggu jawaban" in mine


def test_bad_input_on_the_form_is_a_field_error_and_nothing_is_saved(client, auth):
    opening = make_opening(make_sentra())
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    response = client.post(f"/lowongan/{opening.id}", data=_form(motivation=" ", birth_year="1939"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Kolom ini wajib diisi" in page and "Masukkan tahun dari 1940 sampai" in page
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 0


def test_a_manager_posts_an_opening_and_a_past_closing_date_is_refused(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login("pemilik@example.test")
    form = {"title": "Fotografer Produk", "role": "photography", "description": "", "skills": "foto, edit",
            "positions": "1", "hours": "per_project", "pay": "fixed",
            "closes_on": (today_wib() - timedelta(days=1)).isoformat()}
    refused = client.post(f"/kelola/{sentra.slug}/lowongan/baru", data=form)
    assert refused.status_code == 422 and "Tanggal penutupan tidak boleh di masa lalu" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Opening)) == 0
    form["closes_on"] = (today_wib() + timedelta(days=7)).isoformat()
    assert client.post(f"/kelola/{sentra.slug}/lowongan/baru", data=form).status_code == 302
    assert db.session.scalar(select(Opening.skills)) == ["foto", "edit"]
    assert "Fotografer Produk" in client.get(f"/sentra/{sentra.slug}").get_data(as_text=True)


def test_the_sentra_shortlists_then_sees_the_phone_then_accepts(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    application = apply(make_user(name="Rudi Pelamar"), make_opening(sentra), phone="0813-9999-8888")
    auth.login("pemilik@example.test")
    url = f"/kelola/{sentra.slug}/lowongan/lamaran/{application.id}"
    assert "+6281399998888" not in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"decision": "shortlisted", "note": ""}).status_code == 302
    assert "+6281399998888" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"decision": "accepted", "note": "Selamat!"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SentraMembership).where(
        SentraMembership.sentra_id == sentra.id, SentraMembership.user_id == application.applicant_id)) == 1


def test_applications_are_hidden_from_plain_members_and_other_residents(client, auth):
    sentra = make_sentra()
    member = add_member(sentra, make_user("anggota@example.test")).user
    application = apply(make_user(), make_opening(sentra))
    make_user("tetangga@example.test")
    db.session.commit()
    auth.login(member.email)
    assert client.get(f"/kelola/{sentra.slug}/lowongan/lamaran/{application.id}").status_code == 403
    auth.login("tetangga@example.test")
    assert client.get(f"/lowongan/lamaran/{application.id}/tarik").status_code == 404
    assert client.post(f"/lowongan/lamaran/{application.id}/tarik").status_code == 404
    assert application.status == "submitted"


def test_withdrawing_asks_first_then_withdraws(client, auth):
    user = make_user("warga@example.test")
    application = apply(user, make_opening(make_sentra()))
    auth.login("warga@example.test")
    confirm = client.get(f"/lowongan/lamaran/{application.id}/tarik")
    assert confirm.status_code == 200 and "Ya, tarik lamaran" in confirm.get_data(as_text=True)
    assert application.status == "submitted"
    assert client.post(f"/lowongan/lamaran/{application.id}/tarik").status_code == 302
    db.session.expire_all()
    assert db.session.get(JobApplication, application.id).status == "withdrawn"


def test_the_office_sees_openings_and_waiting_per_kelurahan(client, auth):
    sentra = make_sentra("32.75.08.1001")
    opening = make_opening(sentra)
    apply(make_user(), opening)
    make_user("kantor@example.test", admin=True)
    db.session.commit()
    auth.login("kantor@example.test")
    page = client.get("/admin/lowongan")
    assert page.status_code == 200 and "Jatiwaringin" in page.get_data(as_text=True)
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    assert client.get("/admin/lowongan").status_code in (403, 404)


def test_an_existing_member_is_asked_the_birth_year_once(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login("pemilik@example.test")
    home = f"/kelola/{sentra.slug}/"
    assert "birth-year-question" in client.get(home).get_data(as_text=True)
    bad = client.post(f"/kelola/{sentra.slug}/tahun-lahir", data={"birth_year": "1800", "next": home,
                                                                 "action": "save"})
    assert bad.status_code == 302
    membership = db.session.scalar(select(SentraMembership).where(SentraMembership.user_id == owner.id))
    assert membership.birth_year is None and membership.birth_year_asked_at is None
    client.post(f"/kelola/{sentra.slug}/tahun-lahir", data={"birth_year": "2001", "next": home, "action": "save"})
    db.session.expire_all()
    membership = db.session.scalar(select(SentraMembership).where(SentraMembership.user_id == owner.id))
    assert membership.birth_year == 2001
    assert "birth-year-question" not in client.get(home).get_data(as_text=True)


def test_dismissing_the_birth_year_question_stops_it(client, auth):
    owner = make_user("pemilik@example.test")
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login("pemilik@example.test")
    home = f"/kelola/{sentra.slug}/"
    response = client.post(f"/kelola/{sentra.slug}/tahun-lahir", data={"next": "https://evil.example/",
                                                                      "action": "later"})
    assert response.headers["Location"].endswith(home)
    assert "birth-year-question" not in client.get(home).get_data(as_text=True)


def test_the_account_export_and_deletion_include_applications():
    user = make_user(password=PASSWORD)
    apply(user, make_opening(make_sentra()), motivation="Ingin belajar")
    exported = export_user_data(user)["job_applications"]
    assert [a["motivation"] for a in exported] == ["Ingin belajar"] and exported[0]["phone"] == "+6281234567890"
    delete_account(user, PASSWORD)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(JobApplication)) == 0


def test_the_partner_area_is_not_asked_a_members_birth_year(client, auth):
    from tests.factories import make_partner

    partner_owner = make_user("mitra@example.test")
    make_partner(partner_owner)
    db.session.commit()
    auth.login("mitra@example.test")
    response = client.get("/mitra/")
    assert response.status_code == 200 and "birth-year-question" not in response.get_data(as_text=True)
