"""Payouts to sentras, office adjustments, the sentra's bank account, members' shares, the bank batch.

Everything that takes money out of (or puts it into) a sentra's balance here locks the sentra
row first (:func:`orders.ledger.services.lock_sentra`), then reads the balance: two payouts of
one sentra run one after the other, so together they never exceed the balance. Each function
flushes, never commits, and raises a :class:`LedgerError` (``code``, ``status``, ``fields``)
with the ledger unchanged. The statement is in :mod:`orders.ledger.statements`.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash

from orders.ledger.errors import (
    BalanceChangedError,
    BankAccountChangedError,
    LedgerError,
    LedgerNotFoundError,
    LedgerPermissionError,
)
from orders.ledger.models import EntryKind, LedgerEntry, Payout, PayoutShare
from orders.ledger.services import balance_idr, lock_sentra, post
from shop.audit.services import record as audit
from shop.db import utcnow
from shop.extensions import db
from shop.i18n import percent_of_bp
from shop.outbox.services import enqueue
from shop.sentras.access import membership_for
from shop.sentras.models import Role, Sentra, SentraMembership
from shop.spreadsheet import csv_text

MAX_AMOUNT_IDR = 2_000_000_000  # an INTEGER column holds up to 2^31 - 1
MAX_COMMISSION_BP = 5_000  # 50 %, as the sentra table's check allows
MIN_REASON_CHARS = 5
ACCOUNT_DIGITS = re.compile(r"\d{5,34}")
PAYOUT_JOB = "ledger.payout_recorded"
BANK_ACCOUNT_JOB = "ledger.bank_account_changed"
BATCH_COLUMNS = ("bank_name", "account_number", "account_holder", "amount_idr", "reference", "sentra", "payout_id")
TOKEN = re.compile(r"[0-9a-f]{32}")


def masked_account(number: str | None) -> str:
    """The last four digits only, as audit records and emails show an account number."""
    return f"•••• {number[-4:]}" if number else ""


def account_fingerprint(sentra: Sentra) -> str:
    """A short digest of the sentra's bank details, for a form to say which account it showed."""
    details = "\x1f".join((sentra.bank_name or "", sentra.bank_account_number or "", sentra.bank_account_holder or ""))
    return hashlib.sha256(details.encode()).hexdigest()[:16]


def has_bank_account(sentra: Sentra) -> bool:
    return bool(sentra.bank_name and sentra.bank_account_number and sentra.bank_account_holder)


def _amount(value: Any, *, signed: bool = False) -> int:
    """A whole-rupiah int in range (positive, or non-zero when ``signed``). :raise LedgerError: 422."""
    if isinstance(value, bool) or not isinstance(value, int) or (value == 0 if signed else value <= 0) \
            or abs(value) > MAX_AMOUNT_IDR:
        raise LedgerError("the amount must be a whole number of rupiah" + (", not zero" if signed else " above zero"),
                          code="invalid_amount", fields={"amount_idr": "invalid"})
    return value


def _require_role(sentra: Sentra, actor: Any, role: Role) -> None:
    membership = membership_for(actor.id, sentra.id) if actor is not None else None
    if membership is None or Role(membership.role).rank < role.rank:
        raise LedgerPermissionError(f"only the sentra's {role.value} may do this")


# --- payouts and adjustments (the office) ---------------------------------------------------------


