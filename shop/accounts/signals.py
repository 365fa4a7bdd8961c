"""Signals other packages connect to, so accounts never imports them.

``email_verified`` is sent by :func:`shop.accounts.services.verify_email` right
after a user's address is marked verified and before the view commits, so a
receiver's changes land in the same transaction. The sender is the user::

    from shop.accounts.signals import email_verified

    @email_verified.connect
    def _accept_invites(user, **extra):
        accept_invites_for(user)  # flush only; the view commits

Receivers must not commit; a receiver that raises aborts the verification.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

email_verified = _signals.signal("email-verified")
