"""Routes of the cart blueprint: the cart page and its forms.

A signed-in buyer's cart is theirs; a guest's lives behind a random token in an
HttpOnly cookie (the database keeps only its SHA-256) and merges into the
account's cart when the guest logs in (Flask-Login's ``user_logged_in`` signal,
so every way of logging in merges: /login, /register).
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, user_logged_in
from flask_wtf.csrf import validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from wtforms.validators import ValidationError

from catalog.pricing import strategy_for
from catalog.thumbnails import cover_thumbnails
from orders.cart import errors as cart_errors
from orders.cart import services
from orders.cart import summary as cart_summary
from orders.cart.forms import QUANTITY_MESSAGE, AddToCartForm, QuantityForm
from orders.cart.models import Cart
from shop.caching import mark_private
from shop.extensions import csrf, db
from shop.i18n import gettext as _
from shop.i18n import ngettext
from shop.main import safe_next

bp = Blueprint("cart", __name__)

COOKIE_NAME = "cart"
COOKIE_MAX_AGE = timedelta(days=60)


# --- the guest cookie ----------------------------------------------------------------------------


def _set_guest_cookie(token: str) -> None:
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))

    @after_this_request
    def _set(response: Response) -> Response:
        response.set_cookie(COOKIE_NAME, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=secure, path="/")
        return response


def _forget_guest_cookie() -> None:
    @after_this_request
    def _forget(response: Response) -> Response:
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="Lax")
        return response


def _guest_token() -> str | None:
    token = request.cookies.get(COOKIE_NAME)
    if token:
        mark_private()  # the page shows this guest's cart (if only its count in the header)
    return token


def _current_cart(create: bool = False) -> Cart | None:
    """The buyer's cart (signed in) or the guest's (cookie); with ``create``, made when missing."""
    if current_user.is_authenticated:
        return services.cart_for_user(current_user, create=create)
    token = _guest_token()
    cart = services.cart_for_token(token)
    if cart is None and create:
        token = services.new_guest_token()  # always a fresh one: never a token the client chose
        cart = services.cart_for_token(token, create=True)
    if cart is not None and create:
        _set_guest_cookie(token)  # type: ignore[arg-type]  (refreshes its age on every change)
    return cart


def _adopt_leftover_guest_cart() -> bool:
    """A signed-in buyer who still carries a guest cookie (logged in by a remember cookie): merge now."""
    if not current_user.is_authenticated or _guest_token() is None:
        return False
    _forget_guest_cookie()
    return services.adopt_guest_cart(current_user, _guest_token()) is not None


def _merge_at_login(sender, user, **_extra) -> None:
    """``user_logged_in``: the guest's cart joins the account's cart, and the guest cookie goes."""
    if not has_request_context() or _guest_token() is None:
        return
    _forget_guest_cookie()
    try:
        result = services.adopt_guest_cart(user, _guest_token())
        db.session.commit()  # the login views commit nothing after logging in
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("could not merge the guest cart of user %s", user.id)
        return
    if result is not None and result.capped_variant_ids:
        flash(_("Some quantities in your cart were reduced to the stock that is left."), "warning")


user_logged_in.connect(_merge_at_login)


@bp.app_context_processor
def _cart_count_helper() -> dict:
    def cart_count() -> int:
        """Units in the buyer's cart for the header: one query; none for a guest without a cart cookie."""
        if "_cart_count" not in g:
            try:
                if current_user.is_authenticated:
                    g._cart_count = services.item_count_for(user_id=current_user.id)
                else:
                    g._cart_count = services.item_count_for(token=_guest_token())
            except SQLAlchemyError:  # an error page about the database still renders its header
                db.session.rollback()
                g._cart_count = 0
        return g._cart_count

    return {"cart_count": cart_count}


# --- messages --------------------------------------------------------------------------------


def _message(error: cart_errors.CartError) -> str:
    if isinstance(error, cart_errors.InsufficientStockError):
        if error.available <= 0:
            return _("Sorry, this item is out of stock.")
        return ngettext("Only %(num)d unit is in stock; your cart cannot hold %(requested)d.",
                        "Only %(num)d units are in stock; your cart cannot hold %(requested)d.",
                        error.available, requested=error.requested)
    if isinstance(error, cart_errors.VariantUnavailableError | cart_errors.VariantNotFoundError):
        return _("Sorry, this product is no longer available.")
    if isinstance(error, cart_errors.InvalidQuantityError):
        return _("Enter a quantity from 1 to %(max)s; your cart holds at most %(max)s of one item.",
                 max=services.MAX_QUANTITY)
    return _("Your cart could not be changed. Please try again.")


