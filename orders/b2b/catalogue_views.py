"""The partner's wholesale buying pages: the catalogue, asking a manager to approve a cart, reorder.

``/mitra/katalog`` lists what a verified partner can buy in bulk (tiers, a wholesale
minimum) or ask a quote for (made to order), through the normal cart. Every route needs
a login and a verified partner membership (the user acts for their first verified
partner, as in ``orders.b2b.partner_views``); anyone else gets a 403 page that says why.
Another partner's order or quote is a 404.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError

from catalog.pricing import PARTNER
from catalog.search.params import parse_search_args
from catalog.storefront.display import media_prefix
from catalog.storefront.queries import reference
from orders.b2b import reorder
from orders.b2b.access import can_approve, verified_memberships
from orders.b2b.cart_approval import request_cart_approval
from orders.b2b.catalogue import browse
from orders.b2b.errors import B2bError, NotFoundError
from orders.checkout.forms import read_checkout_form
from orders.checkout.quote import cart_lines, is_unavailable, quote
from orders.checkout.services import destination_of
from shop.accounts.models import Address
from shop.extensions import db
from shop.i18n import current_language, rupiah
from shop.paging import Page
from shop.partners.models import PartnerMembership
from shop.storage import get_storage

bp = Blueprint("b2b_catalogue", __name__, url_prefix="/mitra")

MAX_FLASHED = 8  # differences flashed one by one; the rest are counted
CHECKOUT_FIELDS = ("address", "recipient", "phone", "street", "location", "kelurahan_code", "city", "postal_code",
                   "payment_method")


def _membership() -> PartnerMembership | None:
    memberships = verified_memberships(current_user)
    return memberships[0] if memberships else None


def _saved_addresses() -> dict[str, Address]:
    rows = db.session.scalars(db.select(Address).where(Address.user_id == current_user.id)
                              .order_by(Address.is_default.desc(), Address.id))
    return {str(a.id): a for a in rows}


def _not_partner():
    return render_template("b2b/catalogue/not_partner.html"), 403


def _url(endpoint: str, fallback: str, **values: Any) -> str:
    """``url_for(endpoint)``, or ``fallback`` while that page is not there (built by another part)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


# --- the catalogue ----------------------------------------------------------------------------------


def _filters() -> tuple[Any, dict[str, str]]:
    wanted = MultiDict([(key, value) for key, value in request.args.items(multi=True)
                        if key in ("q", "subsector", "kecamatan", "page")])
    parsed = parse_search_args(wanted)
    return parsed.query, parsed.errors


@bp.get("/katalog")
@login_required
def catalogue():
    """The wholesale catalogue, filtered by text, subsector and kecamatan. :raise 403: not a partner member."""
    membership = _membership()
    if membership is None:
        return _not_partner()
    query, problems = _filters()
    result = browse(query.text, query.subsector, query.kecamatan, query.page)
    args = {"q": query.text or None, "subsector": query.subsector[0] if query.subsector else None,
            "kecamatan": query.kecamatan[0] if query.kecamatan else None}
    new_rfq = _url("b2b_partner.new_rfq", "/mitra/permintaan/baru")

    def rfq_url(slug: str, product_id: int) -> str:
        return new_rfq + "?" + urlencode({"sentra": slug, "product": product_id})

    ref = reference()
    locale = current_language()
    return render_template(
        "b2b/catalogue/catalogue.html", result=result, query=query, problems=problems, args=args,
        pages=Page(items=result.offers, total=result.total, page=result.page, per_page=result.per_page),
        subsectors=[(code, s.name_for(locale)) for code, s in ref.subsectors.items()],
        kecamatan=[(code, k.name) for code, k in ref.kecamatan.items()],
        media=media_prefix(get_storage()), rfq_url=rfq_url, partner=membership.partner,
        endpoint_exists=lambda name: name in current_app.view_functions,
    )


# --- a cart above the approval threshold ----------------------------------------------------------


