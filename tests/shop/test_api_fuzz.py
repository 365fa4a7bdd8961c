"""Every operation of /api/v1/openapi.json, fuzzed by schemathesis as each kind of caller.

For each role (anonymous, buyer, sentra member, partner member, program office) and each
documented operation, schemathesis generates requests from the document itself: valid
ones, valid ones aimed at real rows (seeded path parameters), and invalid ones. Every
answer must be a non-5xx, with a status code, content type and body the document names
(errors in the ``{"error": {"code", "message", "fields"}}`` envelope).

Path parameters are seeded with real rows (``build_world``) so that most examples reach a
handler's body parsing instead of stopping at a 404. The run is bounded
(``EXAMPLES_PER_OPERATION``) and derandomized, so it is the same every time; each role prints
its figures (operations, examples, 5xx) when run with ``-n 0``.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask, current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from orders.b2b.acceptance import accept_quote
from orders.b2b.invoices import today_wib
from orders.cart.models import Cart
from shop.accounts.tokens import issue_token
from shop.extensions import db, limiter
from tests.factories import fill_cart, make_checkout, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.classes.helpers import make_class
from tests.orders.facilities.helpers import make_facility
from tests.orders.openings.helpers import apply as apply_to_opening_for_fuzz
from tests.orders.openings.helpers import make_opening

# PASAR_API_FUZZ_EXAMPLES=200 for a longer hunt on a developer machine.
EXAMPLES_PER_OPERATION = int(os.environ.get("PASAR_API_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@dataclass
class World:
    """The rows the fuzzer aims at, and a bearer token per role (None: anonymous)."""

    path_parameters: dict[str, Any]
    query: dict[str, Any]
    tokens: dict[str, str | None] = field(default_factory=dict)


def build_world() -> World:
    owner = make_user("pemilik@example.test", name="Pemilik Sentra")
    sentra = make_sentra(owner=owner)
    product = make_product(sentra, variants=[
        {"sku": "TAS-M", "price_idr": 45_000, "stock": 500, "options": "Ukuran=M"},
        {"sku": "TAS-L", "price_idr": 55_000, "stock": 500, "options": "Ukuran=L", "tiers": "10:40000"},
    ])
    variant = product.variants[0]
    buyer = make_user("pembeli@example.test", name="Sari Pembeli")
    checkout = make_checkout(buyer, [(variant, 1)])
    order = checkout.orders[0]
    fill_cart(buyer, [(product.variants[1], 2)])
    cart_line = db.session.query(Cart).filter_by(user_id=buyer.id).one().lines[0]
    partner, partner_owner, staff = partner_team(threshold=10_000)
    rfq = send_rfq(partner, partner_owner, sentra)
    quote = send_quote(sentra, owner, rfq, valid_until=today_wib() + timedelta(days=30))
    approval = accept_quote(membership(partner, staff), staff, quote.id, "bank_transfer", current_app.config).approval
    admin = make_user("kantor@example.test", name="Kantor Program", admin=True)
    klass = make_class(sentra, owner, title="Kelas Fuzz", capacity=1000)  # bookings, attendance, patch, cancel
    facility = make_facility(sentra, name="Meja Fuzz", units=100)
    opening = make_opening(sentra, owner, title="Lowongan Fuzz", positions=100)  # applications and decisions
    application = apply_to_opening_for_fuzz(make_user("pelamar@example.test", name="Pelamar Fuzz"), opening)
    db.session.commit()
    world = World(
        path_parameters={
            "slug": sentra.slug, "sentra_slug": sentra.slug, "product_id": product.id,
            "variant_id": variant.id, "item_id": cart_line.id, "number": order.number,
            "rfq_id": rfq.id, "quote_id": quote.id, "approval_id": approval.id, "class_id": klass.id,
            "facility_id": facility.id, "opening_id": opening.id, "application_id": application.id,
        },
        query={"code": order.tracking_code},
    )
    for role, user in (("buyer", buyer), ("sentra_member", owner), ("partner_member", partner_owner),
                       ("admin", admin)):
        world.tokens[role] = issue_token(user, "fuzz", 1)[0]
    world.tokens["anonymous"] = None
    db.session.commit()
    return world


@dataclass
class Tally:
    examples: Counter = field(default_factory=Counter)
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)


def _strategy(operation, world: World) -> st.SearchStrategy:
    """Valid requests, valid ones aimed at the seeded rows, and invalid ones aimed at them."""
    names = {param.name for param in operation.path_parameters}
    seeded = {name: value for name, value in world.path_parameters.items() if name in names}
    query = {name: value for name, value in world.query.items()
             if any(param.name == name for param in operation.query)}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=seeded, query=query or None),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=seeded),
    ]
    return st.one_of(strategies)


def _fuzz_operation(operation, world: World, role: str, tally: Tally) -> None:
    token = world.tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else None
    label = f"{operation.method.upper()} {operation.path}"

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_strategy(operation, world))
    def run(case) -> None:
        limiter.reset()  # the limits are tested elsewhere; here they would only hide handlers
        response = case.call(headers=headers)
        tally.examples[role] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as failure:  # collected, reported together below
            tally.failures.append(f"[{role}] {label}\n{failure}")

    run()


def _operations(app: Flask) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Each role's token is sent as is (never generated or dropped), and an unknown query
    # parameter is ignored by design, so neither counts as invalid input here.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    return [result.ok() for result in schema.get_all_operations()]


ROLES = ["anonymous", "buyer", "sentra_member", "partner_member", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_every_documented_operation_survives_fuzzing_as(role: str, app: Flask, capsys) -> None:
    world = build_world()
    operations = _operations(app)
    tally = Tally()
    started = time.monotonic()
    for operation in operations:
        _fuzz_operation(operation, world, role, tally)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\n[api fuzz] {role}: {len(operations)} operations, {tally.examples[role]} examples, "
              f"{tally.server_errors} 5xx, {elapsed:.1f} s")
    assert tally.server_errors == 0 and not tally.failures, "\n\n".join(tally.failures) + (
        f"\n\n{len(tally.failures)} failures in all")

