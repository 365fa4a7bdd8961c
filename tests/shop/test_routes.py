"""Every route keeps its URL, endpoint name and methods (the list in routes.txt is the contract).

Endpoint names are used by ``url_for`` across templates and URLs by every client, so a change
to where routes are registered (each package's ``blueprints`` module) must leave the map as
it is. A route added on purpose is added to routes.txt in the same commit.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb

ROUTES = Path(__file__).with_name("routes.txt")


def _route_lines(app) -> list[str]:
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))
    return [f"{rule.rule} {rule.endpoint} {','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))}" for rule in rules]


def test_every_route_keeps_its_url_endpoint_and_methods(app):
    assert _route_lines(app) == ROUTES.read_text().splitlines()
