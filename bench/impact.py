"""The program office's impact figures with 200,000 orders over 56 sentras and two years.

Measures the p95 latency of ``GET /admin/dampak`` (Flask test client, an admin logged in)
and of ``GET /api/v1/admin/impact`` (bearer token) for the last year and the last 30 days,
on SQLite and on PostgreSQL. The budget (issue 8) is p95 < 1 s for a one-year range.

The data set is built once and kept (a fingerprint of the schema and the generator decides
whether to rebuild): SQLite in ``instance/bench_impact.db``, PostgreSQL in the database of
``BENCH_IMPACT_DATABASE_URL`` (default ``bench_impact`` on the server of ``BENCH_DATABASE_URL``,
else postgresql://postgres@127.0.0.1:5432/bench_impact; skipped when the server does not answer).
Rows go in with bulk statements (``executemany`` on SQLite, ``COPY`` on PostgreSQL), never one
ORM object at a time. It holds only what the figures read: users, sentras and memberships,
checkouts and orders, order and tracking events with shipments, products with their events
and stock movements, requests for quote with quotes and comments, payouts and their shares; and
the young-people figures' rows (issue 20): openings with their applications (applicants' birth
years spread 1960-2010, about 70 % aged 15-28), the accepted ones as members with a birth year
(most of whom then fulfil orders; some never do), most earlier members' birth years, and a mentor
roster with slots and booked, held sessions.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import statistics
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

ORDERS = 200_000
BUYERS = 40_000
MEMBERS_PER_SENTRA = (6, 18)
PRODUCTS_PER_SENTRA = 15
PARTNERS = 30
RFQS = 1_500
DAYS = 730
RUNS = 15
OPENINGS_PER_QUARTER = (1, 3)  # per active sentra
ACCEPTED_SHARE = 0.05  # of the applications answered, until the opening's places are filled
WORKING_SHARE = 0.75  # of the applicants who joined: they then fulfil orders like the other members
APPLICATIONS_PER_OPENING = (8, 50)
APPLICANTS = 20_000  # residents looking for work; some apply to several openings
MENTORS = 14
SLOTS_PER_WEEK = (2, 4)  # per mentor
GENERATOR = "5"  # bump when the data below changes: the cached databases are rebuilt
SQLITE_PATH = Path(__file__).resolve().parent.parent / "instance" / "bench_impact.db"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_impact"
ADMIN_EMAIL = "office@bench.test"
ADMIN_PASSWORD = "bench-office-password"

# Indexes the activity probes need ("who did this, when"); created here when the schema does not
# have them yet, so the figures show what the migration will give.
ACTIVITY_INDEXES = (
    ("ix_order_event_actor_created", "order_event", ("actor_id", "created_at")),
    ("ix_tracking_event_actor_created", "tracking_event", ("actor_id", "created_at")),
    ("ix_stock_movement_actor_created", "stock_movement", ("actor_id", "created_at")),
    ("ix_product_event_actor_created", "product_event", ("actor_id", "created_at")),
    ("ix_quote_created_by_created", "quote", ("created_by_id", "created_at")),
    ("ix_rfq_comment_author_created", "rfq_comment", ("author_id", "created_at")),
)


def _pg_url() -> str:
    from sqlalchemy.engine import make_url

    if os.environ.get("BENCH_IMPACT_DATABASE_URL"):
        return os.environ["BENCH_IMPACT_DATABASE_URL"]
    if os.environ.get("BENCH_DATABASE_URL"):
        return make_url(os.environ["BENCH_DATABASE_URL"]).set(database="bench_impact").render_as_string(
            hide_password=False)
    return DEFAULT_PG


def _ensure_pg_database(url: str) -> bool:
    """Create the database when missing; False when the server does not answer."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
                conn.execute(f'CREATE DATABASE "{parsed.database}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL: not measured ({str(error).strip().splitlines()[0]})")
        return False
    return True


def _make_app(url: str):
    from shop import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only", "LOG_LEVEL": "WARNING",
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
        "OUTBOX_DRAIN_AFTER_REQUEST": False, "MAIL_SERVER": None, "SERVER_NAME": None,
    })


