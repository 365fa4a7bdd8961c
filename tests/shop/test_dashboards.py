"""The shell shows the dashboards that the package owning their data provides (shop.dashboards)."""
from __future__ import annotations

from orders.b2b import partner_views
from orders.dashboard import sentra as sentra_dashboard
from shop import dashboards
from shop.extensions import db
from shop.sentras.models import SentraStatus
from tests.factories import make_sentra, make_user


def test_orders_provides_the_sentra_and_the_partner_dashboards(app):
    assert app.extensions[dashboards.SENTRA] is sentra_dashboard.dashboard_for
    assert app.extensions[dashboards.PARTNER] is partner_views.dashboard


def test_an_active_sentras_home_shows_the_provided_dashboard(app, client, auth, monkeypatch):
    shown = []
    provided = app.extensions[dashboards.SENTRA]
    monkeypatch.setitem(app.extensions, dashboards.SENTRA, lambda sentra: shown.append(sentra.id) or provided(sentra))
    owner = make_user()
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login(owner.email)

    page = client.get(f"/kelola/{sentra.slug}/").get_data(as_text=True)

    assert shown == [sentra.id]
    assert 'id="todo-new-orders"' in page


def test_a_sentras_home_without_a_provided_dashboard_is_the_page_without_one(app, client, auth, monkeypatch):
    monkeypatch.delitem(app.extensions, dashboards.SENTRA)
    owner = make_user()
    sentra = make_sentra(owner=owner)
    db.session.commit()
    auth.login(owner.email)

    response = client.get(f"/kelola/{sentra.slug}/")

    assert response.status_code == 200
    assert 'id="todo-' not in response.get_data(as_text=True)


def test_a_pending_sentras_home_does_not_compute_the_dashboard(app, client, auth, monkeypatch):
    shown = []
    monkeypatch.setitem(app.extensions, dashboards.SENTRA, shown.append)
    owner = make_user()
    sentra = make_sentra(owner=owner, status=SentraStatus.PENDING)
    db.session.commit()
    auth.login(owner.email)

    assert client.get(f"/kelola/{sentra.slug}/").status_code == 200
    assert shown == []
