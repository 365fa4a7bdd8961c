"""Sentra logos: decoded and re-encoded with Pillow, stored as WebP under a server key.

Files and rows stay in step: a file saved for a transaction that rolls back is
deleted again, and a file replaced inside a transaction is deleted only once
that transaction commits (so no row ever points at a missing file).
"""
from __future__ import annotations

import io

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from shop import imaging
from shop.storage import get_storage, new_key

MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_LOGO_PIXELS = 20_000_000
LOGO_SIZE = 512
_LOGO_REASONS = {"bomb": "too_many_pixels"}

_ADDED = "media_added"  # keys saved in this transaction: deleted on rollback
_REPLACED = "media_replaced"  # keys no longer used: deleted on commit


class InvalidImageError(ValueError):
    """The upload is not a JPEG, PNG or WebP image within the size limits.

    ``reason`` is one of ``too_large``, ``too_many_pixels``, ``bad_shape``, ``not_an_image``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def process_logo(data: bytes) -> bytes:
    """Decode an uploaded logo and return it as a WebP of at most 512x512, without EXIF.

    :raise InvalidImageError: too many bytes or pixels, or not a JPEG/PNG/WebP image.
    """
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidImageError("too_large")
    try:
        image = imaging.decode_upload(data, max_pixels=MAX_LOGO_PIXELS, keep=LOGO_SIZE)
    except imaging.ImageRefusedError as error:
        raise InvalidImageError(_LOGO_REASONS.get(error.reason, error.reason)) from None
    from PIL import Image  # here, not at module level: it costs every start of the app

    image.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS)
    image.info.clear()  # no EXIF, XMP or ICC profile travels into the new file
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=85, method=4)
    return out.getvalue()


def store_logo(session: Session, webp: bytes) -> str:
    """Save a processed logo and return its key; the file is deleted if ``session`` rolls back."""
    key = new_key("logos", "webp")
    get_storage().save(key, webp, "image/webp")
    session.info.setdefault(_ADDED, []).append(key)
    return key


def discard_after_commit(session: Session, key: str | None) -> None:
    """Delete the file ``key`` once ``session`` commits (it stays if the change rolls back)."""
    if key:
        session.info.setdefault(_REPLACED, []).append(key)


def _delete(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # a leftover file is harmless; a failed request is not
            current_app.logger.exception("could not delete media file %s", key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_ADDED, None)
    replaced = session.info.pop(_REPLACED, None)
    if replaced:
        _delete(replaced)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(_REPLACED, None)
    added = session.info.pop(_ADDED, None)
    if added:
        _delete(added)