# --- the data set -----------------------------------------------------------------------------------------


def _fingerprint() -> str:
    from shop.extensions import db

    schema = sorted((t.name, tuple(sorted(c.name for c in t.columns))) for t in db.metadata.sorted_tables)
    return hashlib.sha256(json.dumps([GENERATOR, ORDERS, schema]).encode()).hexdigest()[:16]


def _cached(fingerprint: str) -> bool:
    from sqlalchemy import text

    from shop.extensions import db

    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT value FROM bench_meta WHERE key = 'fingerprint'")).scalar() == fingerprint
    except Exception:  # noqa: BLE001  (no meta table: nothing cached)
        return False


def _fill_defaults(table, rows: list[dict]) -> list[dict]:
    """Every column a value: the model's Python-side defaults for the ones left out (COPY applies none)."""
    fills = {}
    for column in table.columns:
        default = column.default
        if default is None:
            fills[column.name] = None
        elif default.is_scalar:
            fills[column.name] = default.arg
        elif default.is_callable:
            fills[column.name] = default.arg(None)  # utcnow, list, ...: SQLAlchemy wraps them to take a context
    for row in rows:
        for name, value in fills.items():
            row.setdefault(name, value)
    return rows


def _insert(conn, table, rows: list[dict]) -> None:
    from sqlalchemy import JSON

    if not rows:
        return
    rows = _fill_defaults(table, rows)
    if conn.dialect.name != "postgresql":
        for start in range(0, len(rows), 20_000):
            conn.execute(table.insert(), rows[start:start + 20_000])
        return
    names = [c.name for c in table.columns]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = conn.connection.driver_connection.cursor()
    quoted = ", ".join(f'"{name}"' for name in names)
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_columns else row[n] for n in names])


def _birth_year(rng: random.Random, year: int, gen_z_share: float) -> int:
    """A birth year in 1960-2010: aged 15-28 in ``year`` with about ``gen_z_share``, older otherwise."""
    if rng.random() < gen_z_share:
        return min(2010, year - rng.randint(15, 28))
    return rng.randint(1960, year - 29)


