"""Product photos: validated by decoding, re-encoded without EXIF, stored with two thumbnails.

An upload is decoded by :func:`shop.imaging.decode_upload` (JPEG, PNG or WebP; at
most 10 MB, 40 megapixels, 10,000 px a side and a 20:1 ratio; decompression bombs
refused), turned upright, stripped of EXIF, XMP and colour profiles, and stored as
three WebP files under server-made keys: the photo (at most 2000 px on its longest
side) and thumbnails 320 and 960 px wide.
Thumbnails are never upscaled: a photo narrower than 320 px keeps its width.

Files and rows stay in step: files saved for a transaction that rolls back are
deleted again, and the files of a removed photo are deleted only once the
removal commits.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalog.products.models import Product, ProductEvent, ProductImage
from shop import imaging, storage
from shop.extensions import db

if TYPE_CHECKING:  # Pillow is imported where a photo is encoded: at module level it costs every app start
    from PIL import Image

MAX_PHOTOS = 8
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_ALT_TEXT = 200
FULL_SIZE = 2000
THUMB_WIDTHS = (320, 960)
# A thumbnail may be at most this many times as tall as it is wide (and WebP
# cannot hold more than 16383 px on a side).
MAX_THUMB_ASPECT = 4
WEBP_QUALITY = 80
WEBP_METHOD = 2  # nearly the size of method 4 in half the time

_MESSAGES = {
    "empty": _l("The file is empty."),
    "too_large": _l("The photo is larger than 10 MB."),
    "too_many_pixels": _l("The photo has more than 40 megapixels; make it smaller and try again."),
    "bomb": _l("The file claims more pixels than a photo can have; it was refused."),
    "bad_shape": imaging.BAD_SHAPE_MESSAGE,
    "not_an_image": _l("The file is not a JPEG, PNG or WebP photo, or it is damaged."),
    "too_many_photos": _l("A product can have at most %(n)d photos.", n=MAX_PHOTOS),
    "alt_text_too_long": _l("The description of the photo is at most %(n)d characters.", n=MAX_ALT_TEXT),
}


class InvalidImageError(ValueError):
    """An upload that is not accepted; ``reason`` is a code, ``message`` says why to the user.

    Reasons: ``empty``, ``too_large``, ``too_many_pixels``, ``bad_shape``, ``bomb``, ``not_an_image``,
    ``too_many_photos``, ``alt_text_too_long``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = _MESSAGES[reason]


class TooManyPhotosError(InvalidImageError):
    def __init__(self) -> None:
        super().__init__("too_many_photos")


