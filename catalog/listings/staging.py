"""Photos chosen on the listing form before the product is saved, carried through the page in signed tokens.

A browser cannot refill a file input, so when the form comes back (a row added without
JavaScript, or a field to fix) each chosen photo is stored at once by
:func:`catalog.images.stage_photo` and the page carries a token naming its files. The token is
signed with the app's secret and bound to the sentra and the member, so nobody can attach
files they did not upload; it expires after two days. A staged photo that is never saved
leaves its files behind (small WebP files under ``products/``).
"""
from __future__ import annotations

from dataclasses import asdict

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from catalog.images import StagedPhoto
from shop.storage import StorageError, check_key

MAX_AGE_SECONDS = 2 * 24 * 3600
_SALT = "listing-staged-photo"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def photo_token(photo: StagedPhoto, sentra_id: int, user_id: int) -> str:
    """A token that lets this member of this sentra attach ``photo`` to a product."""
    return _serializer().dumps({"s": sentra_id, "u": user_id, "p": asdict(photo)})


def read_photo_token(token: str, sentra_id: int, user_id: int) -> StagedPhoto | None:
    """The staged photo behind ``token``, or None when it is forged, expired or someone else's."""
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
        if payload["s"] != sentra_id or payload["u"] != user_id:
            return None
        photo = StagedPhoto(**payload["p"])
        for key in (photo.key, photo.thumb_320_key, photo.thumb_960_key):
            if not check_key(key).startswith("products/"):
                return None
    except (BadSignature, KeyError, TypeError, StorageError):
        return None
    return photo
