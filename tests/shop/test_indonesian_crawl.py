"""Every page in Indonesian: a crawl, as each role, finds no English message and no raw status value.

A world with one of each kind of thing (orders in every fulfilment state, a bank transfer waiting
with its proof, a courier delivery, a problem, a review, a partner's request, quote and order) is
made through the real services; then each role signs in and follows every same-host link from its
start pages (bounded, no logout, no language switch, no files). On each page's visible text:
(a) no msgid of our catalogue whose Indonesian differs appears verbatim (a string left untranslated);
(b) no value of the app's enums with an underscore appears as a word (``pending_payment``);
(c) none of the English phrases people reported appears;
(d) no percent is written with a decimal point (``100.0%``).
"""
from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from collections import Counter, deque
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import current_app

from shop.extensions import db
from shop.i18n import wib
from tests.factories import (
    PASSWORD,
    add_member,
    make_checkout,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)

PO_FILE = Path(__file__).resolve().parents[2] / "shop" / "translations" / "id" / "LC_MESSAGES" / "messages.po"
KNOWN_ENGLISH = ("This field is required", "Not a valid", "Invalid", "revision", "initial stock", "handed over",
                 "tracking:", "problem raised")
SKIPPED_PATHS = re.compile(
    r"^/(logout|bahasa|static/|media/|favicon|api/|healthz|webhooks/)"
    r"|\.(csv|pdf|json|png|jpe?g|webp|zip)$|/(gambar|bukti|ekspor|data$|unduh)"
)
PAGES_PER_ROLE = 160
PAGES_PER_SHAPE = 2  # /p/12-a and /p/13-b are one shape: two of each are enough


# --- what the pages must not show -----------------------------------------------------------------


@cache
def english_msgids() -> tuple[str, ...]:
    """Catalogue msgids whose Indonesian differs, long enough to be unmistakable (two words or more).

    A msgid with placeholders contributes its fixed fragments of three words or more.
    """
    with PO_FILE.open("rb") as po:
        catalog = read_po(po)
    found: set[str] = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings:
                continue
            for fragment in re.split(r"%\(\w+\)[sdf]|%[sd]", msgid):
                fragment = " ".join(fragment.split()).strip(" .,:;()")
                words = fragment.split()
                least = 2 if fragment == msgid.strip(" .,:;()") else 3
                if len(words) >= least and len(fragment) >= 8 and not any(fragment in s for s in strings):
                    found.add(fragment)
    return tuple(sorted(found))


