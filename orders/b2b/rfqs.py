"""Requests for quote: a partner asks one sentra for prices, in lines of products or words.

Services take explicit arguments, flush but never commit, and raise
:mod:`orders.b2b.errors`. Every load is scoped: by ``(partner_id, id)`` for the partner
and ``(sentra_id, id)`` for the sentra, so another party's request is a 404.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.images import InvalidImageError, process_photo
from catalog.products.models import Product, ProductStatus
from orders.b2b.errors import B2bValidationError, NotFoundError, RfqClosedError
from orders.b2b.invoices import today_wib
from orders.b2b.models import Quote, Rfq, RfqComment, RfqImage, RfqLine, RfqStatus, Side
from orders.checkout.services import AddressInput, clean_address
from shop import storage
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import PartnerMembership
from shop.sentras.models import Sentra, SentraStatus

MAX_INT = 2_147_483_647  # the database's INTEGER
MAX_LINES = 50
MAX_IMAGES = 3
MAX_QUANTITY = 1_000_000
DESCRIPTION_MAX = 500
NOTES_MAX = 4000
COMMENT_MAX = 2000
IMAGE_PREFIX = "private/rfq"  # never served by /media: only to the two parties, through a check
OPEN_STATUSES = (RfqStatus.OPEN, RfqStatus.QUOTED)


@dataclass(frozen=True)
class RfqLineInput:
    description: str
    quantity: Any
    product_id: Any = None


@dataclass(frozen=True)
class RfqInput:
    sentra: str  # slug
    needed_by: date | None
    address: AddressInput
    notes: str = ""
    lines: list[RfqLineInput] = field(default_factory=list)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= MAX_INT else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        number = int(value.strip())
        return number if number <= MAX_INT else None
    return None


def _active_sentra(slug: str) -> Sentra:
    sentra = db.session.scalar(select(Sentra).where(Sentra.slug == (slug or "").strip()))
    if sentra is None or sentra.status != SentraStatus.ACTIVE:
        raise B2bValidationError("choose an active sentra", {"sentra": "unknown"})
    return sentra


def min_quantity(product: Product) -> int | None:
    """The smallest wholesale minimum among the product's variants, if every variant has one."""
    minimums = [v.min_wholesale_qty for v in product.variants if not v.archived]
    if not minimums or any(not m for m in minimums):
        return None
    return min(minimums)


def _check_lines(sentra: Sentra, lines: list[RfqLineInput]) -> list[RfqLine]:
    fields: dict[str, str] = {}
    if not lines:
        raise B2bValidationError("a request needs at least one line", {"lines": "required"})
    if len(lines) > MAX_LINES:
        raise B2bValidationError(f"a request has at most {MAX_LINES} lines", {"lines": "too_many"})
    built: list[RfqLine] = []
    for index, line in enumerate(lines):
        description = (line.description or "").strip() if isinstance(line.description, str) else ""
        quantity = _int(line.quantity)
        product = None
        if line.product_id not in (None, ""):
            product_id = _int(line.product_id)
            product = db.session.get(Product, product_id) if product_id else None
            if product is None or product.sentra_id != sentra.id or product.status != ProductStatus.ACTIVE:
                fields[f"lines.{index}.product_id"] = "unknown"
                product = None
        if not description and product is not None:
            description = product.title
        if not description:
            fields[f"lines.{index}.description"] = "required"
        elif len(description) > DESCRIPTION_MAX:
            fields[f"lines.{index}.description"] = f"at most {DESCRIPTION_MAX} characters"
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            fields[f"lines.{index}.quantity"] = f"a whole number from 1 to {MAX_QUANTITY}"
        elif product is not None:
            minimum = min_quantity(product)
            if minimum and quantity < minimum:
                fields[f"lines.{index}.quantity"] = f"at least {minimum} (the wholesale minimum)"
        built.append(RfqLine(position=index, product_id=product.id if product else None,
                             description=description[:DESCRIPTION_MAX], quantity=quantity or 1))
    if fields:
        raise B2bValidationError("check the lines of the request", fields)
    return built


def _store_images(images: list[bytes]) -> list[RfqImage]:
    if len(images) > MAX_IMAGES:
        raise B2bValidationError(f"at most {MAX_IMAGES} reference images", {"images": "too_many"})
    processed = []
    for index, data in enumerate(images):
        try:
            processed.append(process_photo(data))
        except InvalidImageError as error:
            raise B2bValidationError(str(error.message), {f"images.{index}": error.reason}) from None
    stored: list[RfqImage] = []
    backend = storage.get_storage()
    for index, photo in enumerate(processed):
        key = storage.new_key(IMAGE_PREFIX, "webp")
        thumb = storage.new_key(IMAGE_PREFIX + "/w320", "webp")
        backend.save(key, photo.full, "image/webp")
        backend.save(thumb, photo.w320, "image/webp")
        storage.delete_on_rollback(db.session, [key, thumb])
        stored.append(RfqImage(position=index, key=key, thumb_key=thumb, width=photo.width, height=photo.height))
    return stored


