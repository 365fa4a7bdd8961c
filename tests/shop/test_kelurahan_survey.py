"""The office's field survey of a kelurahan (issue 22): the API, the office page with photos and
history, the storefront's "Potensi kelurahan", and the page cache that must show a new survey."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.accounts.tokens import issue_token
from shop.extensions import db
from shop.places import surveys
from shop.places.models import Kelurahan, KelurahanSurvey, KelurahanSurveyPhoto
from tests.factories import make_sentra, make_user, png_bytes
from tests.queries import count_queries

KEL = "32.75.08.1001"  # Jatiwaringin, Pondokgede
URL = f"/api/v1/admin/potential/{KEL}/survey"
BODY = {"raw_materials": "Bambu tali dan eceng gondok dari Kali Sunter.",
        "artisans": "Tiga perajin anyaman di RW 04.",
        "cultural_assets": "Sanggar tari topeng; pasar kue subuh.",
        "notes": "Pemuda tertarik fotografi produk.",
        "subsectors": ["kriya", "kuliner"]}


def bearer(user) -> dict[str, str]:
    token, _ = issue_token(user, "test", 30)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def office():
    user = make_user("kantor@example.test", name="Rina Kantor", admin=True)
    db.session.commit()
    return user


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(KelurahanSurvey)) or 0


# --- the API -------------------------------------------------------------------------------------

def test_a_put_records_version_one_then_two_with_who_and_when(client, office):
    headers = bearer(office)
    first = client.put(URL, json=BODY, headers=headers)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["kelurahan"] == {"code": KEL, "name": "Jatiwaringin"}
    assert body["survey"]["version"] == 1
    assert body["survey"]["subsectors"] == ["kriya", "kuliner"]
    assert body["survey"]["saved_by"] == "Rina Kantor" and body["survey"]["saved_at"]

    second = client.put(URL, json={**BODY, "notes": "Kunjungan kedua.", "subsectors": ["fotografi"]},
                        headers=headers)
    assert second.get_json()["survey"]["version"] == 2
    assert versions() == 2  # the first is kept
    latest = surveys.latest_surveys()
    assert list(latest) == [KEL]
    assert latest[KEL]["version"] == 2 and latest[KEL]["notes"] == "Kunjungan kedua."
    assert latest[KEL]["raw_materials"] == BODY["raw_materials"]


def test_missing_fields_are_saved_empty(client, office):
    response = client.put(URL, json={"notes": "Hanya catatan."}, headers=bearer(office))
    assert response.status_code == 200
    survey = response.get_json()["survey"]
    assert (survey["raw_materials"], survey["subsectors"], survey["notes"]) == ("", [], "Hanya catatan.")


def test_an_unknown_subsector_is_a_422_and_nothing_is_saved(client, office):
    response = client.put(URL, json={**BODY, "subsectors": ["kriya", "tambang"]}, headers=bearer(office))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and "subsectors" in error["fields"]
    assert versions() == 0


def test_a_text_over_2000_characters_is_a_422_and_nothing_is_saved(client, office):
    response = client.put(URL, json={**BODY, "artisans": "a" * 2001}, headers=bearer(office))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["artisans"]
    assert versions() == 0
    assert client.put(URL, json={**BODY, "artisans": "a" * 2000}, headers=bearer(office)).status_code == 200


@pytest.mark.parametrize("body", [["kriya"], {"notes": 5}, {"subsectors": "kriya"}, {"subsectors": [1]}])
def test_a_body_of_the_wrong_shape_is_a_400(client, office, body):
    response = client.put(URL, json=body, headers=bearer(office))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert versions() == 0


def test_an_unknown_kelurahan_is_a_404(client, office):
    response = client.put("/api/v1/admin/potential/32.75.99.9999/survey", json=BODY, headers=bearer(office))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_only_the_office_may_record_a_survey(client):
    resident = make_user()
    db.session.commit()
    assert client.put(URL, json=BODY).status_code == 401
    response = client.put(URL, json=BODY, headers=bearer(resident))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert versions() == 0


def test_a_deleted_office_account_leaves_its_versions_without_a_name(client, office):
    client.put(URL, json=BODY, headers=bearer(office))
    survey = db.session.scalar(select(KelurahanSurvey))
    db.session.delete(office)
    db.session.commit()
    db.session.expire_all()
    assert surveys.latest_surveys()[KEL]["saved_by"] is None
    assert survey.version == 1


# --- the office page -----------------------------------------------------------------------------

def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 900), (180, 120, 60))
    exif = Image.Exif()
    exif[0x8825] = {2: (6.0, 14.0, 52.0)}  # GPSInfo: a latitude that must not travel on
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def form(**extra):
    return {"raw_materials": "Limbah kain perca konveksi.", "artisans": "", "cultural_assets": "Batik Bekasi.",
            "notes": "", "subsectors": ["kriya", "fesyen"], **extra}


def test_the_office_saves_a_survey_with_photos_and_sees_its_history(client, auth, office):
    auth.login(office.email)
    page = client.get(f"/admin/potensi/{KEL}/survei")
    assert page.status_code == 200
    assert "Survei lapangan" in page.text and "belum disurvei" in page.text

    saved = client.post(f"/admin/potensi/{KEL}/survei", data={
        **form(), "photos": [(io.BytesIO(jpeg_with_gps()), "kain.jpg"), (io.BytesIO(png_bytes()), "b.png")]},
        content_type="multipart/form-data")
    assert saved.status_code == 302
    client.post(f"/admin/potensi/{KEL}/survei", data=form(notes="Versi kedua"), content_type="multipart/form-data")

    page = client.get(f"/admin/potensi/{KEL}/survei")
    assert "Versi 2" in page.text and "Versi sebelumnya" in page.text
    assert "Versi kedua" in page.text  # the form is filled with the version in force
    photos = db.session.scalars(select(KelurahanSurveyPhoto)).all()
    assert len(photos) == 2 and all(p.survey.version == 1 for p in photos)
    shown = client.get(f"/admin/potensi/foto/{photos[0].id}")
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert shown.headers["Cache-Control"] == "private, no-store"
    image = Image.open(io.BytesIO(shown.data))
    assert max(image.size) <= surveys.PHOTO_SIZE and not image.getexif()


def test_too_many_or_bad_photos_are_refused_and_nothing_is_saved(client, auth, office):
    auth.login(office.email)
    many = [(io.BytesIO(png_bytes()), f"{i}.png") for i in range(7)]
    response = client.post(f"/admin/potensi/{KEL}/survei", data={**form(), "photos": many},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "paling banyak 6 foto" in response.text
    response = client.post(f"/admin/potensi/{KEL}/survei",
                           data={**form(), "photos": [(io.BytesIO(b"not an image"), "x.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Limbah kain perca" in response.text  # what was typed is kept
    assert versions() == 0 and not db.session.scalars(select(KelurahanSurveyPhoto)).all()


def test_a_long_text_on_the_page_is_a_field_error(client, auth, office):
    auth.login(office.email)
    response = client.post(f"/admin/potensi/{KEL}/survei", data=form(notes="x" * 2001),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and versions() == 0


def test_residents_and_sentra_members_cannot_see_the_survey_or_its_photos(client, auth, office):
    kelurahan = db.session.get(Kelurahan, KEL)
    survey = surveys.save_survey(kelurahan, surveys.SurveyInput(notes="x"), office,
                                 [surveys.process_photo(png_bytes())])
    db.session.commit()
    photo_id = survey.photos[0].id
    owner = make_user()
    make_sentra(KEL, owner=owner)
    db.session.commit()
    assert client.get(f"/admin/potensi/foto/{photo_id}").status_code == 302  # to the login page
    auth.login(owner.email)
    assert client.get(f"/admin/potensi/{KEL}/survei").status_code == 403
    assert client.get(f"/admin/potensi/foto/{photo_id}").status_code == 403
    assert client.post(f"/admin/potensi/{KEL}/survei", data=form()).status_code == 403
    assert versions() == 1


def test_the_survey_form_needs_its_csrf_token(client, auth, office, csrf_enabled):
    auth.login(office.email)
    response = client.post(f"/admin/potensi/{KEL}/survei", data=form(), content_type="multipart/form-data")
    assert response.status_code in (400, 422) and versions() == 0


def test_an_unknown_kelurahan_page_is_a_404(client, auth, office):
    auth.login(office.email)
    assert client.get("/admin/potensi/32.75.99.9999/survei").status_code == 404


# --- the storefront ------------------------------------------------------------------------------

def test_the_storefront_shows_the_kelurahan_potential_from_the_latest_version(client, office):
    sentra = make_sentra(KEL)
    db.session.commit()
    page = client.get(f"/sentra/{sentra.slug}")
    assert "Potensi kelurahan" not in page.text  # never surveyed: no empty section

    assert page.headers.get("X-Page-Cache") in (None, "miss")
    client.get(f"/sentra/{sentra.slug}")
    assert client.get(f"/sentra/{sentra.slug}").headers.get("X-Page-Cache") == "hit"
    kelurahan = db.session.get(Kelurahan, KEL)
    surveys.save_survey(kelurahan, surveys.SurveyInput(raw_materials="Bambu tali", artisans="Perajin anyaman"),
                        office)
    db.session.commit()
    page = client.get(f"/sentra/{sentra.slug}")
    assert page.headers.get("X-Page-Cache") == "miss"  # the survey moved the storefront's version
    assert "Potensi kelurahan" in page.text and "Bambu tali" in page.text and "Perajin anyaman" in page.text

    surveys.save_survey(kelurahan, surveys.SurveyInput(raw_materials="Eceng gondok"), office)
    db.session.commit()
    page = client.get(f"/sentra/{sentra.slug}")
    assert "Eceng gondok" in page.text and "Bambu tali" not in page.text and "Perajin anyaman" not in page.text


def test_a_survey_of_another_kelurahan_does_not_show(client, office):
    sentra = make_sentra(KEL)
    other = db.session.get(Kelurahan, "32.75.01.1001")
    surveys.save_survey(other, surveys.SurveyInput(raw_materials="Bahan lain"), office)
    db.session.commit()
    assert "Potensi kelurahan" not in client.get(f"/sentra/{sentra.slug}").text


def test_a_survey_with_only_notes_shows_nothing_to_the_public(client, office):
    sentra = make_sentra(KEL)
    surveys.save_survey(db.session.get(Kelurahan, KEL), surveys.SurveyInput(notes="Catatan internal kantor"),
                        office)
    db.session.commit()
    page = client.get(f"/sentra/{sentra.slug}").text
    assert "Potensi kelurahan" not in page and "Catatan internal" not in page


def test_the_storefront_reads_the_survey_in_the_same_statement_as_the_sentra(client, office):
    sentra = make_sentra(KEL)
    db.session.commit()
    client.get(f"/sentra/{sentra.slug}?page=1")
    with count_queries() as before:
        client.get(f"/sentra/{sentra.slug}?page=1")
    for text in ("satu", "dua", "tiga"):
        surveys.save_survey(db.session.get(Kelurahan, KEL), surveys.SurveyInput(raw_materials=text), office)
    db.session.commit()
    client.get(f"/sentra/{sentra.slug}?page=1")
    with count_queries() as after:
        page = client.get(f"/sentra/{sentra.slug}?page=1")
    assert "tiga" in page.text
    assert len(after) == len(before)
