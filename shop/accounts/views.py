"""Registration, signing in and out, email verification and password reset.

The profile pages (``/akun/...``) register on the same blueprint in
:mod:`shop.accounts.profile_views`.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from shop.accounts import services
from shop.accounts.forms import (
    PROBLEMS,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    apply_problems,
)
from shop.accounts.limits import forget_failed_logins, login_rate_limits, record_failed_login
from shop.extensions import db, limiter
from shop.main import safe_next

bp = Blueprint("accounts", __name__)


def _home() -> str:
    return url_for("storefront.home")


def start_session(user, remember: bool = False) -> None:
    """Log ``user`` in on a fresh session (a fixated session's contents are dropped)."""
    session.clear()
    login_user(user, remember=remember)


def _form_status(form) -> int:
    return 400 if form.is_submitted() else 200


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account, log it in and email a verification link."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    status = _form_status(form)
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data, password=form.password.data, name=form.name.data, phone=form.phone.data
            )
        except services.EmailTakenError:
            form.email.errors.append(PROBLEMS["email_taken"])
            status = 409
        except services.AccountValidationError as error:
            apply_problems(form, error.fields)
        else:
            db.session.commit()
            start_session(user)
            services.send_verification_email(user)
            flash(_("Welcome, %(name)s! We sent a link to %(email)s to confirm your email address.",
                    name=user.name, email=user.email), "success")
            return redirect(safe_next(request.args.get("next"), url_for("accounts.profile")))
    return render_template("shop/accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limits
def login():
    """Sign in by email and password; failures are rate-limited per account and per address."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), _home()))
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=bool(form.remember.data))
            return redirect(safe_next(form.next.data, _home()))
        record_failed_login()
        form.form_errors.append(_("The email or password is not correct."))
        return render_template("shop/accounts/login.html", form=form), 401
    return render_template("shop/accounts/login.html", form=form), _form_status(form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks for confirmation; the POST (CSRF-protected) logs out."""
    if request.method == "GET":
        return render_template("shop/accounts/logout.html")
    session.clear()
    logout_user()  # after clear(): it leaves the marker that deletes the remember cookie
    flash(_("You have logged out."), "success")
    return redirect(_home())


@bp.get("/verifikasi/<token>")
def verify_email(token: str):
    """Open the emailed verification link."""
    try:
        services.verify_email(token)
    except services.InvalidTokenError:
        return render_template("shop/accounts/token_invalid.html", kind="verify"), 400
    db.session.commit()
    flash(_("Thank you, your email address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.post("/akun/verifikasi")
@login_required
@limiter.limit("5 per hour", key_func=lambda: f"user:{current_user.get_id()}")
def resend_verification():
    """Send the verification link again."""
    if current_user.is_verified:
        flash(_("Your email address is already confirmed."), "info")
    else:
        services.send_verification_email(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("PASSWORD_RESET_REQUESTS_PER_ADDRESS", "10 per hour"),
               methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses that address, we have emailed it a link to choose a new password. "
                "The link works for one hour."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("shop/accounts/forgot_password.html", form=form), _form_status(form)


@bp.route("/reset-sandi/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed, single-use link."""
    try:
        services.user_for_reset_token(token)
    except services.InvalidTokenError:
        return render_template("shop/accounts/token_invalid.html", kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.InvalidTokenError:
            return render_template("shop/accounts/token_invalid.html", kind="reset"), 400
        except services.WeakPasswordError as error:
            apply_problems(form, error.fields)
        else:
            db.session.commit()
            session.clear()
            forget_failed_logins(user.email)  # the emailed link proved it is the owner
            flash(_("Your password has been changed, and any API tokens of the account revoked. "
                    "Log in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("shop/accounts/reset_password.html", form=form, token=token), _form_status(form)


from shop.accounts import profile_views  # noqa: E402,F401  (routes on the same blueprint)