@bp.post("/keranjang/minta-persetujuan")
@login_required
def request_approval():
    """Ask the partner's managers to approve the cart as the checkout page shows it.

    Posted by the checkout form's "Ask a manager to approve" button, with the buyer's
    choices, which come back to the checkout page. :raise 403: not a partner member.
    """
    membership = _membership()
    if membership is None:
        return _not_partner()
    back = {key: value for key, value in request.form.items()
            if key in CHECKOUT_FIELDS or key.startswith("delivery-")}
    choices = read_checkout_form(request.form, _saved_addresses())
    lines = cart_lines(current_user, PARTNER)
    if not lines:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.show"))
    if any(is_unavailable(line.variant) for line in lines):
        flash(_("Some items are no longer for sale. Remove them from the cart first."), "error")
        return redirect(url_for("cart.show"))
    priced = quote(current_user, lines, destination_of(choices.address), choices.deliveries, current_app.config,
                   PARTNER)
    if not priced.complete:
        flash(_("Choose an address and a delivery method for each sentra first."), "error")
        return redirect(url_for("checkout.start", **back))
    method = choices.payment_method if choices.payment_method in priced.payment_methods \
        else (priced.payment_methods[0] if priced.payment_methods else "")
    try:
        approval = request_cart_approval(membership, current_user,
                                         [(line.variant.id, line.quantity) for line in lines],
                                         priced.total_idr, method)
    except B2bError as error:
        db.session.rollback()
        if error.fields.get("amount_idr") == "below_threshold":
            flash(_("This purchase is within your organisation's approval threshold: you can place it now."),
                  "info")
        else:
            flash(_("Your cart is empty."), "info")
        return redirect(url_for("checkout.start", **back))
    db.session.commit()
    if can_approve(membership):
        flash(_("Another manager of %(partner)s has been asked to approve this cart (%(amount)s).",
                partner=membership.partner.name, amount=rupiah(approval.amount_idr)), "success")
    else:
        flash(_("The managers of %(partner)s have been asked to approve this cart (%(amount)s). You will get an "
                "email when they decide.", partner=membership.partner.name, amount=rupiah(approval.amount_idr)),
              "success")
    return redirect(url_for("checkout.start", **back))


# --- reorder ------------------------------------------------------------------------------------------


def _say(difference: reorder.Difference) -> str:
    d = difference
    change = reorder.Change
    if d.change == change.PRICE:
        return _("%(item)s: the unit price is now %(new)s (it was %(old)s).", item=d.title,
                 new=rupiah(d.new_unit_price_idr), old=rupiah(d.old_unit_price_idr))
    if d.change == change.REDUCED:
        return _("%(item)s: only %(new)d of %(old)d could be added (the stock left).", item=d.title,
                 new=d.new_quantity, old=d.old_quantity)
    if d.change == change.OUT_OF_STOCK:
        return _("%(item)s is out of stock and was left out.", item=d.title)
    if d.change == change.CUSTOM:
        return _("%(item)s was custom work: request a new quote for it.", item=d.title)
    if d.change == change.RAISED:
        return _("%(item)s: the quantity went up from %(old)d to the wholesale minimum of %(new)d.", item=d.title,
                 old=d.old_quantity, new=d.new_quantity)
    if d.change == change.NOT_LISTED:
        return _("%(item)s is no longer in the catalogue: the line was sent as a description only.", item=d.title)
    return _("%(item)s is no longer for sale and was left out.", item=d.title)


def _flash_differences(differences: list[reorder.Difference]) -> None:
    for difference in differences[:MAX_FLASHED]:
        flash(_say(difference), "warning")
    if len(differences) > MAX_FLASHED:
        flash(_("… and %(num)d more differences.", num=len(differences) - MAX_FLASHED), "warning")


@bp.post("/pesanan/<number>/pesan-lagi")
@login_required
def reorder_order(number: str):
    """Put an earlier order's lines into the cart at today's prices and stock, then show the cart.

    :raise 403: not a partner member. :raise 404: not an order of the member's partner.
    """
    membership = _membership()
    if membership is None:
        return _not_partner()
    try:
        result = reorder.reorder_order(membership, current_user, number)
    except NotFoundError:
        abort(404)
    db.session.commit()
    if result.added:
        flash(_("%(num)d items of order %(number)s are in your cart at today's prices.", num=len(result.added),
                number=number), "success")
    else:
        flash(_("Nothing of order %(number)s could be put in the cart.", number=number), "error")
    if result.differences:
        flash(_("What differs from order %(number)s:", number=number), "warning")
        _flash_differences(result.differences)
    return redirect(url_for("cart.show"), 303)


@bp.post("/penawaran/<int:quote_id>/minta-lagi")
@login_required
def reorder_quote(quote_id: int):
    """Send the sentra a new request for quote with an earlier quote's lines, then show it.

    :raise 403: not a partner member. :raise 404: not a quote to the member's partner.
    """
    membership = _membership()
    if membership is None:
        return _not_partner()
    try:
        result = reorder.repeat_quote(membership, current_user, quote_id)
    except NotFoundError:
        abort(404)
    except B2bError:
        db.session.rollback()
        flash(_("The sentra of this quote does not take requests now, so it could not be asked again."), "error")
        return redirect(_url("b2b_partner.rfq_list", "/mitra/permintaan"), 303)
    db.session.commit()
    rfq = result.rfq
    flash(_("Request #%(id)s was sent to %(sentra)s with the lines of quote #%(quote)s. It needs a new quote; "
            "you can withdraw the request if you change your mind.", id=rfq.id, sentra=rfq.sentra.name,
            quote=quote_id), "success")
    if result.differences:
        flash(_("Compared with quote #%(quote)s:", quote=quote_id), "warning")
        _flash_differences(result.differences)
    return redirect(_url("b2b_partner.rfq_detail", f"/mitra/permintaan/{rfq.id}", rfq_id=rfq.id), 303)
