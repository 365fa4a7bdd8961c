"""Product photos: validation by decoding, EXIF stripping, thumbnails, order, and files in step with rows."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image, ImageFile
from sqlalchemy import event, func, select

from catalog.images import (
    MAX_PHOTOS,
    InvalidImageError,
    PhotoNotFoundError,
    TooManyPhotosError,
    add_photo,
    delete_files_after_commit,
    image_urls,
    move_photo,
    process_photo,
    remove_photo,
    set_alt_text,
)
from catalog.products.models import ProductImage
from shop.extensions import db
from tests.factories import make_product, make_sentra, png_bytes, png_header_only, png_of_zeros


@pytest.fixture
def media(app, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return root


@pytest.fixture
def product(media):
    return make_product(make_sentra())


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def image_count() -> int:
    return db.session.scalar(select(func.count(ProductImage.id)))


def encoded(fmt: str, size: tuple[int, int] = (64, 48), **save_args) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, format=fmt, **save_args)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"  # GPSLatitudeRef
    gps[2] = (6.0, 14.0, 30.0)  # GPSLatitude: Bekasi
    gps[3] = "E"
    gps[4] = (106.0, 59.0, 40.0)
    return encoded("JPEG", (640, 480), exif=exif.tobytes())


def opened(media: Path, key: str) -> Image.Image:
    image = Image.open(media / key)
    image.load()
    return image


def refusal(data: bytes) -> InvalidImageError:
    with pytest.raises(InvalidImageError) as caught:
        process_photo(data)
    return caught.value


# --- what is accepted -------------------------------------------------------------------------


def test_jpeg_with_gps_exif_is_stored_as_webp_without_exif(product, media):
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(0x8825)  # the upload has GPS
    image = add_photo(product, jpeg_with_gps(), alt_text="Tas anyaman")
    for key in image.keys:
        stored = opened(media, key)
        assert stored.format == "WEBP"
        assert "exif" not in stored.info and len(stored.getexif()) == 0
        assert b"PhoneMaker" not in (media / key).read_bytes()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(product, media, fmt):
    image = add_photo(product, encoded(fmt))
    assert (image.width, image.height) == (64, 48)
    assert all((media / key).is_file() for key in image.keys)


def test_png_with_transparency_keeps_it(product, media):
    out = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(out, format="PNG")
    image = add_photo(product, out.getvalue())
    assert opened(media, image.key).mode == "RGBA"


def test_orientation_from_exif_is_applied_before_it_is_stripped(product, media):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    image = add_photo(product, encoded("JPEG", (400, 200), exif=exif.tobytes()))
    assert (image.width, image.height) == (200, 400)


# --- what is refused -----------------------------------------------------------------------


def test_text_file_renamed_jpg_is_refused_as_not_an_image(app):
    error = refusal(b"Ini bukan foto, hanya teks biasa.\n" * 20)
    assert error.reason == "not_an_image"
    with force_locale("en"):
        assert str(error.message) == "The file is not a JPEG, PNG or WebP photo, or it is damaged."


def test_gif_is_refused(app):
    assert refusal(encoded("GIF")).reason == "not_an_image"


def test_truncated_jpeg_is_refused(app):
    assert refusal(encoded("JPEG", (300, 300))[:400]).reason == "not_an_image"


def test_empty_file_is_refused(app):
    assert refusal(b"").reason == "empty"


def test_60_megapixel_png_is_refused(app):
    error = refusal(png_header_only(8000, 7500))
    assert error.reason == "too_many_pixels"
    with force_locale("en"):
        assert "40 megapixels" in str(error.message)


def test_real_60_megapixel_png_small_on_disk_is_refused(app):
    out = io.BytesIO()
    Image.new("1", (8000, 7500)).save(out, format="PNG")
    assert len(out.getvalue()) < 1024 * 1024
    assert refusal(out.getvalue()).reason == "too_many_pixels"


def test_file_over_10_mb_is_refused(app):
    error = refusal(b"\x89PNG" + b"\0" * (10 * 1024 * 1024))
    assert error.reason == "too_large"
    with force_locale("en"):
        assert "10 MB" in str(error.message)


def test_decompression_bomb_is_refused(app):
    assert refusal(png_header_only(20_000, 20_000)).reason == "bomb"


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any picture's pixels are decoded."""
    def load(self):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("size", [(1, 39_000_000), (20_000, 1), (9_000, 100)],
                         ids=["1x39000000", "20000x1", "aspect-90-to-1"])
def test_a_long_thin_photo_is_refused_from_its_header_before_decoding(app, no_decoding, size):
    error = refusal(png_of_zeros(*size))

    assert error.reason == "bad_shape"
    with force_locale("id"):
        assert "terlalu panjang atau terlalu sempit" in str(error.message)


def test_a_photo_at_the_side_and_ratio_limits_is_accepted(app):
    assert process_photo(png_of_zeros(10_000, 500)).width == 2000


def test_refused_upload_stores_nothing(product, media):
    with pytest.raises(InvalidImageError):
        add_photo(product, b"not an image")
    assert stored_files(media) == [] and image_count() == 0


# --- sizes -----------------------------------------------------------------------------------


def test_thumbnails_are_320_and_960_wide(product, media):
    image = add_photo(product, encoded("PNG", (1600, 1200)))
    assert opened(media, image.key).size == (1600, 1200)
    assert opened(media, image.thumb_320_key).size == (320, 240)
    assert opened(media, image.thumb_960_key).size == (960, 720)