def _form_problem(form) -> str:
    if form.errors.get("variant_id"):
        return _("Choose a variant first.")
    if form.errors.get("quantity"):  # also "not a number", which WTForms words its own way
        return str(QUANTITY_MESSAGE)
    return _("Your cart could not be changed. Please try again.")


# --- pages -----------------------------------------------------------------------------------


@bp.get("/cart")
def show():
    """The cart: lines grouped by sentra, today's prices and warnings for what changed."""
    if _adopt_leftover_guest_cart():
        db.session.commit()
    strategy = strategy_for(current_user)
    summary = cart_summary.summarize(_current_cart(), strategy)
    g._cart_count = summary.item_count  # the header needs no query of its own
    return render_template("orders/cart/show.html", summary=summary, max_quantity=services.MAX_QUANTITY,
                           thumbs=cover_thumbnails(line.product.id for line in summary.lines))


def _same_site_form() -> bool:
    """Whether this POST comes from a page of this site, by the browser's own headers.

    OWASP's "verifying origin with standard headers": browsers send ``Origin`` (else
    ``Referer``) on a form POST, and a page of another site cannot forge them;
    ``Sec-Fetch-Site``, where sent, must say same-origin.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return False
    return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"


def _check_add_csrf() -> None:
    """CSRF for the product page's add-to-cart form.

    A visitor with a session (signed in, or a guest who has one) posts Flask-WTF's token, as
    every form does. A guest's first product page must not create a session (anonymous
    pages stay cacheable and cheap), so it carries no token; such a post, from a visitor
    without a session, is accepted only when the browser says it came from this site.

    :raise 400: no valid token, and not a sessionless same-site post.
    """
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = request.form.get("csrf_token")
    if token:
        try:
            validate_csrf(token)
        except ValidationError:
            abort(400, _("This form has expired or is not valid. Reload the page and submit it again."))
        return
    if session or current_user.is_authenticated or not _same_site_form():
        abort(400, _("This form has expired or is not valid. Reload the page and submit it again."))


@bp.post("/cart/add")
@csrf.exempt  # checked by _check_add_csrf: a token, or a sessionless same-site post
def add():
    """Add a variant from the product page; back to that page (or the cart) with a message."""
    _check_add_csrf()
    form = AddToCartForm(meta={"csrf": False})
    back = safe_next(form.next.data, url_for("cart.show"))
    if not form.validate():
        flash(_form_problem(form), "error")
        return redirect(back)
    try:
        cart = _current_cart(create=True)
        services.add_item(cart, form.variant_id.data, form.quantity.data, strategy_for(current_user))
    except cart_errors.CartError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("Added to your cart."), "success")
    return redirect(back)


def _existing_cart() -> Cart:
    cart = _current_cart()
    if cart is None:
        abort(404)
    return cart


@bp.post("/cart/lines/<int:line_id>")
def update_line(line_id: int):
    """Change a line's quantity.

    :raise 404: no such line in the buyer's cart.
    """
    form = QuantityForm()
    cart = _existing_cart()
    if not form.validate():
        flash(_form_problem(form), "error")
        return redirect(url_for("cart.show"))
    try:
        services.set_quantity(cart, line_id, form.quantity.data, strategy_for(current_user))
    except cart_errors.CartLineNotFoundError:
        abort(404)
    except cart_errors.CartError as error:
        db.session.rollback()
        flash(_message(error), "error")
        return redirect(url_for("cart.show"))
    db.session.commit()
    flash(_("Quantity updated."), "success")
    return redirect(url_for("cart.show"))


@bp.post("/cart/lines/<int:line_id>/remove")
def remove_line(line_id: int):
    """Take a line out of the cart.

    :raise 404: no such line in the buyer's cart.
    """
    cart = _existing_cart()
    try:
        services.remove_line(cart, line_id)
    except cart_errors.CartLineNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("Removed from your cart."), "success")
    return redirect(url_for("cart.show"))


@bp.post("/cart/prices/accept")
def accept_prices():
    """The buyer has seen the new prices: the warnings go."""
    cart = _current_cart()
    if cart is not None:
        services.refresh_seen_prices(cart, strategy_for(current_user))
        db.session.commit()
    flash(_("Your cart now shows today's prices."), "success")
    return redirect(url_for("cart.show"))
