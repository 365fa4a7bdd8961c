"""Emails for each B2B step, to the other side, sent by outbox handlers (``b2b.*`` jobs).

Who hears of what:

- the sentra's members: a new request (``rfq_created``), a withdrawn one (``rfq_cancelled``),
  the partner's comment, a declined or accepted quote, a confirmed handover;
- the partner's people (the request's creator and the managers): a quote or a revision
  (``quote_sent``), the sentra's comment;
- the partner's managers other than the requester: a purchase waiting for approval;
- the requester: the manager's decision (``approval_decided``);
- an overdue invoice (``invoice_overdue``): the partner's members, the sentra's members and
  the program office (users with the admin flag).

Payloads carry ids only; a row that is gone sends nothing. Each message is plain text in its
recipient's language, with absolute links. A new request also reaches the sentra's members on
WhatsApp, as each chose (:mod:`orders.notify`). Idempotency as in :mod:`orders.notify`: a job runs
once; a rare duplicate email after a crash is harmless.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.routing import BuildError

from orders.b2b.jobs import OVERDUE_JOB
from orders.b2b.models import Invoice, PurchaseApproval, Quote, Rfq, RfqComment, Side
from orders.core.models import Order
from orders.notify import WhatsApp, external_url, tell, whatsapp_template
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import rupiah, wib
from shop.outbox.services import Handler, register
from shop.partners.models import PartnerMembership, PartnerRole
from shop.sentras.models import SentraMembership

log = logging.getLogger(__name__)

MANAGER_ROLES = (PartnerRole.MANAGER.value, PartnerRole.OWNER.value)

RowHandler = Callable[[Any, dict[str, Any]], None]


# --- links ------------------------------------------------------------------------------------------


def link(endpoint: str, fallback_path: str, **values: Any) -> str:
    """An absolute link to ``endpoint``, or to ``BASE_URL`` + ``fallback_path`` if it is not registered."""
    try:
        return external_url(endpoint, **values)
    except BuildError:
        return current_app.config["BASE_URL"].rstrip("/") + fallback_path


def _partner_rfq_link(rfq: Rfq) -> str:
    return link("b2b_partner.rfq_detail", f"/mitra/permintaan/{rfq.id}", rfq_id=rfq.id)


def _sentra_rfq_link(rfq: Rfq) -> str:
    slug = rfq.sentra.slug
    return link("b2b_sentra.detail", f"/kelola/{slug}/penawaran/{rfq.id}", sentra_slug=slug, rfq_id=rfq.id)


def _approvals_link() -> str:
    return link("b2b_partner.approvals", "/mitra/persetujuan")


def _partner_order_link(order: Order) -> str:
    return link("b2b_partner.order_detail", f"/mitra/pesanan/{order.number}", number=order.number)


def _sentra_order_link(order: Order) -> str:
    return external_url("orders_kelola.detail", sentra_slug=order.sentra.slug, number=order.number)


# --- recipients -------------------------------------------------------------------------------------


def _live(users: Iterable[User | None]) -> list[User]:
    """Each user once, without deleted accounts, in id order."""
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.deleted_at is None:
            seen.setdefault(user.id, user)
    return [seen[key] for key in sorted(seen)]


def sentra_members(sentra_id: int) -> list[User]:
    return _live(db.session.scalars(
        select(User).join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == sentra_id)
    ))


def partner_members(partner_id: int, *, managers_only: bool = False) -> list[User]:
    query = (select(User).join(PartnerMembership, PartnerMembership.user_id == User.id)
             .where(PartnerMembership.partner_id == partner_id))
    if managers_only:
        query = query.where(PartnerMembership.role.in_(MANAGER_ROLES))
    return _live(db.session.scalars(query))


def _rfq_people(rfq: Rfq) -> list[User]:
    """Who on the partner's side follows a request: its creator and the partner's managers."""
    return _live([rfq.created_by, *partner_members(rfq.partner_id, managers_only=True)])


def _office() -> list[User]:
    return _live(db.session.scalars(select(User).where(User.is_admin.is_(True))))


def _mail(users: Iterable[User], subject: Callable[[], str], paragraphs: Callable[[], list[str]],
          whatsapp: WhatsApp | None = None) -> None:
    """Send each user the message in their own language: ``subject`` and ``paragraphs`` are called
    under the user's locale, and the body is a greeting followed by the paragraphs. With
    ``whatsapp`` (a template for a recipient) it goes by email, WhatsApp or both as each chose."""
    for user in users:
        tell(user, subject,
             lambda user=user: "\n\n".join([_("Hello %(name)s,", name=user.name), *paragraphs()]), whatsapp)


def _get(model: type, key: Any) -> Any:
    row = db.session.get(model, key) if key is not None else None
    if row is None:
        log.warning("%s %s is gone; no email sent", model.__name__, key)
    return row


def _handler(kind: str, model: type, key: str) -> Callable[[RowHandler], Handler]:
    """Register ``fn(row, payload)`` for jobs of ``kind``, with the ``model`` row whose id is the
    payload's ``key``; a row that is gone sends nothing."""

    def decorator(fn: RowHandler) -> Handler:
        @register(kind)
        @functools.wraps(fn)
        def handle(payload: dict[str, Any]) -> None:
            row = _get(model, payload.get(key))
            if row is not None:
                fn(row, payload)

        return handle

    return decorator


