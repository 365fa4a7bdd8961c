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
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from catalog import images
from catalog.images import StagedPhoto
from catalog.products.forms import ProductForm
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


def ticked_photos(form: ProductForm, sentra_id: int, user_id: int) -> list[tuple[str, StagedPhoto]]:
    """The staged photos still ticked on ``form``, with their tokens (forged, expired or foreign ones dropped)."""
    found = []
    for token in dict.fromkeys(form.staged_photos.data or []):
        photo = read_photo_token(token, sentra_id, user_id)
        if photo is not None:
            found.append((token, photo))
    return found[: images.MAX_PHOTOS]


def keep_uploads(form: ProductForm, sentra_id: int, user_id: int) -> None:
    """Stage the photos of a form that comes back unsaved and add their tokens to it.

    A refused file gets its message on the photo field and the others are kept; when the save
    itself failed over a photo, none is kept (the files stay in step with the rolled-back rows)
    and the message says which file to leave out.
    """
    if form.photos.errors:
        return
    tokens = list(form.staged_photos.data or [])
    for upload in form.uploads():
        upload.seek(0)  # a failed save may have read it already
        try:
            photo = images.stage_photo(upload.read())
        except images.InvalidImageError as error:
            message = _("%(file)s: %(message)s", file=upload.filename, message=error.message)
            form.photos.errors = [*form.photos.errors, message]
            continue
        except StorageError:
            current_app.logger.exception("could not stage product photos")
            form.photos.errors = [*form.photos.errors, _("The photos could not be stored just now. Please try again.")]
            break
        tokens.append(photo_token(photo, sentra_id, user_id))
    form.staged_photos.data = tokens
