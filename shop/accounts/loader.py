"""Flask-Login wiring: sessions name ``"<user id>:<auth version>"``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.accounts.models import User
from shop.extensions import db, login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open that page.")
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session; a stale auth version (password changed, deleted) logs out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.auth_version != int(version) or user.deleted_at is not None:
        return None
    return user