def _quote_summary(quote: Quote) -> str:
    lines = [f"- {line.quantity} × {line.description}: {rupiah(line.total_idr)}" for line in quote.lines]
    lines += ["", _("Delivery fee: %(amount)s", amount=rupiah(quote.delivery_fee_idr))]
    if quote.tax_idr:
        lines.append(_("PPN %(rate)s%%: %(amount)s", rate=quote.tax_rate_percent, amount=rupiah(quote.tax_idr)))
    lines.append(_("Total: %(amount)s", amount=rupiah(quote.total_idr)))
    return "\n".join(lines)


# --- to the sentra ----------------------------------------------------------------------------------


@_handler("b2b.rfq_created", Rfq, "rfq_id")
def rfq_created(rfq: Rfq, payload: dict[str, Any]) -> None:
    """A partner asks the sentra for a quote: every member of the sentra hears of it."""
    _mail(sentra_members(rfq.sentra_id), lambda: _("Request for quote from %(partner)s", partner=rfq.partner.name),
          lambda: [
              _("%(partner)s asks %(sentra)s for a quote, needed by %(date)s:",
                partner=rfq.partner.name, sentra=rfq.sentra.name, date=rfq.needed_by.isoformat()),
              "\n".join(f"- {line.quantity} × {line.description}" for line in rfq.lines),
              _("Answer with a quote: %(link)s", link=_sentra_rfq_link(rfq)),
          ],
          lambda member: whatsapp_template("permintaan_penawaran_baru", member.name, rfq.partner.name,
                                           rfq.sentra.name, wib(rfq.needed_by), _sentra_rfq_link(rfq)))


@_handler("b2b.rfq_cancelled", Rfq, "rfq_id")
def rfq_cancelled(rfq: Rfq, payload: dict[str, Any]) -> None:
    _mail(sentra_members(rfq.sentra_id), lambda: _("Request for quote %(id)s withdrawn", id=rfq.id), lambda: [
        _("%(partner)s withdrew its request for quote %(id)s; no quote is needed any more.",
          partner=rfq.partner.name, id=rfq.id),
        _("The request: %(link)s", link=_sentra_rfq_link(rfq)),
    ])