def create_rfq(membership: PartnerMembership, actor: User, data: RfqInput, images: list[bytes] | None = None,
               now: datetime | None = None) -> Rfq:
    """Send a request for quote to an active sentra for the member's partner. Flushes; emails the sentra.

    :raise B2bValidationError: (422) an unknown sentra, a needed-by date missing or in the
        past (WIB), an incomplete address, no lines, a line without a description or
        quantity, another sentra's product, a quantity under its wholesale minimum,
        notes too long, more than three images or one that is not a photo.
    """
    sentra = _active_sentra(data.sentra)
    if data.needed_by is None:
        raise B2bValidationError("give the date you need the goods by", {"needed_by": "required"})
    if data.needed_by < today_wib(now):
        raise B2bValidationError("the needed-by date is in the past", {"needed_by": "in_the_past"})
    notes = (data.notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise B2bValidationError(f"notes are at most {NOTES_MAX} characters", {"notes": "too_long"})
    address = clean_address(data.address)
    lines = _check_lines(sentra, data.lines)
    stored = _store_images(list(images or []))
    rfq = Rfq(partner_id=membership.partner_id, sentra_id=sentra.id, created_by_id=actor.id,
              status=RfqStatus.OPEN, needed_by=data.needed_by, notes=notes, lines=lines, images=stored,
              **address)
    db.session.add(rfq)
    db.session.flush()
    enqueue("b2b.rfq_created", {"rfq_id": rfq.id})
    return rfq


def _options():
    return (selectinload(Rfq.lines), selectinload(Rfq.images),
            selectinload(Rfq.quotes).selectinload(Quote.lines))


def load_partner_rfq(partner_id: int, rfq_id: int, *, lock: bool = False) -> Rfq:
    """:raise NotFoundError: no such request of this partner."""
    query = select(Rfq).where(Rfq.partner_id == partner_id, Rfq.id == rfq_id)
    query = query.with_for_update(of=Rfq).execution_options(populate_existing=True) if lock else query.options(*_options())
    rfq = db.session.scalar(query)
    if rfq is None:
        raise NotFoundError("no such request")
    return rfq


def load_sentra_rfq(sentra_id: int, rfq_id: int, *, lock: bool = False) -> Rfq:
    """:raise NotFoundError: no such request to this sentra."""
    query = select(Rfq).where(Rfq.sentra_id == sentra_id, Rfq.id == rfq_id)
    query = query.with_for_update(of=Rfq).execution_options(populate_existing=True) if lock else query.options(*_options())
    rfq = db.session.scalar(query)
    if rfq is None:
        raise NotFoundError("no such request")
    return rfq


def list_partner_rfqs(partner_id: int, status: str | None, page: int, per_page: int) -> Pagination:
    query = select(Rfq).where(Rfq.partner_id == partner_id)
    if status:
        query = query.where(Rfq.status == status)
    return db.paginate(query.options(selectinload(Rfq.lines), selectinload(Rfq.quotes))
                       .order_by(Rfq.updated_at.desc(), Rfq.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def list_sentra_rfqs(sentra_id: int, status: str | None, page: int, per_page: int) -> Pagination:
    """The sentra's quote inbox: open requests first by needed-by date, then the rest, newest first."""
    query = select(Rfq).where(Rfq.sentra_id == sentra_id)
    if status:
        query = query.where(Rfq.status == status)
    return db.paginate(query.options(selectinload(Rfq.lines), selectinload(Rfq.quotes))
                       .order_by((Rfq.status != RfqStatus.OPEN), Rfq.needed_by, Rfq.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def check_status(status: str | None) -> str | None:
    """:raise B2bValidationError: (400-ish) not a request status."""
    if status in (None, ""):
        return None
    if status not in set(RfqStatus):
        raise B2bValidationError("unknown status", {"status": "one of: " + ", ".join(RfqStatus)})
    return status


def cancel_rfq(membership: PartnerMembership, actor: User, rfq_id: int) -> Rfq:
    """The partner withdraws an open or quoted request. Flushes; emails the sentra.

    :raise RfqClosedError: (409) already accepted, declined or withdrawn.
    """
    from orders.b2b.quotes import close_open_quotes  # noqa: PLC0415  (quotes imports this module)

    rfq = load_partner_rfq(membership.partner_id, rfq_id, lock=True)
    if rfq.status not in OPEN_STATUSES:
        raise RfqClosedError("this request is already closed")
    rfq.status = RfqStatus.CANCELLED
    close_open_quotes(rfq)
    db.session.flush()
    enqueue("b2b.rfq_cancelled", {"rfq_id": rfq.id, "actor_id": actor.id})
    return rfq


def add_comment(rfq: Rfq, side: str, author: User, body: str) -> RfqComment:
    """Append a comment from ``side`` (partner or sentra). Flushes; emails the other side.

    :raise B2bValidationError: empty or longer than 2000 characters.
    """
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise B2bValidationError("write a comment first", {"body": "required"})
    if len(text) > COMMENT_MAX:
        raise B2bValidationError(f"a comment is at most {COMMENT_MAX} characters", {"body": "too_long"})
    comment = RfqComment(rfq_id=rfq.id, author_id=author.id, side=Side(side).value, body=text)
    db.session.add(comment)
    rfq.updated_at = comment.created_at = utcnow()
    db.session.flush()
    enqueue("b2b.comment_added", {"comment_id": comment.id})
    return comment


def image_of(rfq: Rfq, image_id: int) -> RfqImage:
    """:raise NotFoundError: not one of this request's images."""
    for image in rfq.images:
        if image.id == image_id:
            return image
    raise NotFoundError("no such image")
