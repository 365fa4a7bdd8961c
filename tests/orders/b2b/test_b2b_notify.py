"""B2B emails: each step goes to the other side, with a link to the page to act on."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from orders.b2b import acceptance, approvals
from orders.b2b import quotes as quote_services
from orders.b2b import rfqs as rfq_services
from orders.b2b.invoices import today_wib
from orders.b2b.jobs import flag_overdue_invoices
from orders.b2b.models import HandoverRecord, Invoice, InvoiceStatus
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.partners.models import PartnerMembership, PartnerRole
from shop.sentras.models import Role
from tests.conftest import links_in
from tests.factories import add_member, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.b2b.papers_helpers import CONFIG, accepted_order
from tests.orders.orders_helpers import drain_all


def _to(messages, user) -> list:
    return [m for m in messages if m["To"] == user.email]


def _recipients(messages) -> set[str]:
    return {m["To"] for m in messages}


def _setup():
    partner, owner, staff = partner_team(threshold=None)
    sentra = make_sentra()
    seller = sentra.memberships[0].user
    colleague = add_member(sentra, make_user(name="Rekan Sentra"), Role.MEMBER).user
    db.session.commit()
    return partner, owner, staff, sentra, seller, colleague


def test_a_new_request_emails_every_member_of_the_sentra_and_nobody_at_the_partner(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    drain_all()
    assert _recipients(mail_outbox) == {seller.email, colleague.email}
    body = _to(mail_outbox, seller)[0].get_content()
    assert "Tas totebag sablon logo" in body and partner.name in body
    assert any(f"/kelola/{sentra.slug}/penawaran" in link for link in links_in(body))
    assert partner.name in _to(mail_outbox, seller)[0]["Subject"]
    assert rfq.status == "open"


def test_a_quote_emails_the_requests_creator_and_the_managers_not_the_sentra(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    other_staff = make_user(name="Staf Lain")
    db.session.add(PartnerMembership(partner_id=partner.id, user_id=other_staff.id, role=PartnerRole.STAFF))
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    drain_all()
    mail_outbox.clear()
    send_quote(sentra, seller, rfq)
    db.session.commit()
    drain_all()
    assert _recipients(mail_outbox) == {staff.email, owner.email}
    body = _to(mail_outbox, staff)[0].get_content()
    assert "/mitra/" in body and "Rp7.525.000" in body  # 300 × Rp25.000 + Rp25.000 delivery


def test_comments_go_to_the_other_side_only(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    drain_all()
    mail_outbox.clear()
    rfq_services.add_comment(rfq, "partner", staff, "Bisa warna biru?")
    db.session.commit()
    drain_all()
    assert _recipients(mail_outbox) == {seller.email, colleague.email}
    assert "Bisa warna biru?" in mail_outbox[0].get_content()
    mail_outbox.clear()
    rfq_services.add_comment(rfq, "sentra", seller, "Bisa, sama harganya.")
    db.session.commit()
    drain_all()
    assert _recipients(mail_outbox) == {staff.email, owner.email}


def test_withdrawn_declined_and_accepted_quotes_are_told_to_the_sentra(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    withdrawn = send_rfq(partner, staff, sentra)
    declined = send_quote(sentra, seller, send_rfq(partner, staff, sentra))
    accepted = send_quote(sentra, seller, send_rfq(partner, staff, sentra))
    db.session.commit()
    drain_all()
    mail_outbox.clear()
    rfq_services.cancel_rfq(membership(partner, staff), staff, withdrawn.id)
    quote_services.decline_quote(membership(partner, staff), staff, declined.id, "Terlalu mahal")
    order = acceptance.accept_quote(membership(partner, staff), staff, accepted.id, "bank_transfer",
                                        CONFIG).order
    db.session.commit()
    drain_all()
    to_seller = [m["Subject"] + "\n" + m.get_content() for m in _to(mail_outbox, seller)]
    assert any("withdr" in text.lower() or str(withdrawn.id) in text for text in to_seller)
    assert any("Terlalu mahal" in text for text in to_seller)
    assert any(order.number in text and f"/kelola/{sentra.slug}/pesanan/{order.number}" in text for text in to_seller)
    assert not _to(mail_outbox, owner)  # the partner hears of its own acts from nobody


def test_an_approval_request_goes_to_the_other_managers_and_the_decision_back_to_the_requester(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    partner.approval_threshold_idr = 1_000_000
    quote = send_quote(sentra, seller, send_rfq(partner, staff, sentra))
    db.session.commit()
    drain_all()
    mail_outbox.clear()
    approval = acceptance.accept_quote(membership(partner, staff), staff, quote.id, None, CONFIG).approval
    db.session.commit()
    drain_all()
    assert _recipients(mail_outbox) == {owner.email}
    assert "/mitra/" in mail_outbox[0].get_content()
    mail_outbox.clear()
    approvals.approve(membership(partner, owner), approval.id, CONFIG)
    db.session.commit()
    drain_all()
    [to_staff] = _to(mail_outbox, staff)
    assert quote.order.number in to_staff.get_content()
    assert not _to(mail_outbox, owner)


def test_a_confirmed_handover_is_told_to_the_sentra(mail_outbox):
    po = accepted_order()
    drain_all()
    mail_outbox.clear()
    db.session.add(HandoverRecord(order_id=po.order.id, received_by_name="Sari Gudang", received_by_id=po.staff.id))
    enqueue("b2b.handover_confirmed", {"order_id": po.order.id})
    db.session.commit()
    drain_all()
    [to_seller] = _to(mail_outbox, po.seller)
    assert po.number in to_seller["Subject"] and "Sari Gudang" in to_seller.get_content()
    assert f"/kelola/{po.sentra.slug}/pesanan/{po.number}" in to_seller.get_content()
    assert not _to(mail_outbox, po.staff)


def test_an_email_is_in_its_recipients_language(mail_outbox):
    partner, owner, staff, sentra, seller, colleague = _setup()
    seller.locale = "en"
    db.session.commit()
    send_rfq(partner, staff, sentra)
    db.session.commit()
    drain_all()
    assert _to(mail_outbox, seller)[0]["Subject"].startswith("Request for quote")


def test_an_overdue_invoice_is_flagged_once_to_the_partner_the_sentra_and_the_office(mail_outbox):
    office = make_user("kantor@example.test", admin=True)
    po = accepted_order(payment="terms", terms_days=14, credit_limit=10_000_000)
    paid = accepted_order(payment="terms", team=(po.partner, po.owner, po.staff), sentra=po.sentra)
    yesterday = today_wib() - timedelta(days=1)
    po.invoice.due_on = paid.invoice.due_on = yesterday
    paid.invoice.status = InvoiceStatus.PAID
    db.session.commit()
    drain_all()
    mail_outbox.clear()

    now = datetime.now(UTC)
    assert flag_overdue_invoices(now, {}) == 1
    assert db.session.get(Invoice, po.invoice.id).overdue_notified_at is not None
    drain_all()
    overdue_mail = [m for m in mail_outbox if po.invoice.number in m["Subject"]]
    assert {m["To"] for m in overdue_mail} == {po.owner.email, po.staff.email, po.seller.email, office.email}
    assert paid.invoice.number not in " ".join(m["Subject"] for m in mail_outbox)
    partner_body = _to(overdue_mail, po.staff)[0].get_content()
    assert f"/mitra/pesanan/{po.number}/faktur" in partner_body
    assert "/admin/tagihan" in _to(overdue_mail, office)[0].get_content()

    mail_outbox.clear()
    assert flag_overdue_invoices(now + timedelta(minutes=1), {}) == 0
    drain_all()
    assert mail_outbox == []


def test_an_invoice_due_today_is_not_overdue_yet(mail_outbox):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=10_000_000)
    po.invoice.due_on = today_wib()
    db.session.commit()
    assert flag_overdue_invoices(datetime.now(UTC), {}) == 0
    assert db.session.get(Invoice, po.invoice.id).overdue_notified_at is None