@_handler("b2b.comment_added", RfqComment, "comment_id")
def comment_added(comment: RfqComment, payload: dict[str, Any]) -> None:
    """A comment goes to the other side: the partner's comment to the sentra, and the other way."""
    rfq = comment.rfq
    author = comment.author.name if comment.author is not None else ""
    if comment.side == Side.PARTNER:
        people, where, sender = sentra_members(rfq.sentra_id), _sentra_rfq_link(rfq), rfq.partner.name
    else:
        people, where, sender = _rfq_people(rfq), _partner_rfq_link(rfq), rfq.sentra.name
    people = [user for user in people if user.id != comment.author_id]
    _mail(people, lambda: _("New comment on request for quote %(id)s", id=rfq.id), lambda: [
        _("%(author)s (%(side)s) wrote on request %(id)s:", author=author, side=sender, id=rfq.id),
        comment.body,
        _("Reply: %(link)s", link=where),
    ])


@_handler("b2b.quote_declined", Quote, "quote_id")
def quote_declined(quote: Quote, payload: dict[str, Any]) -> None:
    rfq = quote.rfq
    reason = (payload.get("reason") or "").strip()

    def paragraphs() -> list[str]:
        parts = [_("%(partner)s declined your quote (revision %(revision)s) for request %(id)s.",
                   partner=rfq.partner.name, revision=quote.revision, id=rfq.id)]
        if reason:
            parts.append(_("Reason: %(reason)s", reason=reason))
        parts.append(_("The request: %(link)s", link=_sentra_rfq_link(rfq)))
        return parts

    _mail(sentra_members(quote.sentra_id), lambda: _("Quote for request %(id)s declined", id=rfq.id), paragraphs)


@_handler("b2b.quote_accepted", Quote, "quote_id")
def quote_accepted(quote: Quote, payload: dict[str, Any]) -> None:
    """The partner accepted: the sentra has a new order (its papers are ready to print)."""
    if quote.order is None:
        return
    rfq, order = quote.rfq, quote.order
    _mail(sentra_members(quote.sentra_id), lambda: _("Quote accepted: order %(number)s", number=order.number),
          lambda: [
              _("%(partner)s accepted your quote for request %(id)s. It is now order %(number)s.",
                partner=rfq.partner.name, id=rfq.id, number=order.number),
              _quote_summary(quote),
              _("The order: %(link)s", link=_sentra_order_link(order)),
          ])


@_handler("b2b.handover_confirmed", Order, "order_id")
def handover_confirmed(order: Order, payload: dict[str, Any]) -> None:
    from orders.b2b.partner_orders import handover_record_of  # noqa: PLC0415  (it imports the shipping services)

    record = handover_record_of(order)
    name = record.received_by_name if record is not None else ""
    _mail(sentra_members(order.sentra_id), lambda: _("Order %(number)s received", number=order.number), lambda: [
        _("%(name)s signed the handover record of order %(number)s: the goods were received.",
          name=name, number=order.number),
        _("The order: %(link)s", link=_sentra_order_link(order)),
    ])


# --- to the partner ---------------------------------------------------------------------------------


@_handler("b2b.quote_sent", Quote, "quote_id")
def quote_sent(quote: Quote, payload: dict[str, Any]) -> None:
    """A quote (or a revision) arrived: the request's creator and the partner's managers."""
    rfq = quote.rfq
    _mail(_rfq_people(rfq), lambda: _("Quote from %(sentra)s for request %(id)s", sentra=rfq.sentra.name, id=rfq.id),
          lambda: [
              _("%(sentra)s quoted your request %(id)s (revision %(revision)s), valid until %(date)s:",
                sentra=rfq.sentra.name, id=rfq.id, revision=quote.revision, date=quote.valid_until.isoformat()),
              _quote_summary(quote),
              _("Accept or decline it: %(link)s", link=_partner_rfq_link(rfq)),
          ])