def record_payout(sentra: Sentra, actor: Any, amount_idr: int, reference: str, note: str | None = None, *,
                  expected_balance_idr: int | None = None, expected_account: str | None = None) -> Payout:
    """Record a transfer the office made to the sentra's bank account, and debit the ledger. Flushes.

    Locks the sentra row before reading the balance. The payout keeps the bank details it went to;
    an audit event and an email to the sentra's owner and managers (outbox) go with it.
    ``expected_balance_idr`` is the balance the office saw: a different balance now (a payout
    recorded meanwhile, or the same form sent twice) is refused, and so is a bank account other than
    the one the office saw (``expected_account``, from :func:`account_fingerprint`).

    :raise LedgerError: 422 ``invalid_amount``, ``reference_required``, ``no_bank_account``, or
        ``exceeds_balance`` (``fields["available_idr"]``).
    :raise BalanceChangedError: 409. :raise BankAccountChangedError: 409.
    """
    amount_idr = _amount(amount_idr)
    reference = (reference or "").strip()
    if not reference or len(reference) > 120:
        raise LedgerError("give the transfer's reference (at most 120 characters)", code="reference_required",
                          fields={"reference": "required"})
    note = (note or "").strip() or None
    sentra = lock_sentra(sentra.id)
    if not has_bank_account(sentra):
        raise LedgerError("the sentra has no bank account yet; its owner must add one", code="no_bank_account")
    if expected_account is not None and expected_account != account_fingerprint(sentra):
        raise BankAccountChangedError("the sentra's bank account changed since the form was opened; check it again")
    available = balance_idr(sentra.id)
    if expected_balance_idr is not None and expected_balance_idr != available:
        raise BalanceChangedError("the balance changed since the form was opened; check it again",
                                  fields={"available_idr": available})
    if amount_idr > available:
        raise LedgerError("the payout is larger than the balance", code="exceeds_balance",
                          fields={"available_idr": available})
    payout = Payout(sentra_id=sentra.id, amount_idr=amount_idr, bank_name=sentra.bank_name,
                    account_number=sentra.bank_account_number, account_holder=sentra.bank_account_holder,
                    reference=reference, note=note, created_by_id=getattr(actor, "id", None))
    db.session.add(payout)
    db.session.flush()
    post(sentra.id, EntryKind.PAYOUT, f"payout:{payout.id}", debit_idr=amount_idr, actor=actor,
         payout_id=payout.id, note=f"payout, reference {reference}")
    audit(actor, "payout.record", "sentra", sentra.id, f"Payout of Rp{amount_idr} to {sentra.name} ({reference})",
          payout_id=payout.id, amount_idr=amount_idr, reference=reference,
          account=masked_account(sentra.bank_account_number))
    enqueue(PAYOUT_JOB, {"payout_id": payout.id})
    return payout


