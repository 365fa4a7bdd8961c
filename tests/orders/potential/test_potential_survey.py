"""The office's field survey in the potential figures and on the per-kelurahan page (issue 22)."""
from __future__ import annotations

import io

from shop.extensions import db
from tests.factories import png_bytes
from tests.orders.potential.helpers import KEL_A, KEL_B, bearer


def test_the_latest_survey_version_is_in_the_office_figures(client, world):
    headers = bearer(world["admin"])
    client.put(f"/api/v1/admin/potential/{KEL_A}/survey", json={"raw_materials": "Bambu", "subsectors": ["kriya"]},
               headers=headers)
    client.put(f"/api/v1/admin/potential/{KEL_A}/survey", json={"raw_materials": "Eceng gondok",
                                                                "subsectors": ["kriya", "fesyen"]}, headers=headers)
    body = client.get("/api/v1/admin/potential", headers=headers).get_json()
    row = next(r for r in body["kelurahan"] if r["code"] == KEL_A)
    assert row["survey"]["version"] == 2
    assert (row["survey"]["raw_materials"], row["survey"]["subsectors"]) == ("Eceng gondok", ["kriya", "fesyen"])
    assert next(r for r in body["kelurahan"] if r["code"] == KEL_B)["survey"] is None
    assert body["city"]["survey"] is None


def test_the_kelurahan_page_holds_the_survey_form_and_saving_comes_back_to_it(client, auth, world):
    auth.login(world["admin"].email)
    page = client.get(f"/admin/potensi/{KEL_A}")
    assert page.status_code == 200 and 'id="survey"' in page.text and "Simpan survei" in page.text
    saved = client.post(f"/admin/potensi/{KEL_A}/survei", data={
        "raw_materials": "Limbah kain perca", "artisans": "", "cultural_assets": "", "notes": "",
        "subsectors": ["kriya"], "photos": [(io.BytesIO(png_bytes()), "a.png")]}, content_type="multipart/form-data")
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/admin/potensi/{KEL_A}#survey")
    db.session.expire_all()
    page = client.get(f"/admin/potensi/{KEL_A}")
    assert "Limbah kain perca" in page.text and "Versi 1" in page.text and "/admin/potensi/foto/" in page.text
