"""The account pages under /akun: profile, password, addresses, API tokens, data and deletion."""
from __future__ import annotations

import json

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from shop.accounts import services
from shop.accounts.forms import (
    AddressForm,
    ApiTokenForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ProfileForm,
    apply_problems,
)
from shop.accounts.home import set_home_kelurahan
from shop.accounts.models import Address, ApiToken
from shop.accounts.views import bp
from shop.db import utcnow
from shop.extensions import db
from shop.places.services import kelurahan_choices
from shop.whatsapp import channel_of

PER_PAGE = 20


def _form_status(form) -> int:
    return 400 if form.is_submitted() else 200


def _tokens_page():
    query = select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    return db.paginate(query, per_page=PER_PAGE, error_out=False)


def _profile_form() -> ProfileForm:
    """The profile form, its channel showing the user's choice or the default they get until they choose."""
    form = ProfileForm(obj=current_user)
    form.fill_kelurahan_choices()
    if form.kelurahan_code.data is None:
        form.kelurahan_code.data = ""
    if form.notify_channel.data is None:  # not chosen yet, or a post of another form on the page
        form.notify_channel.data = channel_of(current_user)
    return form


def _render_profile(form: ProfileForm, status: int = 200, token_form: ApiTokenForm | None = None):
    return render_template(
        "shop/accounts/profile.html",
        form=form,
        token_form=token_form or ApiTokenForm(formdata=None),
        tokens=_tokens_page(),
        now_utc=utcnow(),
    ), status


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def profile():
    """Name, phone, where the user lives (optional) and where updates go (WhatsApp, email or both);
    shows the email's verified state and the API tokens."""
    form = _profile_form()
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, name=form.name.data, phone=form.phone.data,
                                    notify_channel=form.notify_channel.data)
            set_home_kelurahan(current_user, form.kelurahan_code.data)
        except services.AccountValidationError as error:
            apply_problems(form, error.fields)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(form, _form_status(form))


@bp.route("/akun/sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session and device is logged out, every API token revoked."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            revoked = services.change_password(current_user, form.current_password.data, form.password.data)
        except services.WrongPasswordError:
            form.current_password.errors.append(_("The current password is not correct."))
        except services.WeakPasswordError as error:
            apply_problems(form, error.fields)
        else:
            db.session.commit()
            user = current_user._get_current_object()
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            session.clear()
            login_user(user, remember=remembered)  # this session continues under the new auth version
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            if revoked:
                flash(ngettext("%(num)d API token has been revoked; create a new one for your programs.",
                               "%(num)d API tokens have been revoked; create new ones for your programs.",
                               revoked), "info")
            return redirect(url_for("accounts.profile"))
    return render_template("shop/accounts/change_password.html", form=form), _form_status(form)


# -- addresses ------------------------------------------------------------------------


def _address_data(form: AddressForm) -> services.AddressData:
    return services.AddressData(
        label=form.label.data,
        recipient=form.recipient.data,
        phone=form.phone.data,
        street=form.street.data,
        in_bekasi=form.location.data == "bekasi",
        kelurahan_code=form.kelurahan_code.data,
        city=form.city.data,
        postal_code=form.postal_code.data,
        is_default=bool(form.is_default.data),
    )


def _own_address(address_id: int) -> Address:
    try:
        return services.get_address(current_user, address_id)
    except services.AddressNotFoundError:
        abort(404)


@bp.get("/akun/alamat")
@login_required
def addresses():
    """The saved delivery addresses, default first."""
    query = (
        select(Address).where(Address.user_id == current_user.id)
        .order_by(Address.is_default.desc(), Address.id)
    )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("shop/accounts/addresses.html", page=page)


def _address_form_page(form: AddressForm, address: Address | None):
    if form.validate_on_submit():
        try:
            services.save_address(current_user, _address_data(form), address.id if address else None)
        except services.AddressNotFoundError:
            abort(404)
        except services.AccountValidationError as error:
            apply_problems(form, error.fields)
        else:
            db.session.commit()
            flash(_("The address has been saved."), "success")
            return redirect(url_for("accounts.addresses"))
    return render_template(
        "shop/accounts/address_form.html", form=form, address=address
    ), _form_status(form)


@bp.route("/akun/alamat/baru", methods=["GET", "POST"])
@login_required
def address_new():
    """Add a delivery address."""
    return _address_form_page(AddressForm(kelurahan_choices=kelurahan_choices()), None)


@bp.route("/akun/alamat/<int:address_id>", methods=["GET", "POST"])
@login_required
def address_edit(address_id: int):
    """Change one of my addresses (another user's address is a 404)."""
    address = _own_address(address_id)
    form = AddressForm(obj=address, kelurahan_choices=kelurahan_choices())
    if request.method == "GET":
        form.location.data = "bekasi" if address.in_bekasi else "outside"
        form.kelurahan_code.data = address.kelurahan_code or ""
    return _address_form_page(form, address)


@bp.post("/akun/alamat/<int:address_id>/hapus")
@login_required
def address_delete(address_id: int):
    """Delete one of my addresses (the form asks for confirmation)."""
    try:
        services.delete_address(current_user, address_id)
    except services.AddressNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("The address has been deleted."), "success")
    return redirect(url_for("accounts.addresses"))


@bp.post("/akun/alamat/<int:address_id>/utama")
@login_required
def address_default(address_id: int):
    """Make one of my addresses the default."""
    try:
        services.set_default_address(current_user, address_id)
    except services.AddressNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("This is now your default address."), "success")
    return redirect(url_for("accounts.addresses"))


# -- API tokens -----------------------------------------------------------------------


@bp.post("/akun/token")
@login_required
def create_token():
    """Create an API token and show it once."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _render_profile(_profile_form(), 400, token_form=form)
    plain, token = services.create_api_token(current_user, form.name.data)
    db.session.commit()
    response = Response(render_template("shop/accounts/token_created.html", plain=plain, token=token), 201)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/akun/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int):
    """Revoke one of my API tokens (the form asks for confirmation)."""
    try:
        services.revoke_api_token(current_user, token_id)
    except services.ApiTokenNotFoundError:
        abort(404)
    db.session.commit()
    flash(_("The token has been revoked; programs using it can no longer sign in."), "success")
    return redirect(url_for("accounts.profile"))


# -- privacy (UU PDP) -----------------------------------------------------------------


@bp.get("/akun/data")
@login_required
def export_data():
    """Download everything we keep about me as a JSON file."""
    data = services.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="pasar-sentra-data-{current_user.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/akun/hapus", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete (anonymise) my account after re-entering the password."""
    form = DeleteAccountForm()
    owned = services.owned_organisations(current_user)
    status = _form_status(form)
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except services.WrongPasswordError:
            form.password.errors.append(_("The password is not correct."))
        except services.AccountOwnsSentraError as error:
            owned = error.names
            status = 409
        else:
            db.session.commit()
            session.clear()
            logout_user()
            flash(_("Your account has been deleted. Thank you for using Pasar Sentra."), "success")
            return redirect(url_for("storefront.home"))
    return render_template("shop/accounts/delete_account.html", form=form, owned=owned), status