def record_adjustment(sentra: Sentra, actor: Any, amount_idr: int, reason: str, token: str | None = None) -> LedgerEntry:
    """Credit (positive) or debit (negative) the sentra by the office, with a reason. Flushes.

    ``token`` is the form's one-time token: the same form sent twice records one adjustment
    (the second returns the first's entry).

    Locks the sentra row like a payout; an adjustment may take the balance below zero.

    :raise LedgerError: 422 ``reason_required`` (under 5 characters) or ``invalid_amount``.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise LedgerError("an adjustment needs a reason", code="reason_required", fields={"reason": "required"})
    amount_idr = _amount(amount_idr, signed=True)
    sentra = lock_sentra(sentra.id)
    key = f"adjustment:{token if token and TOKEN.fullmatch(token) else uuid4().hex}"
    entry = post(sentra.id, EntryKind.ADJUSTMENT, key, actor=actor, note=reason,
                 credit_idr=max(amount_idr, 0), debit_idr=max(-amount_idr, 0))
    if entry is None:  # this form was sent before: nothing more to record
        return db.session.scalar(select(LedgerEntry).where(LedgerEntry.dedupe_key == key))
    audit(actor, "adjustment.record", "sentra", sentra.id, f"Adjustment of Rp{amount_idr} for {sentra.name}: {reason}",
          entry_id=entry.id, amount_idr=amount_idr, reason=reason)
    return entry


def set_commission_rate(sentra: Sentra, actor: Any, rate_bp: int | None) -> None:
    """Set the sentra's commission override in basis points (None: the configured rate). Flushes.

    Entries already posted keep the rate they used; new ones use this one.

    :raise LedgerError: 422 ``invalid_rate`` outside 0-5000.
    """
    if rate_bp is not None and (isinstance(rate_bp, bool) or not isinstance(rate_bp, int)
                                or not 0 <= rate_bp <= MAX_COMMISSION_BP):
        raise LedgerError("the commission is between 0 and 50 %", code="invalid_rate", fields={"rate": "invalid"})
    before = sentra.commission_rate_bp
    sentra.commission_rate_bp = rate_bp
    db.session.flush()
    audit(actor, "sentra.commission", "sentra", sentra.id,
          f"Commission of {sentra.name}: {_percent(before)} -> {_percent(rate_bp)}", before_bp=before, after_bp=rate_bp)


def _percent(rate_bp: int | None) -> str:
    return "default" if rate_bp is None else f"{percent_of_bp(rate_bp)} %"


# --- the sentra's side: bank account and members' shares ------------------------------------------


def set_bank_account(sentra: Sentra, actor: Any, password: str, bank_name: str, account_number: str,
                     account_holder: str) -> None:
    """Change where the sentra's payouts go: the owner only, after entering their password. Flushes.

    The account number loses its spaces and dashes. The audit event keeps its last four digits
    only; the owner is emailed that it changed (outbox).

    :raise LedgerPermissionError: 403 for anyone but the owner.
    :raise LedgerError: 422 ``validation_error`` (``fields``) or ``wrong_password``.
    """
    _require_role(sentra, actor, Role.OWNER)
    bank_name, account_holder = (bank_name or "").strip(), (account_holder or "").strip()
    number = re.sub(r"[\s-]", "", account_number or "")
    fields = {}
    if not bank_name or len(bank_name) > 80:
        fields["bank_name"] = "required"
    if not ACCOUNT_DIGITS.fullmatch(number):
        fields["account_number"] = "invalid"
    if not account_holder or len(account_holder) > 120:
        fields["account_holder"] = "required"
    if fields:
        raise LedgerError("check the bank account", code="validation_error", fields=fields)
    if not actor.password_hash or not check_password_hash(actor.password_hash, password or ""):
        raise LedgerError("the password is wrong", code="wrong_password", fields={"password": "wrong"})
    before = masked_account(sentra.bank_account_number)
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = bank_name, number, account_holder
    db.session.flush()
    audit(actor, "sentra.bank_account", "sentra", sentra.id, f"Bank account of {sentra.name} changed",
          bank_name=bank_name, account=masked_account(number), account_holder=account_holder, before=before)
    enqueue(BANK_ACCOUNT_JOB, {"sentra_id": sentra.id, "changed_by": actor.id})


def load_payout(sentra_id: int, payout_id: int) -> Payout:
    """The sentra's payout with its shares. :raise LedgerNotFoundError: 404, also for another sentra's."""
    payout = db.session.scalar(select(Payout).where(Payout.sentra_id == sentra_id, Payout.id == payout_id)
                               .options(selectinload(Payout.shares)))
    if payout is None:
        raise LedgerNotFoundError("no such payout")
    return payout


def current_members(sentra_id: int) -> list[SentraMembership]:
    """The sentra's memberships (with users), owner first, then by name."""
    rank = {Role.OWNER.value: 0, Role.MANAGER.value: 1}
    rows = db.session.scalars(select(SentraMembership).where(SentraMembership.sentra_id == sentra_id))
    return sorted(rows, key=lambda m: (rank.get(m.role, 2), m.user.name.lower(), m.user_id))


def record_shares(sentra: Sentra, actor: Any, payout_id: int, shares: Mapping[int, int]) -> list[PayoutShare]:
    """Record how a payout was shared among the members, replacing what was recorded before. Flushes.

    A manager or the owner records them; amounts of 0 are not kept (that member earned nothing).
    Locks the payout row, so two managers saving at once do not mix their lists.

    :raise LedgerPermissionError: 403 for a plain member.
    :raise LedgerNotFoundError: 404 for a payout that is not the sentra's.
    :raise LedgerError: 422 ``invalid_amount``, ``not_a_member`` or ``shares_exceed_payout``
        (``fields`` with ``total_idr`` and ``payout_idr``).
    """
    _require_role(sentra, actor, Role.MANAGER)
    payout = db.session.scalar(select(Payout).where(Payout.sentra_id == sentra.id, Payout.id == payout_id)
                               .with_for_update())
    if payout is None:
        raise LedgerNotFoundError("no such payout")
    bad = {str(user_id): "invalid" for user_id, amount in shares.items()
           if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT_IDR}
    if bad:
        raise LedgerError("each share is a whole number of rupiah, 0 or more", code="invalid_amount", fields=bad)
    members = {m.user_id for m in current_members(sentra.id)}
    strangers = {str(user_id): "not_a_member" for user_id in shares if user_id not in members}
    if strangers:
        raise LedgerError("shares go to current members of the sentra only", code="not_a_member", fields=strangers)
    # Shares of people who have left the sentra since stay as recorded (they did earn it).
    kept = db.session.scalar(select(func.coalesce(func.sum(PayoutShare.amount_idr), 0)).where(
        PayoutShare.payout_id == payout.id, PayoutShare.user_id.not_in(members))) if members else 0
    total = sum(shares.values()) + kept
    if total > payout.amount_idr:
        raise LedgerError("the shares add up to more than the payout", code="shares_exceed_payout",
                          fields={"total_idr": total, "payout_idr": payout.amount_idr})
    db.session.execute(delete(PayoutShare).where(PayoutShare.payout_id == payout.id,
                                                 PayoutShare.user_id.in_(members)))
    rows = [PayoutShare(payout_id=payout.id, user_id=user_id, amount_idr=amount, created_by_id=actor.id)
            for user_id, amount in sorted(shares.items()) if amount > 0]
    db.session.add_all(rows)
    db.session.flush()
    db.session.expire(payout, ["shares"])
    return rows


