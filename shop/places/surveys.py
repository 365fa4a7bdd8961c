"""The office's field survey of each kelurahan (pemetaan potensi, issue 22).

Before a sentra is built, the programme office surveys its kelurahan: the raw materials at hand,
the artisans already at work, the cultural assets, free notes, and the subsectors it judges
promising. Every save is a new version (who and when); the highest version is in force and is
what the office figures (``GET /api/v1/admin/potential``) and the storefronts show.

Photos taken on the survey go to private storage with the version they were uploaded with: they
may show people, so only the office sees them.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from shop import imaging
from shop.extensions import db
from shop.places.models import Kelurahan, KelurahanSurvey, KelurahanSurveyPhoto, Subsector
from shop.storage import delete_on_rollback, get_storage, new_key

MAX_TEXT = 2000
TEXT_FIELDS = ("raw_materials", "artisans", "cultural_assets", "notes")
MAX_PHOTOS_PER_SAVE = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_SIZE = 1600
MAX_CAPTION = 200


class SurveyError(ValueError):
    """The survey was refused; ``fields`` maps each field to what is wrong (``too_long``,
    ``unknown``, ``too_many``, or an image reason), nothing was saved."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


@dataclass(frozen=True)
class SurveyInput:
    raw_materials: str = ""
    artisans: str = ""
    cultural_assets: str = ""
    notes: str = ""
    subsectors: Sequence[str] = ()


@dataclass(frozen=True)
class SurveyPhoto:
    """A processed upload: WebP bytes, ready to store."""

    webp: bytes
    caption: str = ""


@dataclass
class SurveyPage:
    """What the office's survey section shows: the version in force, the older ones, all photos."""

    kelurahan: Kelurahan
    latest: KelurahanSurvey | None
    history: list[KelurahanSurvey] = field(default_factory=list)
    photos: list[KelurahanSurveyPhoto] = field(default_factory=list)


def process_photo(data: bytes, caption: str = "") -> SurveyPhoto:
    """Decode an uploaded photo, turn it upright, strip EXIF/GPS and re-encode it as a WebP of at
    most 1600 px. :raise SurveyError: ``photos`` is too_large, too_many_pixels, bad_shape or not_an_image.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise SurveyError({"photos": "too_large"})
    try:
        image = imaging.decode_upload(data, max_pixels=MAX_PHOTO_PIXELS, keep=PHOTO_SIZE)
    except imaging.ImageRefusedError as error:
        reason = "too_many_pixels" if error.reason == "bomb" else error.reason
        raise SurveyError({"photos": reason}) from None
    from PIL import Image  # here, not at module level: it costs every start of the app

    image.thumbnail((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    image.info.clear()  # no EXIF (GPS of the artisan's home), XMP or ICC profile travels on
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=4)
    return SurveyPhoto(out.getvalue(), caption.strip()[:MAX_CAPTION])


def _checked(data: SurveyInput) -> tuple[dict[str, str], list[str]]:
    problems: dict[str, str] = {}
    texts = {}
    for name in TEXT_FIELDS:
        value = (getattr(data, name) or "").replace("\r\n", "\n").strip()
        if len(value) > MAX_TEXT:
            problems[name] = "too_long"
        texts[name] = value
    codes = list(dict.fromkeys(code.strip() for code in data.subsectors if code and code.strip()))
    if codes:
        known = set(db.session.scalars(select(Subsector.code).where(Subsector.code.in_(codes))))
        if any(code not in known for code in codes):
            problems["subsectors"] = "unknown"
    if problems:
        raise SurveyError(problems)
    return texts, codes


def save_survey(kelurahan: Kelurahan, data: SurveyInput, actor: Any | None,
                photos: Iterable[SurveyPhoto] = ()) -> KelurahanSurvey:
    """Record a new version of ``kelurahan``'s survey (and its photos). Flushes; the caller commits.

    Two office staff saving at once get consecutive versions: the kelurahan row is locked
    (PostgreSQL) or the write serialised (SQLite) while the next number is read.
    :raise SurveyError: a text over 2,000 characters, an unknown subsector, too many photos.
    """
    texts, codes = _checked(data)
    photos = list(photos)
    if len(photos) > MAX_PHOTOS_PER_SAVE:
        raise SurveyError({"photos": "too_many"})
    db.session.execute(select(Kelurahan.code).where(Kelurahan.code == kelurahan.code).with_for_update())
    last = db.session.scalar(
        select(func.max(KelurahanSurvey.version)).where(KelurahanSurvey.kelurahan_code == kelurahan.code))
    survey = KelurahanSurvey(kelurahan_code=kelurahan.code, version=(last or 0) + 1, subsectors=codes,
                             created_by_id=getattr(actor, "id", None), **texts)
    db.session.add(survey)
    db.session.flush()
    _store_photos(survey, photos)
    return survey


def _store_photos(survey: KelurahanSurvey, photos: list[SurveyPhoto]) -> None:
    storage = get_storage()
    keys = []
    for photo in photos:
        key = new_key("surveys", "webp")
        storage.save(key, photo.webp, "image/webp")
        keys.append(key)
        db.session.add(KelurahanSurveyPhoto(survey_id=survey.id, key=key, caption=photo.caption))
    delete_on_rollback(db.session, keys)
    if keys:
        db.session.flush()


def _latest_query():
    newest = (select(KelurahanSurvey.kelurahan_code, func.max(KelurahanSurvey.version).label("version"))
              .group_by(KelurahanSurvey.kelurahan_code).subquery())
    return select(KelurahanSurvey).join(
        newest, (newest.c.kelurahan_code == KelurahanSurvey.kelurahan_code)
        & (newest.c.version == KelurahanSurvey.version))


def latest_survey(kelurahan_code: str) -> KelurahanSurvey | None:
    """The version in force for one kelurahan, or None when it was never surveyed."""
    return db.session.scalar(
        select(KelurahanSurvey).where(KelurahanSurvey.kelurahan_code == kelurahan_code)
        .order_by(KelurahanSurvey.version.desc()).limit(1))


def latest_surveys() -> dict[str, dict[str, Any]]:
    """Kelurahan code -> the version in force as the API shows it (:func:`survey_json`); one query."""
    return {row.kelurahan_code: survey_json(row) for row in db.session.scalars(_latest_query())}


def survey_json(survey: KelurahanSurvey) -> dict[str, Any]:
    return {
        "version": survey.version,
        "raw_materials": survey.raw_materials,
        "artisans": survey.artisans,
        "cultural_assets": survey.cultural_assets,
        "notes": survey.notes,
        "subsectors": list(survey.subsectors or ()),
        "saved_at": survey.created_at.isoformat(),
        "saved_by": survey.created_by.name if survey.created_by is not None else None,
    }


def survey_page(kelurahan: Kelurahan) -> SurveyPage:
    """Every version, newest first, and every photo, newest first."""
    history = list(db.session.scalars(
        select(KelurahanSurvey).where(KelurahanSurvey.kelurahan_code == kelurahan.code)
        .order_by(KelurahanSurvey.version.desc())))
    photos = list(db.session.scalars(
        select(KelurahanSurveyPhoto).join(KelurahanSurvey)
        .where(KelurahanSurvey.kelurahan_code == kelurahan.code).order_by(KelurahanSurveyPhoto.id.desc())))
    return SurveyPage(kelurahan, history[0] if history else None, history, photos)


def read_photo(photo: KelurahanSurveyPhoto) -> bytes:
    """The stored photo's bytes. :raise shop.storage.StorageError: it cannot be read."""
    return get_storage().read(photo.key)
