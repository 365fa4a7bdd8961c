"""Saved delivery addresses: a Kota Bekasi kelurahan, or a city and postal code outside it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from shop.accounts.checks import check_name, check_phone
from shop.accounts.errors import AccountValidationError, AddressNotFoundError
from shop.accounts.models import Address, User
from shop.extensions import db
from shop.places.models import Kelurahan

_POSTAL_CODE = re.compile(r"\d{5}")


@dataclass(frozen=True)
class AddressData:
    """A delivery address as typed: a Kota Bekasi kelurahan, or a city and postal code."""

    recipient: str
    phone: str
    street: str
    in_bekasi: bool
    kelurahan_code: str | None = None
    city: str | None = None
    postal_code: str | None = None
    label: str | None = None
    is_default: bool = False


def get_address(user: User, address_id: int) -> Address:
    """One of ``user``'s addresses, loaded by (user, id).

    :raise AddressNotFoundError: when it does not exist or belongs to someone else.
    """
    address = db.session.scalar(
        select(Address).where(Address.user_id == user.id, Address.id == address_id)
    )
    if address is None:
        raise AddressNotFoundError(address_id)
    return address


def _clean_address(data: AddressData) -> tuple[dict[str, Any], dict[str, str]]:
    fields: dict[str, str] = {}
    values: dict[str, Any] = {"label": (data.label or "").strip() or None}
    values["recipient"] = check_name(data.recipient, fields, "recipient")
    values["street"] = (data.street or "").strip()
    if not values["street"]:
        fields["street"] = "required"
    values["phone"] = check_phone(data.phone, fields)
    if values["phone"] is None and "phone" not in fields:
        fields["phone"] = "required"
    if data.in_bekasi:
        code = data.kelurahan_code or ""
        if not code:
            fields["kelurahan_code"] = "required"
        elif db.session.get(Kelurahan, code) is None:
            fields["kelurahan_code"] = "invalid"
        values.update(kelurahan_code=code or None, city=None, postal_code=None)
    else:
        city = (data.city or "").strip()
        postal_code = (data.postal_code or "").strip()
        if not city:
            fields["city"] = "required"
        if not _POSTAL_CODE.fullmatch(postal_code):
            fields["postal_code"] = "invalid" if postal_code else "required"
        values.update(kelurahan_code=None, city=city, postal_code=postal_code)
    return values, fields


def _make_default(user: User, address: Address) -> None:
    db.session.execute(
        update(Address).where(Address.user_id == user.id, Address.id != address.id).values(is_default=False)
    )
    address.is_default = True


def save_address(user: User, data: AddressData, address_id: int | None = None) -> Address:
    """Add an address, or change ``address_id``. The first address becomes the default. Flushes.

    :raise AccountValidationError: with every field problem.
    :raise AddressNotFoundError: when ``address_id`` is not one of ``user``'s addresses.
    """
    address = get_address(user, address_id) if address_id is not None else None
    values, fields = _clean_address(data)
    if fields:
        raise AccountValidationError(fields)
    if address is None:
        address = Address(user_id=user.id, is_default=False)
        db.session.add(address)
    for key, value in values.items():
        setattr(address, key, value)
    db.session.flush()
    has_default = db.session.scalar(
        select(func.count()).select_from(Address).where(
            Address.user_id == user.id, Address.is_default.is_(True), Address.id != address.id
        )
    )
    if data.is_default or not has_default:
        _make_default(user, address)
    db.session.flush()
    return address


def set_default_address(user: User, address_id: int) -> Address:
    """Make one of ``user``'s addresses the default. Flushes.

    :raise AddressNotFoundError: when it is not one of ``user``'s addresses.
    """
    address = get_address(user, address_id)
    _make_default(user, address)
    db.session.flush()
    return address


def delete_address(user: User, address_id: int) -> None:
    """Delete one of ``user``'s addresses; the oldest other one becomes the default. Flushes.

    :raise AddressNotFoundError: when it is not one of ``user``'s addresses.
    """
    address = get_address(user, address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        successor = db.session.scalar(
            select(Address).where(Address.user_id == user.id).order_by(Address.id).limit(1)
        )
        if successor is not None:
            successor.is_default = True
            db.session.flush()