def sentra_payouts(sentra_id: int, limit: int = 10) -> list[Payout]:
    """The sentra's latest payouts, newest first, with their shares."""
    return list(db.session.scalars(
        select(Payout).where(Payout.sentra_id == sentra_id).options(selectinload(Payout.shares))
        .order_by(Payout.created_at.desc(), Payout.id.desc()).limit(limit)
    ))


# --- the office's overview and the bank batch -----------------------------------------------------------


@dataclass(frozen=True)
class BalanceDue:
    sentra: Sentra
    balance_idr: int
    has_bank_account: bool
    last_payout_at: datetime | None
    last_payout_idr: int | None


def balances_due() -> list[BalanceDue]:
    """Sentras the platform owes money (a positive balance), largest first. Two queries."""
    balance = func.sum(LedgerEntry.credit_idr - LedgerEntry.debit_idr)
    sums = (select(LedgerEntry.sentra_id, balance.label("balance")).group_by(LedgerEntry.sentra_id)
            .having(balance > 0).subquery())
    owed = db.session.execute(
        select(Sentra, sums.c.balance).join(sums, sums.c.sentra_id == Sentra.id)
        .order_by(sums.c.balance.desc(), Sentra.name)
    ).all()
    ids = [sentra.id for sentra, _ in owed]
    latest = select(Payout.sentra_id, func.max(Payout.id).label("id")).where(Payout.sentra_id.in_(ids)) \
        .group_by(Payout.sentra_id).subquery()
    last = {p.sentra_id: p for p in db.session.scalars(select(Payout).join(latest, latest.c.id == Payout.id))}
    return [BalanceDue(sentra, int(amount), has_bank_account(sentra),
                       last[sentra.id].created_at if sentra.id in last else None,
                       last[sentra.id].amount_idr if sentra.id in last else None)
            for sentra, amount in owed]


def payout_page(page: int, per_page: int = 20) -> Pagination:
    """Every payout, newest first, with its sentra."""
    return db.paginate(select(Payout).options(joinedload(Payout.sentra))
                       .order_by(Payout.created_at.desc(), Payout.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def unexported_count() -> int:
    return db.session.scalar(select(func.count(Payout.id)).where(Payout.exported_at.is_(None)))


def export_batch(actor: Any, payout_ids: Iterable[int] | None = None) -> str:
    """CSV for the bank of the payouts not exported yet (or of ``payout_ids``, again or not). Flushes.

    Marks them exported and records an audit event. Locks the payouts, so two exports at once
    do not both take the same ones.

    :raise LedgerError: 422 ``nothing_to_export``.
    """
    query = select(Payout).options(joinedload(Payout.sentra)).order_by(Payout.id).with_for_update(of=Payout)
    if payout_ids is None:
        query = query.where(Payout.exported_at.is_(None))
    else:
        query = query.where(Payout.id.in_(list(payout_ids)))
    payouts = list(db.session.scalars(query).unique())
    if not payouts:
        raise LedgerError("there are no payouts to export", code="nothing_to_export")
    now = utcnow()
    for payout in payouts:
        payout.exported_at = now
    db.session.flush()
    ids = [p.id for p in payouts]
    total = sum(p.amount_idr for p in payouts)
    audit(actor, "payout.export", "payout", ids[0] if len(ids) == 1 else f"{ids[0]}..{ids[-1]}",
          f"Bank batch of {len(ids)} payout(s), Rp{total}", payout_ids=ids, total_idr=total)
    return csv_text(BATCH_COLUMNS, ((p.bank_name, p.account_number, p.account_holder, p.amount_idr, p.reference,
                                 p.sentra.name, p.id) for p in payouts))