def _young_people(rng: random.Random, origin: datetime, now: datetime, sentras: list[dict], users: list[dict],
                  memberships: list[dict], members_of: dict[int, list[int]], codes: list[str],
                  subsectors: list[str]) -> tuple[list, dict[int, list[tuple[datetime, int]]]]:
    """The rows the young-people figures read: openings and applications, the accepted applicants as members,
    birth years of earlier members, and mentors with slots and sessions. Appends to ``users`` and
    ``memberships``; returns (model or table, rows) pairs and, per sentra, the (joined at, user id) of the
    applicants who became members (the payouts give them shares too)."""
    from orders.mentoring.models import (
        Mentor,
        MentoringAction,
        MentoringSession,
        MentoringSlot,
        SlotStatus,
        Topic,
        mentor_subsector,
    )
    from orders.openings import models as jobs  # the openings' enums and tables

    today = (now + timedelta(hours=7)).date()
    for membership in memberships:  # most members answered the birth-year question; artisans skew older
        if rng.random() < 0.85:
            membership["birth_year"] = _birth_year(rng, membership["created_at"].year, 0.35)
            membership["birth_year_asked_at"] = membership["created_at"]

    first_applicant = len(users) + 1
    birth_years = {}
    for user_id in range(first_applicant, first_applicant + APPLICANTS):
        users.append({"id": user_id, "email": f"a{user_id}@bench.test", "name": f"Pelamar {user_id}",
                      "kelurahan_code": rng.choice(codes), "created_at": origin})
        birth_years[user_id] = _birth_year(rng, now.year, 0.72)
    applicant_ids = list(birth_years)

    def until_now(moment: datetime) -> datetime | None:
        return moment if moment <= now else None

    openings, applications, joined_of = [], [], {s["id"]: [] for s in sentras}
    member_pairs = {(m["sentra_id"], m["user_id"]) for m in memberships}
    active = [s["id"] for s in sentras if s["status"] == "active"]
    for quarter_start in (origin + timedelta(days=91 * q) for q in range(DAYS // 91 + 1)):
        for sentra_id in active:
            for _ in range(rng.randint(*OPENINGS_PER_QUARTER)):
                posted = quarter_start + timedelta(seconds=rng.randrange(91 * 86_400))
                if posted > now:
                    continue
                oid = len(openings) + 1
                closes_on = (posted + timedelta(hours=7)).date() + timedelta(days=rng.randint(14, 45))
                positions = rng.randint(1, 3)
                opening = {"id": oid, "sentra_id": sentra_id, "title": f"Lowongan {oid}",
                           "role": rng.choice(list(jobs.OpeningRole)).value, "description": "Bergabung dengan sentra.",
                           "skills": ["menjahit", "foto produk"][:rng.randint(0, 2)], "positions": positions,
                           "hours": rng.choice(list(jobs.Hours)).value, "pay": rng.choice(list(jobs.Pay)).value,
                           "closes_on": closes_on, "status": jobs.OpeningStatus.OPEN.value,
                           "created_by_id": members_of[sentra_id][0], "created_at": posted, "closed_at": None}
                openings.append(opening)
                window = max(1, (closes_on - posted.date()).days) * 86_400
                accepted = 0
                for applicant in rng.sample(applicant_ids, rng.randint(*APPLICATIONS_PER_OPENING)):
                    applied = until_now(posted + timedelta(seconds=rng.randrange(window)))
                    if applied is None:
                        continue
                    row = {"id": len(applications) + 1, "opening_id": oid, "sentra_id": sentra_id,
                           "applicant_id": applicant, "motivation": "Saya ingin bekerja di sentra.",
                           "skills": ["menjahit"], "birth_year": birth_years[applicant],
                           "kelurahan_code": users[applicant - 1]["kelurahan_code"], "phone": "+6281234567890",
                           "status": jobs.ApplicationStatus.SUBMITTED.value, "created_at": applied}
                    applications.append(row)
                    answered = until_now(applied + timedelta(hours=rng.randint(4, 120)))
                    decided = answered and until_now(answered + timedelta(days=rng.randint(2, 14)))
                    roll = rng.random()
                    if roll < 0.07:
                        row.update(status=jobs.ApplicationStatus.WITHDRAWN.value,
                                   withdrawn_at=until_now(applied + timedelta(days=rng.randint(1, 10))) or applied)
                    elif answered is None:
                        continue
                    elif roll < 0.07 + ACCEPTED_SHARE and decided and accepted < positions and (sentra_id, applicant) not in member_pairs:
                        accepted += 1
                        row.update(status=jobs.ApplicationStatus.ACCEPTED.value, answered_at=answered,
                                   shortlisted_at=answered, decided_at=decided, decision_note="Selamat bergabung")
                        member_pairs.add((sentra_id, applicant))
                        memberships.append({"id": len(memberships) + 1, "sentra_id": sentra_id, "user_id": applicant,
                                            "role": "member", "created_at": decided,
                                            "birth_year": birth_years[applicant], "birth_year_asked_at": decided})
                        joined_of[sentra_id].append((decided, applicant))
                        if accepted == positions:  # full: the opening closes itself
                            opening.update(status=jobs.OpeningStatus.CLOSED.value,
                                           closed_at=max(decided, opening["closed_at"] or decided))
                    elif decided and (roll < 0.85 or closes_on < today):
                        row.update(status=jobs.ApplicationStatus.REJECTED.value, answered_at=answered,
                                   decided_at=decided, decision_note="Terima kasih")
                    elif roll < 0.92:
                        row.update(status=jobs.ApplicationStatus.SHORTLISTED.value, answered_at=answered,
                                   shortlisted_at=answered)
                    else:
                        row.update(status=jobs.ApplicationStatus.TRIAL.value, answered_at=answered,
                                   shortlisted_at=answered, trial_at=answered + timedelta(days=3),
                                   trial_note="Datang jam 9")

    mentors, pairs, slots, sessions, actions = [], [], [], [], []
    topics = [t.value for t in Topic]
    owner_of = {s: ids[0] for s, ids in members_of.items()}
    for n in range(1, MENTORS + 1):
        user_id = len(users) + 1
        users.append({"id": user_id, "email": f"mentor{n}@bench.test", "name": f"Pendamping {n}",
                      "created_at": origin})
        mentors.append({"id": n, "user_id": user_id, "email": f"mentor{n}@bench.test", "name": f"Pendamping {n}",
                        "headline": "Pengusaha", "contact": "+6281234567890",
                        "topics": ",".join(rng.sample(topics, 3)), "active": True, "joined_at": origin,
                        "created_at": origin})
        pairs.extend({"mentor_id": n, "subsector_code": code} for code in rng.sample(subsectors, 2))
        for week in range(DAYS // 7 + 4):  # four weeks ahead too: open and booked future slots
            week_start = origin + timedelta(days=7 * week)
            for _ in range(rng.randint(*SLOTS_PER_WEEK)):
                starts = week_start.replace(hour=rng.randint(1, 9)) + timedelta(days=rng.randint(0, 5))
                ends = starts + timedelta(minutes=rng.choice((60, 60, 90, 120, 120, 180)))
                sid = len(slots) + 1
                past = starts <= now
                roll = rng.random()
                status = SlotStatus.BOOKED if roll < (0.65 if past else 0.3) else \
                    SlotStatus.WITHDRAWN if roll > 0.92 else SlotStatus.OPEN
                slots.append({"id": sid, "mentor_id": n, "starts_at": starts, "ends_at": ends,
                              "mode": rng.choice(("online", "place")), "link": "https://meet.example/x",
                              "place": "", "status": status.value, "created_at": starts - timedelta(days=21)})
                if status != SlotStatus.BOOKED:
                    continue
                sentra_id = rng.choice(active)
                held = until_now(ends + timedelta(hours=rng.randint(1, 48)))
                session_id = len(sessions) + 1
                sessions.append({"id": session_id, "slot_id": sid, "mentor_id": n, "sentra_id": sentra_id,
                                 "booked_by_id": owner_of[sentra_id], "topic": rng.choice(topics),
                                 "question": "Bagaimana menentukan harga?", "notes": "Catatan sesi" if held else "",
                                 "notes_at": held, "reminded_at": until_now(starts - timedelta(days=1)),
                                 "created_at": starts - timedelta(days=rng.randint(1, 20))})
                for position in range(rng.randint(0, 3) if held else 0):
                    done = rng.random() < 0.6
                    actions.append({"id": len(actions) + 1, "session_id": session_id, "sentra_id": sentra_id,
                                    "position": position, "text": "Hitung ulang HPP",
                                    "done_at": until_now(held + timedelta(days=3)) if done else None,
                                    "done_by_id": owner_of[sentra_id] if done else None})
    data = [(jobs.Opening, openings), (jobs.JobApplication, applications), (Mentor, mentors),
            (mentor_subsector, pairs), (MentoringSlot, slots), (MentoringSession, sessions),
            (MentoringAction, actions)]
    return data, joined_of


def _build(seed: int = 8) -> None:
    """Drop everything and generate the data set (prints how long it took)."""
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    from catalog.products.models import Product, ProductEvent, StockMovement, Variant
    from orders.b2b.models import Quote, Rfq, RfqComment
    from orders.core.models import Checkout, Order, OrderEvent
    from orders.impact import facts
    from orders.ledger.models import Payout, PayoutShare
    from orders.shipping.models import Shipment, TrackingEvent
    from shop.accounts.models import User
    from shop.extensions import db
    from shop.partners.models import Partner
    from shop.places.models import Kelurahan, Subsector
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra, SentraMembership

    began = time.perf_counter()
    rng = random.Random(seed)
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_meta"))
    db.drop_all()
    db.create_all()
    seed_places()
    db.session.commit()
    kelurahan = db.session.execute(db.select(Kelurahan.code, Kelurahan.slug, Kelurahan.name)
                                   .order_by(Kelurahan.code)).all()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    origin = now - timedelta(days=DAYS)

    def moment() -> datetime:
        # More orders lately, as a programme grows: density rises linearly over the two years.
        return origin + timedelta(seconds=int(math.sqrt(rng.random()) * DAYS * 86_400))

    users: list[dict] = [{"id": 1, "email": ADMIN_EMAIL, "name": "Kantor Program", "is_admin": True,
                          "password_hash": generate_password_hash(ADMIN_PASSWORD), "created_at": origin}]
    sentras, memberships, members_of = [], [], {}
    for n, (code, slug, name) in enumerate(kelurahan, start=1):
        sentras.append({"id": n, "slug": slug, "name": f"Sentra Kreatif {name}", "kelurahan_code": code,
                        "applied_kelurahan_code": code, "status": "suspended" if n % 28 == 0 else "active",
                        "description": "", "whatsapp": "+6281234567890", "address": f"Jl. {name} 1",
                        "created_at": origin})
        members_of[n] = []
        for role_index in range(rng.randint(*MEMBERS_PER_SENTRA)):
            user_id = len(users) + 1
            users.append({"id": user_id, "email": f"m{user_id}@bench.test", "name": f"Anggota {user_id}",
                          "created_at": origin})
            memberships.append({"id": len(memberships) + 1, "sentra_id": n, "user_id": user_id,
                                "role": "owner" if role_index == 0 else "member",
                                "created_at": origin + timedelta(days=rng.randint(0, DAYS // 2))})
            members_of[n].append(user_id)
    first_buyer = len(users) + 1
    for user_id in range(first_buyer, first_buyer + BUYERS):
        users.append({"id": user_id, "email": f"b{user_id}@bench.test", "name": f"Pembeli {user_id}",
                      "created_at": origin})
    partner_users = list(range(len(users) + 1, len(users) + 1 + PARTNERS))
    for user_id in partner_users:
        users.append({"id": user_id, "email": f"p{user_id}@bench.test", "name": f"Mitra {user_id}",
                      "created_at": origin})
    partners = [{"id": i + 1, "name": f"CV Mitra {i + 1}", "nib": f"{9120000000000 + i}", "status": "verified",
                 "street": "Jl. Mitra 2", "kelurahan_code": kelurahan[i % 56][0], "created_by_id": uid,
                 "created_at": origin} for i, uid in enumerate(partner_users)]
    sentra_ids = [s["id"] for s in sentras]
    weights = [rng.uniform(0.2, 3.0) for _ in sentra_ids]  # some sentras sell far more than others
    codes = [k[0] for k in kelurahan]
    # Its own generator, so the orders and everything drawn from `rng` stay as they were before these rows.
    young, joined_of = _young_people(random.Random(seed + 20), origin, now, sentras, users, memberships, members_of,
                                     codes, list(db.session.scalars(db.select(Subsector.code).order_by(Subsector.code))))
    young_rng = random.Random(seed + 21)

    products, variants, product_events, stock_movements = [], [], [], []
    for sentra_id in sentra_ids:
        for _ in range(PRODUCTS_PER_SENTRA):
            pid = len(products) + 1
            made = moment()
            products.append({"id": pid, "sentra_id": sentra_id, "ref": f"P-{pid:06d}", "title": f"Produk {pid}",
                             "slug": f"produk-{pid}", "subsector_code": "kriya", "status": "active",
                             "created_at": made, "updated_at": made, "listed": True})
            variants.append({"id": pid, "product_id": pid, "sentra_id": sentra_id, "sku": f"S-{pid}", "options": [],
                             "price_idr": rng.randrange(10_000, 300_000, 500), "stock": 1_000})
            for _ in range(rng.randint(5, 25)):
                product_events.append({"id": len(product_events) + 1, "product_id": pid, "sentra_id": sentra_id,
                                       "actor_id": rng.choice(members_of[sentra_id]),
                                       "kind": rng.choice(("updated", "photo", "status")), "created_at": moment()})
            for _ in range(rng.randint(10, 40)):
                stock_movements.append({"id": len(stock_movements) + 1, "variant_id": pid, "sentra_id": sentra_id,
                                        "delta": 20, "stock_after": 1_000, "reason": "restock",
                                        "actor_id": rng.choice(members_of[sentra_id]), "created_at": moment()})
    variants_of = {s: [p["id"] for p in products if p["sentra_id"] == s] for s in sentra_ids}

    checkouts, orders, order_events, shipments, tracking = [], [], [], [], []
    statuses = ["completed"] * 80 + ["cancelled"] * 5 + ["expired"] * 3 + ["processing"] * 4 + ["shipped"] * 4 + \
        ["placed"] * 3 + ["pending_payment"]
    times = sorted(moment() for _ in range(ORDERS))
    # Who fulfils a sentra's orders: its first members, and from the day they join most of the applicants
    # it accepted (the orders come in time order, so each joins the crew once).
    crew_rng = random.Random(seed + 22)
    crews = {s: list(members_of[s]) for s in sentra_ids}
    joining = {s: deque(sorted(p for p in joined_of[s] if crew_rng.random() < WORKING_SHARE)) for s in sentra_ids}
    for oid, created in enumerate(times, start=1):
        sentra_id = rng.choices(sentra_ids, weights)[0]
        while joining[sentra_id] and joining[sentra_id][0][0] <= created:
            crews[sentra_id].append(joining[sentra_id].popleft()[1])
        buyer = first_buyer + int(BUYERS * rng.random() ** 2)  # some buyers order far more often than others
        status = rng.choice(statuses)
        partner_id = rng.randint(1, PARTNERS) if rng.random() < 0.03 else None
        subtotal = rng.randrange(15_000, 600_000, 500) * (8 if partner_id else 1)
        fee = rng.choice((0, 0, 8_000, 12_000, 15_000))
        refunded = subtotal // 2 if status == "completed" and rng.random() < 0.02 else 0
        in_bekasi = rng.random() < 0.82
        checkouts.append({"id": oid, "buyer_id": buyer, "idempotency_key": f"k{oid}",
                          "payment_method": "bank_transfer", "total_idr": subtotal + fee, "recipient": "Pembeli",
                          "phone": "081234567890", "street": "Jl. Melati 5",
                          "kelurahan_code": rng.choice(codes) if in_bekasi else None,
                          "city": None if in_bekasi else "Jakarta Timur", "postal_code": None if in_bekasi else "13620",
                          "partner_id": partner_id, "created_at": created})
        orders.append({"id": oid, "number": f"PS-{oid:08d}", "checkout_id": oid, "sentra_id": sentra_id,
                       "buyer_id": buyer, "status": status, "payment_status": "paid", "payment_method": "bank_transfer",
                       "delivery_method": "pickup", "subtotal_idr": subtotal, "delivery_fee_idr": fee,
                       "total_idr": subtotal + fee, "refunded_idr": refunded, "partner_id": partner_id,
                       "tracking_code": f"T{oid:09d}", "created_at": created, "updated_at": created})
        stock_movements.append({"id": len(stock_movements) + 1, "variant_id": rng.choice(variants_of[sentra_id]),
                                "sentra_id": sentra_id, "delta": -1, "stock_after": 999, "reason": "order",
                                "order_id": oid, "actor_id": buyer, "created_at": created})
        order_events.append({"id": len(order_events) + 1, "order_id": oid, "kind": "status", "to_status": "placed",
                             "actor_id": buyer, "created_at": created})
        if status in ("cancelled", "expired", "placed", "pending_payment"):
            continue
        worker = rng.choice(crews[sentra_id])
        later = created + timedelta(hours=rng.randint(1, 30))
        order_events.append({"id": len(order_events) + 1, "order_id": oid, "kind": "status",
                             "from_status": "placed", "to_status": "processing", "actor_id": worker,
                             "created_at": later})
        shipments.append({"id": oid, "order_id": oid, "sentra_id": sentra_id, "method": "pickup",
                          "status": "ready_for_pickup", "created_at": later})
        tracking.append({"id": len(tracking) + 1, "shipment_id": oid, "status": "ready_for_pickup",
                         "actor_id": rng.choice(crews[sentra_id]), "created_at": later + timedelta(hours=3)})
        if status == "completed":
            order_events.append({"id": len(order_events) + 1, "order_id": oid, "kind": "status",
                                 "from_status": "delivered", "to_status": "completed", "actor_id": None,
                                 "created_at": later + timedelta(days=3)})

    rfqs, quotes, comments = [], [], []
    for rid in range(1, RFQS + 1):
        sentra_id, asked = rng.choice(sentra_ids), moment()
        partner = rng.randint(1, PARTNERS)
        rfqs.append({"id": rid, "partner_id": partner, "sentra_id": sentra_id, "created_by_id": partner_users[partner - 1],
                     "status": "quoted", "needed_by": (asked + timedelta(days=20)).date(), "recipient": "Mitra",
                     "phone": "0812", "street": "Jl. Mitra 2", "kelurahan_code": codes[0], "created_at": asked,
                     "updated_at": asked})
        quotes.append({"id": rid, "rfq_id": rid, "sentra_id": sentra_id, "valid_until": (asked + timedelta(days=9)).date(),
                       "delivery_method": "pickup", "subtotal_idr": 1_000_000, "total_idr": 1_000_000,
                       "created_by_id": rng.choice(members_of[sentra_id]), "created_at": asked + timedelta(days=1)})
        for side, author in (("partner", partner_users[partner - 1]), ("sentra", rng.choice(members_of[sentra_id]))):
            comments.append({"id": len(comments) + 1, "rfq_id": rid, "author_id": author, "side": side,
                             "body": "Bisa", "created_at": asked + timedelta(hours=5)})

    payouts, shares = [], []
    for sentra_id in sentra_ids:
        for month in range(DAYS // 30):
            paid = origin + timedelta(days=30 * month + rng.randint(0, 27))
            pid = len(payouts) + 1
            amount = rng.randrange(500_000, 20_000_000, 1_000)
            payouts.append({"id": pid, "sentra_id": sentra_id, "amount_idr": amount, "bank_name": "BJB",
                            "account_number": "0012345678", "account_holder": "Sentra", "reference": f"TRF{pid}",
                            "created_at": paid})
            for user_id in rng.sample(members_of[sentra_id], k=min(4, len(members_of[sentra_id]))):
                shares.append({"id": len(shares) + 1, "payout_id": pid, "user_id": user_id,
                               "amount_idr": amount // 8, "created_at": paid})
            for joined, user_id in joined_of[sentra_id]:  # most applicants who joined earn in a given month
                if joined < paid and young_rng.random() < 0.6:
                    shares.append({"id": len(shares) + 1, "payout_id": pid, "user_id": user_id,
                                   "amount_idr": young_rng.randrange(150_000, 2_500_000, 5_000), "created_at": paid})

    data = ((User, users), (Sentra, sentras), (SentraMembership, memberships), (Partner, partners),
            (Product, products), (Variant, variants), (ProductEvent, product_events), (Checkout, checkouts),
            (Order, orders), (StockMovement, stock_movements), (OrderEvent, order_events), (Shipment, shipments),
            (TrackingEvent, tracking), (Rfq, rfqs), (Quote, quotes), (RfqComment, comments), (Payout, payouts),
            (PayoutShare, shares), *young)
    with db.engine.begin() as conn:
        for model, rows in data:
            table = getattr(model, "__table__", model)  # a model, or a plain association table
            _insert(conn, table, rows)
            if conn.dialect.name == "postgresql" and "id" in table.columns:  # COPY gave the ids: move sequences past
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                  f"{len(rows) + 1}, false)"))
    # The rows went in without the ORM, so no buyer was marked: build every buyer's order facts,
    # as `flask --app shop impact refresh --all` would (timed: it is the cost of a full rebuild).
    facts_began = time.perf_counter()
    facts.mark_all()
    rebuilt = facts.refresh()
    db.session.commit()
    facts_took = time.perf_counter() - facts_began
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_meta (key VARCHAR(40) PRIMARY KEY, value VARCHAR(80))"))
        conn.execute(text("INSERT INTO bench_meta (key, value) VALUES ('fingerprint', :v)"), {"v": _fingerprint()})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    print(f"  built: {len(orders):,} orders, {len(order_events):,} order events, {len(tracking):,} tracking events, "
          f"{len(stock_movements):,} stock movements, {len(memberships):,} members, {len(payouts):,} payouts, "
          + ", ".join(f"{len(rows):,} {getattr(model, '__tablename__', getattr(model, 'name', ''))}"
                      for model, rows in young)
          + f" in {time.perf_counter() - began:.0f} s")
    print(f"  order facts of {rebuilt:,} buyers built in {facts_took:.1f} s")


def _ensure_activity_indexes() -> list[str]:
    """Create the indexes the activity probes need when the schema lacks them; their names."""
    from sqlalchemy import inspect, text

    from shop.extensions import db

    made = []
    inspector = inspect(db.engine)
    for name, table, columns in ACTIVITY_INDEXES:
        have = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
        if tuple(columns) not in have:
            with db.engine.begin() as conn:
                conn.execute(text(f'CREATE INDEX {name} ON "{table}" ({", ".join(columns)})'))
                conn.execute(text(f'ANALYZE "{table}"'))
            made.append(name)
    return made


# --- measuring --------------------------------------------------------------------------------------------


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def _measure(label: str, call) -> float:
    call()  # warm: templates compiled, caches filled
    samples = []
    for _ in range(RUNS):
        began = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - began)
        assert response.status_code == 200, (label, response.status_code)
    p95 = _p95(samples)
    print(f"  {label:<34} median {statistics.median(samples) * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms")
    return p95


YOUNG_FIGURES = ("openings", "applicants", "applicants_gen_z", "joined", "members_gen_z", "members_gen_z_earning",
                 "median_member_earnings_idr", "mentoring_sessions", "mentoring_hours")


def _check_young_figures(body: dict) -> None:
    """One line of the year's young-people figures for the city; fails when the measured requests would not
    compute them (every one of them zero means the timings say nothing about their cost)."""
    city = body["city"]
    print("  year, city: " + ", ".join(f"{name} {city[name]:,.0f}" for name in YOUNG_FIGURES))
    empty = [name for name in YOUNG_FIGURES if not city[name]]
    assert not empty, f"young-people figures are zero for the year: {empty}"


def _run(name: str, url: str) -> None:
    from shop.accounts.tokens import issue_token
    from shop.extensions import db

    app = _make_app(url)
    with app.app_context():
        fingerprint = _fingerprint()
        if _cached(fingerprint):
            print(f"{name}: cached data set")
        else:
            print(f"{name}: building the data set (once; kept for the next run)")
            _build()
        made = _ensure_activity_indexes()
        if made:
            print(f"  created missing activity indexes: {', '.join(made)}")
        from shop.accounts.models import User

        admin = db.session.scalar(db.select(User).where(User.email == ADMIN_EMAIL))
        token, _ = issue_token(admin, "bench", 1)
        db.session.commit()
        db.session.remove()

    client = app.test_client()
    assert client.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).status_code == 302
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    month = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    headers = {"Authorization": f"Bearer {token}"}
    _check_young_figures(client.get("/api/v1/admin/impact", query_string=year, headers=headers).get_json())
    worst = max(
        _measure("dashboard page, 1 year", lambda: client.get("/admin/dampak", query_string=year)),
        _measure("impact API, 1 year", lambda: client.get("/api/v1/admin/impact", query_string=year,
                                                          headers=headers)),
    )
    _measure("dashboard page, 30 days", lambda: client.get("/admin/dampak", query_string=month))
    _measure("impact API, 30 days", lambda: client.get("/api/v1/admin/impact", query_string=month, headers=headers))
    print(f"  budget p95 < 1000 ms for a year: {'OK' if worst < 1.0 else 'OVER'} ({worst * 1000:.0f} ms)")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    print(f"{ORDERS:,} orders over 56 sentras and {DAYS} days; {RUNS} timed requests each (after one warm-up)")
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    _run("SQLite", f"sqlite:///{SQLITE_PATH}")
    url = _pg_url()
    if _ensure_pg_database(url):
        _run("PostgreSQL", url)


if __name__ == "__main__":
    main()