def test_small_photo_is_never_upscaled(product, media):
    image = add_photo(product, encoded("PNG", (200, 150)))
    assert {opened(media, key).size for key in image.keys} == {(200, 150)}


def test_big_photo_is_stored_at_most_2000_px_on_its_longest_side(product, media):
    image = add_photo(product, encoded("PNG", (2400, 600)))
    assert (image.width, image.height) == (2000, 500)
    assert opened(media, image.key).size == (2000, 500)


# --- count, order, alt text ------------------------------------------------------------------


def test_ninth_photo_is_refused(product, media):
    for _ in range(MAX_PHOTOS):
        add_photo(product, png_bytes())
    with pytest.raises(TooManyPhotosError) as caught:
        add_photo(product, png_bytes())
    assert caught.value.reason == "too_many_photos"
    assert image_count() == MAX_PHOTOS and len(stored_files(media)) == 3 * MAX_PHOTOS


def test_photos_keep_upload_order(product):
    ids = [add_photo(product, png_bytes()).id for _ in range(3)]
    db.session.commit()
    db.session.expire_all()
    assert [i.id for i in product.images] == ids
    assert [i.position for i in product.images] == [0, 1, 2]


def test_move_photo_up_and_down(product):
    a, b, c = (add_photo(product, png_bytes()) for _ in range(3))
    move_photo(product, c.id, -1)
    assert [i.id for i in product.images] == [a.id, c.id, b.id]
    move_photo(product, a.id, +1)
    db.session.commit()
    db.session.expire_all()
    assert [i.id for i in product.images] == [c.id, a.id, b.id]


def test_moving_past_either_end_changes_nothing(product):
    a, b = (add_photo(product, png_bytes()) for _ in range(2))
    move_photo(product, a.id, -1)
    move_photo(product, b.id, +1)
    assert [i.id for i in product.images] == [a.id, b.id]


def test_set_alt_text(product):
    image = add_photo(product, png_bytes())
    set_alt_text(product, image.id, "  Tas anyaman eceng gondok, warna natural ")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ProductImage, image.id).alt_text == "Tas anyaman eceng gondok, warna natural"


def test_alt_text_over_200_characters_is_refused(product):
    image = add_photo(product, png_bytes())
    with pytest.raises(InvalidImageError) as caught:
        set_alt_text(product, image.id, "x" * 201)
    assert caught.value.reason == "alt_text_too_long"


def test_image_urls_name_the_photo_and_both_thumbnails(app, product):
    image = add_photo(product, png_bytes())
    with app.test_request_context():
        urls = image_urls(image)
    assert set(urls) == {"full", "w320", "w960"}
    assert urls["w320"].endswith(image.thumb_320_key)


# --- files and rows stay in step -------------------------------------------------------------


def test_rollback_after_add_photo_leaves_no_files_and_no_rows(product, media):
    db.session.commit()
    add_photo(product, png_bytes())
    assert len(stored_files(media)) == 3
    db.session.rollback()
    assert stored_files(media) == [] and image_count() == 0


def test_failing_commit_after_add_photo_leaves_no_files(product, media):
    db.session.commit()
    add_photo(product, png_bytes())

    def refuse(session):
        raise RuntimeError("database went away")

    session = db.session()
    event.listen(session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            db.session.commit()
    finally:
        event.remove(session, "before_commit", refuse)
    db.session.rollback()
    assert stored_files(media) == [] and image_count() == 0


def test_failing_flush_in_add_photo_leaves_no_files_and_no_rows(product, media):
    db.session.commit()

    def refuse(session, flush_context, instances):
        raise RuntimeError("disk full")

    session = db.session()
    event.listen(session, "before_flush", refuse)
    try:
        with pytest.raises(RuntimeError):
            add_photo(product, png_bytes())
    finally:
        event.remove(session, "before_flush", refuse)
    assert stored_files(media) == []
    db.session.rollback()
    assert image_count() == 0


def test_removed_photo_files_are_deleted_only_after_commit(product, media):
    keep, gone = add_photo(product, png_bytes()), add_photo(product, png_bytes())
    db.session.commit()
    keys = remove_photo(product, gone.id)
    delete_files_after_commit(keys)
    assert all((media / key).is_file() for key in keys)
    db.session.commit()
    assert not any((media / key).exists() for key in keys)
    assert all((media / key).is_file() for key in keep.keys)
    assert [(i.id, i.position) for i in product.images] == [(keep.id, 0)]


def test_removed_photo_files_stay_when_the_removal_rolls_back(product, media):
    image = add_photo(product, png_bytes())
    db.session.commit()
    delete_files_after_commit(remove_photo(product, image.id))
    db.session.rollback()
    assert image_count() == 1
    assert all((media / key).is_file() for key in image.keys)


def test_remove_closes_the_gap_in_the_order(product):
    a, b, c = (add_photo(product, png_bytes()) for _ in range(3))
    remove_photo(product, a.id)
    assert [(i.id, i.position) for i in product.images] == [(b.id, 0), (c.id, 1)]


@pytest.mark.parametrize(
    "operation",
    [
        lambda product, image_id: remove_photo(product, image_id),
        lambda product, image_id: move_photo(product, image_id, 1),
        lambda product, image_id: set_alt_text(product, image_id, "milik orang lain"),
    ],
    ids=["remove", "move", "alt_text"],
)
def test_another_products_photo_is_not_found(product, operation):
    other = make_product(product.sentra)
    foreign = add_photo(other, png_bytes())
    with pytest.raises(PhotoNotFoundError):
        operation(product, foreign.id)
    db.session.expire_all()
    assert db.session.get(ProductImage, foreign.id).alt_text == ""
