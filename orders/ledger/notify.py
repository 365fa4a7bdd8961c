"""Emails about the sentra's money, sent by outbox handlers (``ledger.*`` jobs).

- ``ledger.payout_recorded`` (``{"payout_id"}``): the sentra's owner and managers hear that the
  office transferred a payout, with a link to record how it was shared among the members;
- ``ledger.bank_account_changed`` (``{"sentra_id", "changed_by"}``): the owner hears that the
  payout account changed (the last four digits only), so a change they did not make is seen.

Payloads carry ids only; a row that is gone sends nothing. Idempotency as in :mod:`orders.notify`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from orders.b2b.notify import link
from orders.ledger.models import Payout
from orders.ledger.payouts import BANK_ACCOUNT_JOB, PAYOUT_JOB, masked_account
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import rupiah
from shop.mail import send_mail
from shop.outbox.services import register
from shop.sentras.models import Role, Sentra, SentraMembership

log = logging.getLogger(__name__)


def _people(sentra_id: int, roles: tuple[str, ...]) -> list[User]:
    return list(db.session.scalars(
        select(User).join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == sentra_id, SentraMembership.role.in_(roles), User.deleted_at.is_(None))
        .order_by(User.id)
    ))


def _mail(users: list[User], subject: Callable[[], str], body: Callable[[User], str]) -> None:
    """One message per user, in that user's language."""
    for user in users:
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            send_mail(user.email, subject(), body(user))


@register(PAYOUT_JOB)
def payout_recorded(payload: dict[str, Any]) -> None:
    """The office paid the sentra: its owner and managers are told how much, where and the reference."""
    payout = db.session.get(Payout, payload.get("payout_id") or 0)
    if payout is None:
        log.warning("payout %s is gone; no email sent", payload.get("payout_id"))
        return
    slug = payout.sentra.slug
    page = link("ledger.payout_detail", f"/kelola/{slug}/keuangan/pencairan/{payout.id}",
                sentra_slug=slug, payout_id=payout.id)

    def body(user: User) -> str:
        return "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("The program office transferred %(amount)s to the account of %(sentra)s at %(bank)s (%(account)s, "
              "%(holder)s). Transfer reference: %(reference)s.",
              amount=rupiah(payout.amount_idr), sentra=payout.sentra.name, bank=payout.bank_name,
              account=masked_account(payout.account_number), holder=payout.account_holder,
              reference=payout.reference),
            _("Record how the payout is shared among the members: %(link)s", link=page),
        ])

    _mail(_people(payout.sentra_id, (Role.OWNER.value, Role.MANAGER.value)),
          lambda: _("Payout of %(amount)s to %(sentra)s", amount=rupiah(payout.amount_idr),
                    sentra=payout.sentra.name), body)


@register(BANK_ACCOUNT_JOB)
def bank_account_changed(payload: dict[str, Any]) -> None:
    """The payout account changed: the owner is told (a change they did not make must be noticed)."""
    sentra = db.session.get(Sentra, payload.get("sentra_id") or 0)
    if sentra is None:
        log.warning("sentra %s is gone; no email sent", payload.get("sentra_id"))
        return
    page = link("ledger.bank_account", f"/kelola/{sentra.slug}/keuangan/rekening", sentra_slug=sentra.slug)

    def body(user: User) -> str:
        return "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("The bank account for the payouts of %(sentra)s was changed to %(bank)s %(account)s (%(holder)s).",
              sentra=sentra.name, bank=sentra.bank_name or "", account=masked_account(sentra.bank_account_number),
              holder=sentra.bank_account_holder or ""),
            _("If you did not make this change, change your password and contact the program office at once: "
              "%(link)s", link=page),
        ])

    _mail(_people(sentra.id, (Role.OWNER.value,)),
          lambda: _("The bank account of %(sentra)s changed", sentra=sentra.name), body)
