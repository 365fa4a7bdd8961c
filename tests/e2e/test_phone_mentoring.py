"""Mentoring on a 360 px phone (issue 20): a sentra's manager books a mentor's slot with a question, and
ticks off an action item the mentor left after an earlier session."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orders.mentoring.models import MentoringAction, MentoringSession
from orders.mentoring.services import NotesInput, write_notes
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import PASSWORD, make_sentra, make_user
from tests.orders.mentoring.helpers import make_mentor, make_slot, past_session


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def test_a_manager_books_a_mentor_on_a_phone_and_ticks_an_action_item(phone: Page, live_server: str):
    owner = make_user("pengelola@example.test", name="Pengelola Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    mentor = make_mentor(name="Ratna Wulandari", topics=("pricing", "bookkeeping"))
    slot = make_slot(mentor, days=3)
    held = past_session(mentor, sentra, owner, days_ago=5)
    write_notes(mentor, held.id, NotesInput("HPP dihitung bersama.", ("Hitung HPP lima produk", "Ubah label harga")))
    db.session.commit()
    first_item = held.actions[0].id
    _log_in(phone, live_server, "pengelola@example.test")

    index = f"{live_server}/kelola/{sentra.slug}/pendampingan/"
    phone.goto(index)
    assert_no_sideways_scroll(phone, index)
    phone.get_by_role("link", name="Pesan jadwal ini").click()
    expect(phone).to_have_url(re.compile(rf"/pendampingan/slot/{slot.id}$"))
    phone.get_by_role("button", name="Pesan", exact=True).click()  # nothing chosen: field errors, nothing booked
    expect(phone.locator(".field .error").first).to_be_visible()
    assert db.session.query(MentoringSession).count() == 1
    phone.select_option("#topic", "pricing")
    phone.fill("#question", "Berapa harga jual kue lapis yang pas?")
    phone.get_by_role("button", name="Pesan", exact=True).click()
    expect(phone.locator(".flash")).to_contain_text("Terpesan")
    assert_no_sideways_scroll(phone, phone.url)
    db.session.expire_all()
    booked = db.session.query(MentoringSession).filter(MentoringSession.slot_id == slot.id).one()
    assert (booked.sentra_id, booked.question) == (sentra.id, "Berapa harga jual kue lapis yang pas?")

    phone.goto(f"{live_server}/kelola/{sentra.slug}/pendampingan/{held.id}")
    expect(phone.locator(".story").first).to_be_visible()
    tick = phone.get_by_role("button", name="Tandai selesai: Hitung HPP lima produk")
    box = tick.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    tick.click()
    expect(phone.get_by_role("button", name="Tandai belum selesai: Hitung HPP lima produk")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(MentoringAction, first_item).done_at is not None
    assert_no_sideways_scroll(phone, phone.url)
