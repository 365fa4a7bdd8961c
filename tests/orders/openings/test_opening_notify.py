"""Applications tell people through the outbox (issue 20): managers hear of a new application; the applicant hears
each decision by email and, where they chose it, on WhatsApp (template lamaran_diperbarui)."""
from __future__ import annotations

import re
from datetime import timedelta

from orders.notify import WHATSAPP_TEMPLATES
from orders.openings.applications import decide
from shop.db import utcnow
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user
from tests.orders.openings.helpers import apply, make_opening
from tests.orders.orders_helpers import drain_all
from tests.shop.whatsapp_helpers import (
    accept_all,
    sent_bodies,
    template_of,
    whatsapp_api_fixture,  # noqa: F401  (the whatsapp_api fixture)
)


def test_the_owner_and_managers_but_not_plain_members_hear_of_a_new_application(mail_outbox):
    sentra = make_sentra()
    manager = add_member(sentra, make_user("manajer@example.test"), role="manager").user
    member = add_member(sentra, make_user("anggota@example.test")).user
    opening = make_opening(sentra, title="Kurir Sentra")
    apply(make_user(name="Rani Pelamar"), opening)
    drain_all()
    to = {m["To"] for m in mail_outbox}
    assert {sentra.memberships[0].user.email, manager.email} <= to and member.email not in to
    body = next(m for m in mail_outbox if m["To"] == manager.email).get_content()
    assert "Rani Pelamar" in body and "+628" not in body  # no contact details before shortlisting


def test_a_trial_invitation_reaches_the_applicant_by_email_and_whatsapp(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    sentra = make_sentra(name="Sentra Jatiwaringin")
    applicant = make_user("pelamar@example.test", name="Dewi Pelamar", phone="0812-7777-8888")
    application = apply(applicant, make_opening(sentra, title="Fotografer Produk"))
    drain_all()
    mail_outbox.clear()
    decide(sentra, application.id, "trial", "Bawa ponsel dan satu produk.", trial_at=utcnow() + timedelta(days=2))
    db.session.commit()
    drain_all()
    [mail] = [m for m in mail_outbox if m["To"] == applicant.email]
    assert "Bawa ponsel dan satu produk." in mail.get_content()
    [(to, name, params)] = [template_of(body) for body in sent_bodies(whatsapp_api)]
    assert to == "6281277778888" and name == "lamaran_diperbarui"
    assert len(params) == len(WHATSAPP_TEMPLATES[name])
    assert params[:3] == ["Dewi Pelamar", "Sentra Jatiwaringin", "Fotografer Produk"]
    assert "uji coba" in params[3] and "Bawa ponsel dan satu produk." in params[3]
    assert re.fullmatch(r"https?://[^/]+/lowongan/lamaran", params[4])