@cache
def raw_enum_values() -> tuple[str, ...]:
    """Values of the app's Enum classes that contain an underscore: code, never words on a page."""
    values: set[str] = set()
    for package_name in ("shop", "catalog", "orders"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            module = importlib.import_module(info.name)
            for item in vars(module).values():
                if isinstance(item, type) and issubclass(item, enum.Enum) and item.__module__ == info.name:
                    values.update(str(m.value) for m in item if isinstance(m.value, str) and "_" in m.value)
    return tuple(sorted(values))


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script/style/template, and placeholder/title/alt/aria-label."""

    HIDDEN = {"script", "style", "template", "noscript"}
    SHOWN_ATTRS = {"placeholder", "title", "alt", "aria-label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts.extend(v for k, v in attrs if k in self.SHOWN_ATTRS and v)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def findings_in(text: str) -> list[str]:
    found = [f"english: {m!r}" for m in english_msgids() if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", text)]
    found += [f"raw enum: {v!r}" for v in raw_enum_values() if re.search(rf"(?<![\w/-]){v}(?![\w/-])", text)]
    found += [f"known english: {p!r}" for p in KNOWN_ENGLISH if re.search(rf"(?<!\w){p}(?!\w)", text)]
    found += [f"decimal point: {m!r}" for m in re.findall(r"(?<![\d.])\d+\.\d+ ?%", text)]
    return found


# --- the crawl --------------------------------------------------------------------------------------


def _shape(path: str) -> str:
    return re.sub(r"\d+[\w-]*", "N", path)


def crawl(client, starts: Iterable[str]) -> tuple[int, dict[str, list[str]]]:
    """Follow same-host links from ``starts``; (pages read, findings by url)."""
    queue = deque(starts)
    seen: set[str] = set(queue)
    shapes: Counter[str] = Counter()
    findings: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages += 1
        parser = _VisibleText()
        parser.feed(response.get_data(as_text=True))
        text = " ".join(" ".join(parser.parts).split())
        if found := findings_in(text):
            findings[url] = found
        for href in parser.links:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if link in seen or SKIPPED_PATHS.search(parts.path):
                continue
            shape = _shape(parts.path) + ("?" + "&".join(sorted(re.findall(r"(\w+)=", parts.query))))
            if shapes[shape] >= PAGES_PER_SHAPE:
                continue
            shapes[shape] += 1
            seen.add(link)
            queue.append(link)
    return pages, findings


# --- the world ----------------------------------------------------------------------------------------


def _world() -> dict:
    """One of each kind of thing, made through the services. Commits."""
    from orders.b2b.acceptance import accept_quote
    from orders.core.status import transition
    from orders.payments import bank_transfer
    from orders.payments.services import mark_paid
    from orders.review_services import review_order_line
    from orders.services import accept_order, cancel_by_sentra
    from orders.shipping import services as shipping
    from orders.shipping.problems import answer_problem, raise_problem
    from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq

    config = current_app.config
    admin = make_user("kantor@example.test", name="Kantor Program", admin=True)
    buyer = make_user("warga@example.test", name="Rina Warga")
    owner = make_user("pengelola@example.test", name="Pengelola Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    courier = make_user("kurir@example.test", name="Kurir Sentra")
    add_member(sentra, courier)
    other = make_sentra("32.75.04.1001", owner=make_user(name="Pengelola Lain"))
    tas = make_product(sentra, title="Tas Anyaman Bambu", actor=owner, variants=[
        {"price_idr": 85_000, "stock": 40, "options": "Ukuran=Kecil", "tiers": "10:75000"},
        {"price_idr": 120_000, "stock": 0, "options": "Ukuran=Besar"}])
    make_product(sentra, title="Keripik Singkong Pedas", subsector="kuliner", actor=owner,
                 pirt_number="2063275010123-27", shelf_life_days=90)
    make_product(sentra, title="Kaos Sablon Bekasi", subsector="fesyen", status="draft", actor=owner)
    make_product(sentra, title="Lukisan Pesanan", subsector="seni_rupa", made_to_order=True, lead_time_days=14,
                 actor=owner)
    make_product(other, title="Batik Tulis Bekasi", subsector="fesyen")
    variant = tas.variants[0]
    db.session.commit()

    waiting = make_checkout(buyer, [(variant, 1)], method="bank_transfer")  # pending_payment / unpaid
    bank_transfer.attach_proof(waiting.payment, bank_transfer.process_proof(png_bytes()), buyer)
    ready = make_checkout(buyer, [(variant, 1)]).orders[0]
    accept_order(ready, owner)
    shipping.record_tracking_event(ready, "ready_for_pickup", owner)
    collected = make_checkout(buyer, [(variant, 2)]).orders[0]
    accept_order(collected, owner)
    shipping.record_tracking_event(collected, "ready_for_pickup", owner)
    shipping.handover(collected, collected.pickup_code, owner, paid_with="cash")
    db.session.commit()
    review_order_line(collected, collected.lines[0].id, buyer, 5, "Rapi sekali anyamannya")
    transition(collected, "completed", None, "completed automatically")  # a ledger credit for the sentra
    delivered = make_checkout(buyer, [(variant, 1)], method="bank_transfer", delivery="sentra_courier")
    mark_paid(delivered.payment, None, "transfer confirmed", config)
    delivered = delivered.orders[0]
    accept_order(delivered, owner)
    shipping.assign_courier(delivered, courier, owner)
    shipping.record_tracking_event(delivered, "packed", owner)
    shipping.record_tracking_event(delivered, "handed_to_courier", courier)
    shipping.record_tracking_event(delivered, "out_for_delivery", courier)
    shipping.handover(delivered, delivered.shipment.delivery_pin, courier)
    db.session.commit()
    problem = raise_problem(delivered, buyer, "damaged", "Tali tasnya putus saat dibuka")
    answer_problem(problem, owner, "Maaf, kami kirim pengganti besok")
    shipped = make_checkout(buyer, [(variant, 1)], method="bank_transfer", delivery="courier")
    mark_paid(shipped.payment, None, "transfer confirmed", config)
    shipped = shipped.orders[0]
    accept_order(shipped, owner)
    shipping.record_tracking_event(shipped, "handed_to_courier", owner, courier="jne", waybill="JNE0012345678")
    cancelled = make_checkout(buyer, [(variant, 1)]).orders[0]
    cancel_by_sentra(cancelled, owner, "Bahan habis", config)
    db.session.commit()

    partner, partner_owner, staff = partner_team(name="CV Mitra Usaha")
    rfq = send_rfq(partner, staff, sentra)
    quote = send_quote(sentra, owner, rfq)
    db.session.commit()
    accept_quote(membership(partner, partner_owner), partner_owner, quote.id, "bank_transfer", config)
    second_rfq = send_rfq(partner, staff, sentra, notes="Untuk acara kantor")
    send_quote(sentra, owner, second_rfq)
    db.session.commit()
    _classes_and_facilities(sentra, owner, buyer)
    _mentoring(sentra, owner, admin, buyer)
    _survey(admin)
    _openings(sentra, owner, buyer)
    return {"admin": admin, "buyer": buyer, "owner": owner, "courier": courier, "partner": partner_owner,
            "sentra": sentra, "ready": ready}


def _classes_and_facilities(sentra, owner, buyer) -> None:
    """A free youth class the buyer attended (with its certificate), a paid class, a full one, a facility booked."""
    from datetime import timedelta

    from orders.classes.bookings import check_in_by_code
    from orders.classes.certificates import issue_certificates
    from tests.orders.classes.helpers import book, make_class
    from tests.orders.facilities.helpers import at, book_slot, make_facility

    youth = make_class(sentra, owner, title="Pelatihan Desain Logo", audience="youth", days=(1,))
    attended = book(buyer, youth, 1, birth_year=2004, kelurahan_code="32.75.08.1001").booking
    check_in_by_code(sentra, youth.id, attended.code, owner)
    issue_certificates(youth.ends_at + timedelta(minutes=1))
    book(buyer, make_class(sentra, owner, title="Kelas Kue Lapis", price_idr=45_000), 2, payment_method="bank_transfer")
    book(owner, make_class(sentra, owner, title="Kelas Sablon Penuh", capacity=1), 1)
    book_slot(buyer, make_facility(sentra, name="Mesin Jahit", price=10_000), at(2, 9), at(2, 11),
              method="bank_transfer")
    db.session.commit()


def _mentoring(sentra, owner, admin, buyer) -> None:
    """The buyer is also a mentor (so one crawl reads both sides) with an open slot, a session booked
    ahead and a held one with notes and action items."""
    from orders.mentoring.services import (
        MentorInput,
        NotesInput,
        accept_invitation,
        book_slot,
        invite_mentor,
        write_notes,
    )
    from tests.orders.mentoring.helpers import make_slot, past_session

    invite_mentor(admin, MentorInput(name=buyer.name, email=buyer.email, topics=("online_marketing", "pricing",
                                                                                 "halal_certification")))
    mentor = accept_invitation(buyer)
    make_slot(mentor, days=3)
    book_slot(sentra, owner, make_slot(mentor, days=5, place="Balai Warga").id, "halal_certification",
              "Bagaimana mendaftar sertifikat halal?")
    held = past_session(mentor, sentra, owner, days_ago=4, topic="online_marketing")
    write_notes(mentor, held.id, NotesInput("Jadwal unggahan tiga kali seminggu.", ("Buat akun toko", "Foto ulang")))
    held.actions[0].done_at = held.starts_at
    db.session.commit()


def _survey(admin) -> None:
    """Two versions of the office's survey of the sentra's kelurahan, the first with a photo (issue 22)."""
    from shop.places import surveys
    from shop.places.models import Kelurahan
    from tests.factories import png_bytes

    kelurahan = db.session.get(Kelurahan, "32.75.08.1001")
    surveys.save_survey(kelurahan, surveys.SurveyInput(raw_materials="Bambu tali", subsectors=("kriya",)), admin,
                        [surveys.process_photo(png_bytes())])
    surveys.save_survey(kelurahan, surveys.SurveyInput(
        raw_materials="Bambu tali dan eceng gondok", artisans="Tiga perajin anyaman", cultural_assets="Tari topeng",
        notes="Pemuda tertarik fotografi", subsectors=("kriya", "fotografi")), admin)
    db.session.commit()


def _openings(sentra, owner, buyer) -> None:
    """Openings of every role; the buyer applied to one (shortlisted, invited to a trial), others in every state."""
    from datetime import timedelta

    from orders.openings.applications import decide, withdraw
    from shop.db import utcnow
    from tests.orders.openings.helpers import apply, make_opening

    roles = ("production", "design", "photography", "online_shop_admin", "courier", "trainer", "other")
    openings = [make_opening(sentra, owner, title=f"Lowongan nomor {index}", role=role, hours=hours, pay=pay)
                for index, (role, hours, pay) in enumerate(zip(roles, ("part_time", "full_time", "per_project") * 3,
                                                               ("sales_share", "per_piece", "fixed") * 3,
                                                               strict=False))]
    mine = apply(buyer, openings[0], portfolio_url="https://contoh.example/karya")
    decide(sentra, mine.id, "shortlisted", "Kami tertarik")
    decide(sentra, mine.id, "trial", "Bawa contoh karya", trial_at=utcnow() + timedelta(days=3))
    for opening, step in zip(openings[1:], ("accepted", "rejected", "withdrawn", "submitted"), strict=False):
        application = apply(buyer, opening)
        if step == "withdrawn":
            withdraw(buyer, application.id)
        elif step != "submitted":
            decide(sentra, application.id, step, "Catatan dari sentra")
    db.session.commit()


def _sign_in(client, user) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303), f"{user.email} could not sign in"


@pytest.mark.timeout(900)  # some 900 pages: well inside the default on an idle machine, not on a busy one
def test_every_page_of_every_role_is_in_indonesian(app, client):
    world = _world()
    slug = world["sentra"].slug
    ready = world["ready"]
    roles = {
        "visitor": (None, ["/", "/sentra", "/search?q=tas", "/register", "/login", "/lupa-sandi", "/buka-sentra",
                           f"/track/{ready.number}?code={ready.tracking_code}", "/kelas", "/fasilitas", "/lowongan"]),
        "buyer": ("buyer", ["/", "/orders", "/akun", "/cart", "/akun/alamat/baru", "/mitra/daftar", "/kelas/pesanan",
                            "/kelas", "/fasilitas", "/pendamping/", "/fasilitas/pesanan", "/lowongan",
                            "/lowongan/lamaran"]),  # the buyer is a mentor too
        "sentra owner": ("owner", [f"/kelola/{slug}/", f"/kelola/{slug}/kelas/", f"/kelola/{slug}/fasilitas/",
                                   f"/kelola/{slug}/pendampingan/", f"/kelola/{slug}/lowongan/",
                                   f"/kelola/{slug}/lowongan/lamaran", f"/kelola/{slug}/lowongan/baru"]),
        "sentra courier": ("courier", [f"/kelola/{slug}/pengantaran", f"/kelola/{slug}/"]),
        "partner": ("partner", ["/mitra/"]),
        "office": ("admin", ["/admin/", "/admin/pendamping", "/admin/pendampingan",
                             "/admin/potensi/32.75.08.1001/survei", "/admin/lowongan"]),
    }
    all_findings: dict[str, list[str]] = {}
    for role, (who, starts) in roles.items():
        browser = app.test_client()
        if who is not None:
            _sign_in(browser, world[who])
        pages, findings = crawl(browser, starts)
        print(f"{role}: {pages} pages, {sum(len(f) for f in findings.values())} findings")
        assert pages >= 3, f"{role} reached only {pages} pages"
        for url, found in findings.items():
            all_findings[f"{role} {url}"] = found
    report = "\n".join(f"{where}: {'; '.join(found)}" for where, found in sorted(all_findings.items()))
    assert not all_findings, f"English or raw values on Indonesian pages:\n{report}"


def test_the_crawl_flags_english_raw_values_and_decimal_points():
    assert english_msgids(), "the catalogue gave no msgid to look for"
    assert findings_in("Status: pending_payment") == ["raw enum: 'pending_payment'"]
    assert findings_in("Kolom ini wajib diisi. This field is required.")
    assert findings_in("Bagian 100.0% selesai") == ["decimal point: '100.0%'"]
    assert findings_in("Menunggu pembayaran · 100,0% · Rp150.000 · /kelola/pending_payment") == []


def test_dates_and_times_read_one_way_in_indonesian(app):
    with app.test_request_context():
        assert wib(datetime(2026, 12, 6, 7, 5, tzinfo=UTC)) == "6 Des 2026 14.05 WIB"
        assert wib(datetime(2026, 12, 6, 7, 5, tzinfo=UTC).date()) == "6 Des 2026"
