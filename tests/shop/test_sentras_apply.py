"""Applying to open a sentra at /buka-sentra, and its logo."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.extensions import db
from shop.sentras import services
from shop.sentras.images import InvalidImageError, process_logo
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus
from shop.storage import get_storage
from tests.factories import make_sentra, make_user, png_bytes, png_header_only, png_of_zeros

FREE = "32.75.01.1002"  # Margahayu, Bekasi Timur
TAKEN = "32.75.01.1001"  # Bekasijaya


@pytest.fixture(autouse=True)
def media_root(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(tmp_path / "media"))
    return tmp_path / "media"


def application(kelurahan: str = FREE, **overrides) -> dict:
    data = {
        "name": "Sentra Kreatif Margahayu",
        "kelurahan": kelurahan,
        "subsectors": ["kriya", "kuliner"],
        "description": "Anak muda Margahayu membuat anyaman bambu dan keripik pedas.",
        "whatsapp": "0812-3456-7890",
        "address": "Balai Kelurahan Margahayu",
        "opening_hours": "Senin-Sabtu 09.00-17.00",
    }
    data.update(overrides)
    return data


def sentra_count() -> int:
    return db.session.scalar(select(func.count(Sentra.id)))


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def applicant(auth):
    user = make_user("pemohon@example.test")
    db.session.commit()
    auth.login(user.email)
    return user


def test_apply_page_needs_login(client):
    response = client.get("/buka-sentra")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unverified_user_is_asked_to_verify_first(client, auth):
    make_user("belum@example.test", verified=False)
    db.session.commit()
    auth.login("belum@example.test")
    client.post("/bahasa", data={"lang": "en"})
    response = client.get("/buka-sentra")
    assert response.status_code == 403
    assert "Verify your email first" in response.get_data(as_text=True)
    assert 'href="/akun"' in response.get_data(as_text=True)


def test_unverified_user_cannot_apply_by_posting(client, auth):
    make_user("belum@example.test", verified=False)
    db.session.commit()
    auth.login("belum@example.test")
    response = client.post("/buka-sentra", data=application())
    assert response.status_code == 403
    assert sentra_count() == 0


def test_application_creates_pending_sentra_owned_by_applicant(client, applicant):
    response = client.post("/buka-sentra", data=application())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/kelola/margahayu/")
    sentra = db.session.scalar(select(Sentra))
    assert sentra.status == SentraStatus.PENDING
    assert sentra.slug == "margahayu"
    assert sentra.kelurahan_code == FREE and sentra.applied_kelurahan_code == FREE
    assert sentra.whatsapp == "+6281234567890"
    assert sorted(s.code for s in sentra.subsectors) == ["kriya", "kuliner"]
    owner = db.session.scalar(select(SentraMembership).where(SentraMembership.sentra_id == sentra.id))
    assert owner.user_id == applicant.id and owner.role == Role.OWNER


def test_pending_applicant_sees_waiting_for_program_office(client, applicant):
    client.post("/buka-sentra", data=application())
    client.post("/bahasa", data={"lang": "en"})
    page = client.get("/kelola/margahayu/").get_data(as_text=True)
    assert "Waiting for the program office" in page


def test_form_offers_only_kelurahan_without_sentra(client, applicant):
    make_sentra(TAKEN)
    rejected = make_sentra("32.75.01.1003", status=SentraStatus.REJECTED)
    db.session.commit()
    page = client.get("/buka-sentra").get_data(as_text=True)
    assert f'value="{TAKEN}"' not in page
    assert f'value="{FREE}"' in page
    assert f'value="{rejected.applied_kelurahan_code}"' in page  # a rejection frees the kelurahan


def test_second_application_for_same_kelurahan_is_refused(client, applicant):
    make_sentra(TAKEN)
    db.session.commit()
    response = client.post("/buka-sentra", data=application(TAKEN))
    assert response.status_code == 409
    assert sentra_count() == 1
    assert db.session.scalar(select(func.count(SentraMembership.id))) == 1


def test_application_that_loses_a_race_for_the_kelurahan_leaves_no_rows_or_files(
    client, applicant, monkeypatch, media_root
):
    other = make_sentra(TAKEN)
    db.session.commit()
    every_code = services.free_kelurahan_codes() | {TAKEN}
    monkeypatch.setattr(services, "free_kelurahan_codes", lambda: every_code)  # the check saw it free
    client.post("/bahasa", data={"lang": "en"})
    response = client.post(
        "/buka-sentra",
        data={**application(TAKEN), "logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert "This kelurahan already has a sentra." in response.get_data(as_text=True)
    assert sentra_count() == 1
    assert db.session.scalar(select(func.count(SentraMembership.id))) == 1
    assert stored_files(media_root) == []
    assert other.kelurahan_code == TAKEN


def test_application_keeps_what_was_typed_on_errors(client, applicant):
    response = client.post("/buka-sentra", data=application(whatsapp="12", subsectors=[]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sentra Kreatif Margahayu" in page and 'value="12"' in page
    assert sentra_count() == 0


def test_more_than_three_subsectors_are_refused(client, applicant):
    response = client.post(
        "/buka-sentra", data=application(subsectors=["kriya", "kuliner", "fesyen", "musik"])
    )
    assert response.status_code == 400
    assert sentra_count() == 0


def test_slug_gets_a_suffix_when_the_kelurahan_slug_is_taken(client, applicant):
    sentra = make_sentra("32.75.01.1003", status=SentraStatus.REJECTED)
    sentra.slug = "margahayu"
    db.session.commit()
    client.post("/buka-sentra", data=application())
    assert db.session.scalar(select(Sentra.slug).where(Sentra.kelurahan_code == FREE)) == "margahayu-2"


# Logo ---------------------------------------------------------------------------------------


def test_application_with_png_logo_stores_it_as_webp(client, applicant, media_root):
    response = client.post(
        "/buka-sentra",
        data={**application(), "logo": (io.BytesIO(png_bytes(800, 600)), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    key = db.session.scalar(select(Sentra.logo_key))
    assert key.startswith("logos/") and key.endswith(".webp")
    with Image.open(get_storage().path_for(key)) as stored:
        assert stored.format == "WEBP"
        assert max(stored.size) <= 512


def test_text_file_named_png_is_refused_as_logo(client, applicant, media_root):
    response = client.post(
        "/buka-sentra",
        data={**application(), "logo": (io.BytesIO(b"not really an image"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert sentra_count() == 0
    assert stored_files(media_root) == []


def test_decompression_bomb_sized_header_is_refused():
    with pytest.raises(InvalidImageError) as error:
        process_logo(png_header_only(10_000, 10_000))
    assert error.value.reason == "too_many_pixels"


def test_image_over_twenty_megapixels_is_refused_before_decoding():
    with pytest.raises(InvalidImageError) as error:
        process_logo(png_header_only(5_000, 5_000))
    assert error.value.reason == "too_many_pixels"


def test_a_long_thin_logo_is_refused():
    with pytest.raises(InvalidImageError) as error:
        process_logo(png_of_zeros(20_000, 1))
    assert error.value.reason == "bad_shape"


def test_file_over_five_megabytes_is_refused():
    with pytest.raises(InvalidImageError) as error:
        process_logo(b"\x89PNG" + b"\0" * (5 * 1024 * 1024))
    assert error.value.reason == "too_large"


def test_gif_is_not_an_accepted_logo_format():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(InvalidImageError):
        process_logo(out.getvalue())


def test_logo_is_re_encoded_without_exif():
    exif = Image.Exif()
    exif[0x010F] = "Kamera Rahasia"  # Make
    exif[0x8825] = {2: (6.0, 14.0, 0.0)}  # GPS latitude
    source = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(source, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(process_logo(source.getvalue()))) as result:
        assert result.format == "WEBP"
        assert not result.getexif()
        assert "exif" not in result.info


def test_storefront_shows_the_logo_through_the_logo_endpoint(client, applicant, media_root):
    client.post(
        "/buka-sentra",
        data={**application(), "logo": (io.BytesIO(png_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    sentra = db.session.scalar(select(Sentra))
    sentra.status = SentraStatus.ACTIVE
    db.session.commit()
    assert 'src="/sentra/margahayu/logo"' in client.get("/sentra/margahayu").get_data(as_text=True)
    response = client.get("/sentra/margahayu/logo")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_logo_of_a_sentra_without_one_is_404(client):
    make_sentra(TAKEN)
    db.session.commit()
    assert client.get("/sentra/bekasijaya/logo").status_code == 404


def test_replacing_the_logo_deletes_the_old_file_after_commit(client, auth, media_root):
    owner = make_user("pemilik@example.test")
    make_sentra(TAKEN, owner=owner)
    db.session.commit()
    auth.login(owner.email)
    profile = {
        "name": "Sentra Bekasijaya",
        "subsectors": ["kriya"],
        "description": "Cerita baru sentra Bekasijaya yang cukup panjang.",
        "whatsapp": "081234567890",
        "address": "Jl. Baru 1",
    }
    for color in ("red", "blue"):
        image = io.BytesIO()
        Image.new("RGB", (30, 30), color).save(image, format="PNG")
        image.seek(0)
        response = client.post(
            "/kelola/bekasijaya/profil",
            data={**profile, "logo": (image, "logo.png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    key = db.session.scalar(select(Sentra.logo_key))
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [key]
