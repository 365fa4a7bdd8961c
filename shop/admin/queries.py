"""Read-only queries behind the program office pages (the office reads everything)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import Partner, PartnerMembership, PartnerStatus
from shop.sentras.models import Sentra, SentraMembership, SentraStatus

PER_PAGE = 20


@dataclass(frozen=True)
class DashboardCounts:
    pending_sentras: int
    pending_partners: int
    active_sentras: int
    users: int


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def dashboard_counts() -> DashboardCounts:
    return DashboardCounts(
        pending_sentras=_count(Sentra, Sentra.status == SentraStatus.PENDING),
        pending_partners=_count(Partner, Partner.status == PartnerStatus.PENDING),
        active_sentras=_count(Sentra, Sentra.status == SentraStatus.ACTIVE),
        users=_count(User, User.deleted_at.is_(None)),
    )


def sentra_page(status: str | None, page: int) -> Pagination:
    """Sentras, one status or all; pending ones first, oldest application first among them."""
    query = select(Sentra).options(selectinload(Sentra.subsectors))
    if status:
        query = query.where(Sentra.status == status)
    pending_first = case((Sentra.status == SentraStatus.PENDING, 0), else_=1)
    query = query.order_by(
        pending_first,
        case((Sentra.status == SentraStatus.PENDING, Sentra.created_at), else_=None).asc(),
        Sentra.name,
        Sentra.id,
    )
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def partner_page(status: str | None, page: int) -> Pagination:
    """Partners, one status or all; pending ones first, oldest registration first among them."""
    query = select(Partner)
    if status:
        query = query.where(Partner.status == status)
    pending_first = case((Partner.status == PartnerStatus.PENDING, 0), else_=1)
    query = query.order_by(pending_first, Partner.created_at, Partner.id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def sentra_applicant(sentra: Sentra) -> User | None:
    return db.session.get(User, sentra.applied_by_id) if sentra.applied_by_id else None


def user_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


@dataclass
class UserRow:
    user: User
    sentras: list[SentraMembership] = field(default_factory=list)
    partners: list[PartnerMembership] = field(default_factory=list)


def user_search(text: str, page: int) -> tuple[Pagination, list[UserRow]]:
    """Users whose name or email contains ``text`` (all users when empty), with their memberships.

    Memberships are loaded in two queries for the whole page, not one per user.
    """
    query = select(User).order_by(User.name, User.id)
    text = text.strip().lower()
    if text:
        like = f"%{text}%"
        query = query.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    rows = {user.id: UserRow(user) for user in pagination.items}
    if rows:
        sentra_members = db.session.scalars(
            select(SentraMembership)
            .where(SentraMembership.user_id.in_(rows))
            .options(selectinload(SentraMembership.sentra))
        )
        for membership in sentra_members:
            rows[membership.user_id].sentras.append(membership)
        partner_members = db.session.scalars(
            select(PartnerMembership)
            .where(PartnerMembership.user_id.in_(rows))
            .options(selectinload(PartnerMembership.partner))
        )
        for membership in partner_members:
            rows[membership.user_id].partners.append(membership)
    return pagination, list(rows.values())

