"""The buyer's side of Midtrans payments beyond the payment page itself.

- ``GET /checkout/<id>/midtrans/status``: what static/js/midtrans.js polls on the payment page,
  so the page moves on by itself when the payment lands (our own endpoint: no gateway script);
- ``/orders/<number>/rekening-refund``: a virtual-account payment cannot be refunded by the
  gateway, so the office pays it by bank transfer; the buyer gives the account here (emailed link);
- the ``qr_svg`` template filter: a QRIS string drawn as an inline SVG on our side (segno), so
  the QR shows without loading an image from the gateway.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from orders.core.locks import lock_payment
from orders.core.models import Checkout, Order
from orders.core.payments import MIDTRANS_METHODS, MIDTRANS_VAS, Payment, Refund
from orders.payments.midtrans import BANK_DETAILS_JOB
from orders.payments.services import PAID_STATES, WAITING
from shop.db import utcnow
from shop.extensions import db
from shop.forms import PageForm
from shop.i18n import rupiah
from shop.mail import send_mail
from shop.outbox.services import register as register_job

bp = Blueprint("midtrans", __name__)

QR_MAX_LENGTH = 1000  # a QRIS string is a few hundred characters


@bp.app_template_filter("qr_svg")
def qr_svg(value: str | None) -> Markup:
    """``value`` as a QR code in an inline ``<svg>`` (no style attribute: the CSP forbids inline styles)."""
    if not value or len(value) > QR_MAX_LENGTH:
        return Markup("")
    import segno  # here: only the payment page draws one

    code = segno.make(value, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-svg", lineclass=None,
                          title=_("QR code to scan with a banking or e-wallet app"))
    return Markup(svg)  # noqa: S704  (segno's own markup; the string is escaped inside it)


def _midtrans_checkout(checkout_id: int) -> Checkout:
    checkout = db.session.scalar(select(Checkout).where(Checkout.id == checkout_id,
                                                        Checkout.buyer_id == current_user.id))
    if checkout is None or checkout.payment is None or checkout.payment.method not in MIDTRANS_METHODS:
        abort(404)
    return checkout


@bp.get("/checkout/<int:checkout_id>/midtrans/status")
@login_required
def payment_status(checkout_id: int):
    """``{"state", "paid", "closed", "next_url"}`` of one of the buyer's Midtrans checkouts.

    :raise 404: someone else's checkout, or not paid through Midtrans.
    """
    payment = _midtrans_checkout(checkout_id).payment
    paid = payment.state in PAID_STATES
    closed = not paid and payment.state not in WAITING
    next_url = url_for("checkout.done", checkout_id=checkout_id) if paid else \
        url_for("checkout.payment", checkout_id=checkout_id)
    response = jsonify(state=payment.state, paid=paid, closed=closed, next_url=next_url)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- a refund the office pays by hand: the buyer's bank account -------------------------------------


class RefundAccountForm(PageForm):
    bank_name = StringField(_l("Bank"), validators=[DataRequired(message=_l("Name your bank.")), Length(max=60)])
    account_number = StringField(
        _l("Account number"),
        filters=[lambda value: re.sub(r"[\s.-]", "", value) if isinstance(value, str) else value],
        validators=[DataRequired(message=_l("Enter the account number.")),
                    Regexp(r"^[0-9]{5,20}$", message=_l("An account number has 5 to 20 digits."))])
    account_holder = StringField(_l("Account holder"), validators=[
        DataRequired(message=_l("Enter the name on the account.")), Length(max=120)])


def _waiting_refunds(order: Order) -> list[Refund]:
    return list(db.session.scalars(
        select(Refund).join(Payment, Payment.id == Refund.payment_id)
        .where(Refund.order_id == order.id, Refund.state == "pending", Refund.bank_details_requested_at.is_not(None),
               Payment.method.in_(list(MIDTRANS_VAS)))
        .order_by(Refund.id)
    ))


def _buyer_order(number: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number, Order.buyer_id == current_user.id))
    if order is None:
        abort(404)
    return order


@bp.route("/orders/<number>/rekening-refund", methods=["GET", "POST"])
@login_required
def refund_account(number: str):
    """Where the office should send this order's refund (a virtual-account payment).

    :raise 404: someone else's order, or no refund waiting for an account.
    """
    order = _buyer_order(number)
    refunds = _waiting_refunds(order)
    if not refunds:
        abort(404)
    form = RefundAccountForm(obj=None)
    if form.validate_on_submit():
        lock_payment(refunds[0].payment_id)  # the office may be recording the refund at this moment
        now = utcnow()
        for refund in _waiting_refunds(order):
            refund.bank_name = form.bank_name.data.strip()[:60]
            refund.bank_account_number = form.account_number.data
            refund.bank_account_holder = form.account_holder.data.strip()[:120]
            refund.bank_details_given_at = now
        db.session.commit()
        flash(_("Thank you. The program office will transfer the refund to this account."), "success")
        return redirect(url_for("orders.detail", number=number), 303)
    if not form.is_submitted() and refunds[0].bank_details_given_at:
        form.bank_name.data = refunds[0].bank_name
        form.account_number.data = refunds[0].bank_account_number
        form.account_holder.data = refunds[0].bank_account_holder
    status = 422 if form.is_submitted() else 200
    return render_template("orders/payments/midtrans_refund_account.html", order=order, form=form,
                           amount_idr=sum(r.amount_idr for r in refunds), given=refunds[0].bank_details_given_at), status


def _external_url(endpoint: str, **values: Any) -> str:
    config = current_app.config
    if has_request_context() or config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


@register_job(BANK_DETAILS_JOB)
def _ask_for_bank_details(payload: dict[str, Any]) -> None:
    """Email the buyer: the refund of a virtual-account payment needs the account to send it to."""
    refund = db.session.get(Refund, payload["refund_id"])
    if refund is None or refund.state != "pending" or refund.bank_details_given_at or refund.order is None:
        return
    order = refund.order
    buyer = order.buyer
    with force_locale(buyer.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        subject = _("Where should we send your refund for %(number)s?", number=order.number)
        body = "\n\n".join([
            _("You paid order %(number)s by virtual account, which cannot be refunded automatically. "
              "The program office will transfer %(amount)s back to you.", number=order.number,
              amount=rupiah(refund.amount_idr)),
            _("Tell us the bank account to send it to: %(url)s",
              url=_external_url("midtrans.refund_account", number=order.number)),
        ])
    send_mail(buyer.email, subject, body)