class PhotoNotFoundError(LookupError):
    """No photo with this id on this product (another product's photo is not found either)."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """An upload that passed validation, encoded as the three WebP files that get stored."""

    full: bytes
    w320: bytes
    w960: bytes
    width: int
    height: int


# --- decoding and encoding ------------------------------------------------------------------


def process_photo(data: bytes) -> ProcessedPhoto:
    """Validate an upload by decoding it and encode the photo and its thumbnails as WebP.

    :raise InvalidImageError: empty, over 10 MB or 40 megapixels, too long or narrow
        (see :mod:`shop.imaging`), a decompression bomb, or not a JPEG/PNG/WebP image.
    """
    if not data:
        raise InvalidImageError("empty")
    if len(data) > MAX_BYTES:
        raise InvalidImageError("too_large")
    return encode_photo(_decode(data))


def encode_photo(image: Image.Image) -> ProcessedPhoto:
    """Encode a decoded RGB(A) picture without metadata as the photo and its thumbnails.

    For pictures the server draws itself (the demo); uploads go through :func:`process_photo`.
    """
    from PIL import Image

    image = image.copy()
    image.info.clear()
    image.thumbnail((FULL_SIZE, FULL_SIZE), Image.Resampling.LANCZOS)
    full = _encode(image)
    thumbs = {}
    for width in THUMB_WIDTHS:
        thumb = image.copy()
        thumb.thumbnail((width, width * MAX_THUMB_ASPECT), Image.Resampling.LANCZOS)
        thumbs[width] = full if thumb.size == image.size else _encode(thumb)
    return ProcessedPhoto(
        full=full, w320=thumbs[320], w960=thumbs[960], width=image.width, height=image.height
    )


def _decode(data: bytes) -> Image.Image:
    try:
        return imaging.decode_upload(data, max_pixels=MAX_PIXELS, keep=FULL_SIZE)
    except imaging.ImageRefusedError as error:
        raise InvalidImageError(error.reason) from None


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue()


# --- services ---------------------------------------------------------------------------------


def _check_alt_text(alt_text: str) -> str:
    alt_text = (alt_text or "").strip()
    if len(alt_text) > MAX_ALT_TEXT:
        raise InvalidImageError("alt_text_too_long")
    return alt_text


def add_photo(product: Product, data: bytes | ProcessedPhoto, alt_text: str = "", *,
              actor_id: int | None = None) -> ProductImage:
    """Validate, re-encode and store a photo with its thumbnails as the product's last photo. Flushes.

    ``data`` is the uploaded file, or a :class:`ProcessedPhoto` already made by
    :func:`process_photo` (the demo seed stores one drawing many times). The
    stored files are deleted again if the flush fails or the transaction rolls back.

    :raise TooManyPhotosError: the product already has 8 photos.
    :raise InvalidImageError: the file is refused (see :func:`process_photo`) or the alt text is too long.
    :raise shop.storage.StorageError: the files could not be stored (nothing is left behind).
    """
    if len(product.images) >= MAX_PHOTOS:
        raise TooManyPhotosError()
    alt_text = _check_alt_text(alt_text)
    photo = data if isinstance(data, ProcessedPhoto) else process_photo(data)

    keys = _store(photo)
    session = db.session()
    storage.delete_on_rollback(session, keys)
    image = ProductImage(
        position=max((i.position for i in product.images), default=-1) + 1,
        alt_text=alt_text,
        key=keys[0],
        thumb_320_key=keys[1],
        thumb_960_key=keys[2],
        width=photo.width,
        height=photo.height,
    )
    product.images.append(image)
    try:
        session.flush()
    except Exception:
        storage.forget_saved(session, keys)
        storage.delete_quietly(keys)
        raise
    _photo_event(product, actor_id)
    return image


@dataclass(frozen=True)
class StagedPhoto:
    """A photo stored before its product is saved (the form came back to add a row or fix a field)."""

    key: str
    thumb_320_key: str
    thumb_960_key: str
    width: int
    height: int


def stage_photo(data: bytes) -> StagedPhoto:
    """Validate, re-encode and store an upload that has no product yet; writes no row.

    The listing form calls this when it is shown again before saving, so the photos chosen
    are not lost; :func:`add_staged_photo` attaches one when the product is saved.

    :raise InvalidImageError: the file is refused (see :func:`process_photo`).
    :raise shop.storage.StorageError: the files could not be stored (nothing is left behind).
    """
    photo = process_photo(data)
    key, thumb_320, thumb_960 = _store(photo)
    return StagedPhoto(key, thumb_320, thumb_960, photo.width, photo.height)


def add_staged_photo(product: Product, staged: StagedPhoto, alt_text: str = "", *,
                     actor_id: int | None = None) -> ProductImage | None:
    """Make a staged photo the product's last photo. Flushes.

    Returns None, adding nothing, when its files already belong to a photo (the same form sent
    twice): two rows on one file would lose it for both when either is removed.
    Its files stay if the transaction rolls back: the form that staged them may send them again.

    :raise TooManyPhotosError: the product already has 8 photos.
    :raise InvalidImageError: the alt text is too long.
    """
    if db.session.scalar(select(ProductImage.id).where(ProductImage.key == staged.key).limit(1)) is not None:
        return None
    if len(product.images) >= MAX_PHOTOS:
        raise TooManyPhotosError()
    image = ProductImage(
        position=max((i.position for i in product.images), default=-1) + 1,
        alt_text=_check_alt_text(alt_text),
        key=staged.key,
        thumb_320_key=staged.thumb_320_key,
        thumb_960_key=staged.thumb_960_key,
        width=staged.width,
        height=staged.height,
    )
    product.images.append(image)
    db.session.flush()
    _photo_event(product, actor_id)
    return image


def _store(photo: ProcessedPhoto) -> list[str]:
    """Save the three files; if one fails, delete the ones already saved and raise StorageError."""
    backend = storage.get_storage()
    saved: list[str] = []
    try:
        for prefix, body in (("products", photo.full), ("products/w320", photo.w320), ("products/w960", photo.w960)):
            key = storage.new_key(prefix, "webp")
            backend.save(key, body, "image/webp")
            saved.append(key)
    except Exception:
        storage.delete_quietly(saved)
        raise
    return saved


def _load(product: Product, image_id: int) -> ProductImage:
    for image in product.images:
        if image.id == image_id:
            return image
    raise PhotoNotFoundError(image_id)


def _renumber(product: Product) -> None:
    product.images.sort(key=lambda i: (i.position, i.id))
    for position, image in enumerate(product.images):
        image.position = position


def remove_photo(product: Product, image_id: int, *, actor_id: int | None = None) -> list[str]:
    """Delete a photo's row and close the gap in the order. Flushes.

    Returns the photo's storage keys: pass them to :func:`delete_files_after_commit`
    so the files go only once the removal commits.

    :raise PhotoNotFoundError: no such photo on this product.
    """
    image = _load(product, image_id)
    keys = list(image.keys)
    product.images.remove(image)
    _renumber(product)
    _photo_event(product, actor_id)
    db.session.flush()
    return keys


def delete_files_after_commit(keys: list[str]) -> None:
    """Delete the files ``keys`` once the current transaction commits (kept if it rolls back)."""
    storage.delete_after_commit(db.session(), keys)


def move_photo(product: Product, image_id: int, offset: int, *, actor_id: int | None = None) -> None:
    """Move a photo up (``-1``) or down (``+1``) in the order; past either end it stays. Flushes.

    :raise PhotoNotFoundError: no such photo on this product.
    """
    image = _load(product, image_id)
    _renumber(product)
    images = product.images
    index = images.index(image)
    target = min(max(index + offset, 0), len(images) - 1)
    if target != index:
        images[target].position, image.position = image.position, images[target].position
        _renumber(product)
        _photo_event(product, actor_id)
    db.session.flush()


def set_alt_text(product: Product, image_id: int, text: str, *, actor_id: int | None = None) -> ProductImage:
    """Change the text that describes a photo to screen readers. Flushes.

    :raise PhotoNotFoundError: no such photo on this product.
    :raise InvalidImageError: more than 200 characters.
    """
    image = _load(product, image_id)
    image.alt_text = _check_alt_text(text)
    _photo_event(product, actor_id)
    db.session.flush()
    return image


def set_photo_variant(product: Product, image_id: int, variant_id: int | None, *,
                      actor_id: int | None = None) -> ProductImage:
    """Say which variant a photo shows (its chip on the product page shows the photo), or None. Flushes.

    :raise PhotoNotFoundError: no such photo on this product, or ``variant_id`` is not one of its
        active variants.
    """
    image = _load(product, image_id)
    if variant_id is not None and variant_id not in {v.id for v in product.active_variants}:
        raise PhotoNotFoundError(image_id)
    if image.variant_id != variant_id:
        image.variant_id = variant_id
        _photo_event(product, actor_id)
    db.session.flush()
    return image


def _photo_event(product: Product, actor_id: int | None) -> None:
    """Photos are listing work: who changed them counts for member activity (``actor_id`` from the caller)."""
    db.session.add(ProductEvent(product_id=product.id, sentra_id=product.sentra_id, actor_id=actor_id, kind="photo"))


class StoredPhoto(Protocol):
    key: str
    thumb_320_key: str
    thumb_960_key: str


def image_urls(image: ProductImage | StoredPhoto) -> dict[str, str]:
    """The URLs of a photo and its thumbnails: keys ``full``, ``w320`` and ``w960``.

    Takes a ProductImage or anything with its three keys (the storefront's light rows).
    """
    backend = storage.get_storage()
    return {
        "full": backend.url(image.key),
        "w320": backend.url(image.thumb_320_key),
        "w960": backend.url(image.thumb_960_key),
    }