@_handler("b2b.approval_requested", PurchaseApproval, "approval_id")
def approval_requested(approval: PurchaseApproval, payload: dict[str, Any]) -> None:
    """A purchase above the threshold waits: the partner's managers other than the requester."""
    requester = approval.requested_by.name if approval.requested_by is not None else ""
    managers = [user for user in partner_members(approval.partner_id, managers_only=True)
                if user.id != approval.requested_by_id]
    _mail(managers, lambda: _("Approval needed: a purchase of %(amount)s", amount=rupiah(approval.amount_idr)),
          lambda: [
              _("%(name)s prepared a purchase of %(amount)s for %(partner)s. It is above the approval "
                "threshold, so a manager other than %(name)s must approve it.",
                name=requester, amount=rupiah(approval.amount_idr), partner=approval.partner.name),
              _("Approve or reject it: %(link)s", link=_approvals_link()),
          ])


@_handler("b2b.approval_decided", PurchaseApproval, "approval_id")
def approval_decided(approval: PurchaseApproval, payload: dict[str, Any]) -> None:
    manager = approval.decided_by.name if approval.decided_by is not None else ""
    approved = approval.status == "approved"
    order = approval.quote.order if approval.quote is not None else None

    def paragraphs() -> list[str]:
        if approved:
            parts = [_("%(manager)s approved your purchase of %(amount)s.",
                       manager=manager, amount=rupiah(approval.amount_idr))]
        else:
            parts = [_("%(manager)s rejected your purchase of %(amount)s; nothing was bought.",
                       manager=manager, amount=rupiah(approval.amount_idr))]
        if approval.note:
            parts.append(_("Note: %(note)s", note=approval.note))
        if approved and order is not None:
            parts.append(_("The order %(number)s: %(link)s", number=order.number, link=_partner_order_link(order)))
        else:
            parts.append(_("Your approvals: %(link)s", link=_approvals_link()))
        return parts

    _mail(_live([approval.requested_by]), lambda: _("Purchase approved") if approved else _("Purchase rejected"),
          paragraphs)


# --- to everyone: an overdue invoice ----------------------------------------------------------------


@_handler(OVERDUE_JOB, Invoice, "invoice_id")
def invoice_overdue(invoice: Invoice, payload: dict[str, Any]) -> None:
    """An unpaid invoice is past its due date: the partner, the sentra and the office hear of it."""
    if invoice.status != "unpaid":
        return
    order = invoice.order

    def subject() -> str:
        return _("Invoice %(number)s is overdue", number=invoice.number)

    def facts() -> str:
        return _("Invoice %(number)s of %(seller)s to %(buyer)s for %(amount)s was due on %(date)s and is "
                 "not paid.", number=invoice.number, seller=invoice.seller_name, buyer=invoice.buyer_name,
                 amount=rupiah(invoice.total_idr), date=invoice.due_on.isoformat())

    partner_link = external_url("b2b_papers.partner_invoice", number=order.number)
    _mail(partner_members(invoice.partner_id), subject, lambda: [
        facts(),
        _("Please pay it by bank transfer with the invoice number as the reference. Until it is paid, "
          "no new orders can be placed on payment terms."),
        _("The invoice: %(link)s", link=partner_link),
    ])
    sentra_link = external_url("b2b_papers.sentra_invoice", sentra_slug=order.sentra.slug, number=order.number)
    _mail(sentra_members(invoice.sentra_id), subject, lambda: [
        facts(),
        _("The program office follows it up with the partner."),
        _("The invoice: %(link)s", link=sentra_link),
    ])
    office_link = external_url("admin.b2b_invoices", status="overdue")
    _mail(_office(), subject, lambda: [facts(), _("Invoices on terms: %(link)s", link=office_link)])


HANDLED_KINDS = ("b2b.rfq_created", "b2b.rfq_cancelled", "b2b.comment_added", "b2b.quote_sent", "b2b.quote_declined",
                 "b2b.quote_accepted", "b2b.approval_requested", "b2b.approval_decided", "b2b.handover_confirmed",
                 OVERDUE_JOB)
