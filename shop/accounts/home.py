"""Where a person lives ("Tempat tinggal"): the kelurahan the potential map counts them in.

A user may say so (``User.kelurahan_code``, optional); when they have not, it is the kelurahan of
their most recently saved Kota Bekasi delivery address, if any. Outside the city, or with neither,
they live nowhere the map knows.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from shop.accounts.errors import AccountValidationError
from shop.accounts.models import Address, User
from shop.extensions import db
from shop.places.models import Kelurahan


def set_home_kelurahan(user: User, code: str | None) -> None:
    """Set (or with None or "", clear) where ``user`` lives. Flushes.

    :raise AccountValidationError: ``kelurahan_code``: ``unknown`` for a code not of Kota Bekasi.
    """
    code = (code or "").strip() or None
    if code is not None and db.session.get(Kelurahan, code) is None:
        raise AccountValidationError({"kelurahan_code": "unknown"})
    user.kelurahan_code = code
    db.session.flush()


def home_kelurahan_code(user: User) -> str | None:
    """The kelurahan ``user`` lives in: chosen, else that of their latest Kota Bekasi address."""
    if user.kelurahan_code:
        return user.kelurahan_code
    return db.session.scalar(address_kelurahan(user.id))


def address_kelurahan(user_id: int) -> Select:
    """The statement that reads the kelurahan of ``user_id``'s latest Kota Bekasi address (one value or none):
    for a caller that reads it on a connection of its own (the search log, after the response)."""
    return (select(Address.kelurahan_code).where(Address.user_id == user_id, Address.kelurahan_code.is_not(None))
            .order_by(Address.created_at.desc(), Address.id.desc()).limit(1))


def home_kelurahan(user: User) -> Kelurahan | None:
    code = home_kelurahan_code(user)
    return db.session.get(Kelurahan, code) if code else None


def home_kelurahan_codes(user_ids: Iterable[int]) -> dict[int, str]:
    """:func:`home_kelurahan_code` of many users at once (two queries per 500): id -> code, for those
    who live in a kelurahan of the city."""
    ids = sorted(set(user_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(db.session.execute(
            select(User.id, User.kelurahan_code).where(User.id.in_(chunk), User.kelurahan_code.is_not(None))).tuples().all())
        rest = [user_id for user_id in chunk if user_id not in found]
        if not rest:
            continue
        latest = (select(Address.user_id, Address.kelurahan_code,
                         func.row_number().over(partition_by=Address.user_id,
                                                order_by=(Address.created_at.desc(), Address.id.desc())).label("n"))
                  .where(Address.user_id.in_(rest), Address.kelurahan_code.is_not(None)).subquery())
        found.update(db.session.execute(
            select(latest.c.user_id, latest.c.kelurahan_code).where(latest.c.n == 1)).tuples().all())
    return found
