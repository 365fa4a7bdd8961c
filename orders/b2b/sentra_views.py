"""The sentra's quote inbox at /kelola/<sentra_slug>/penawaran: requests, quotes and comments.

Every view uses :func:`sentra_required` (any member may read, quote and comment); requests
are loaded by (sentra, id), so another sentra's request, and its reference images, are a
404. Images live under a private prefix and are served only through :func:`image`.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from orders.b2b import quotes, rfqs
from orders.b2b.errors import B2bValidationError, NotFoundError, RfqClosedError
from orders.b2b.invoices import ppn_rate, today_wib
from orders.b2b.models import Rfq, RfqStatus
from orders.b2b.sentra_forms import DELIVERY_LABELS, CommentForm, build_quote_form
from orders.b2b.serialize import due_state
from orders.payments.transfer_views import proof_response
from shop.extensions import db
from shop.sentras.access import sentra_required

bp = Blueprint("b2b_sentra", __name__, url_prefix="/kelola/<sentra_slug>/penawaran")

PER_PAGE = 20
TABS = (RfqStatus.OPEN, RfqStatus.QUOTED, RfqStatus.ACCEPTED, RfqStatus.DECLINED, RfqStatus.CANCELLED)
TAB_LABELS = {
    RfqStatus.OPEN: _l("Awaiting our quote"),
    RfqStatus.QUOTED: _l("Quoted"),
    RfqStatus.ACCEPTED: _l("Accepted"),
    RfqStatus.DECLINED: _l("Declined"),
    RfqStatus.CANCELLED: _l("Withdrawn"),
}


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1


def _status_counts(sentra_id: int) -> dict[str, int]:
    counts = dict.fromkeys(TABS, 0)
    counts.update(db.session.execute(
        select(Rfq.status, func.count()).where(Rfq.sentra_id == sentra_id).group_by(Rfq.status)).tuples().all())
    return counts


def _load(rfq_id: int) -> Rfq:
    try:
        return rfqs.load_sentra_rfq(g.sentra.id, rfq_id)
    except NotFoundError:
        abort(404)


def _to_detail(rfq_id: int, anchor: str | None = None):
    return redirect(url_for("b2b_sentra.detail", sentra_slug=g.sentra.slug, rfq_id=rfq_id, _anchor=anchor))


@bp.get("")
@sentra_required()
def inbox(sentra_slug: str):
    """Requests of one status (awaiting our quote by default) with a count per tab, 20 a page. :raise 404:"""
    status = request.args.get("status") or RfqStatus.OPEN
    if status not in TABS:
        abort(404)
    found = rfqs.list_sentra_rfqs(g.sentra.id, status, _page(), PER_PAGE)
    today = today_wib()
    return render_template(
        "b2b/sentra/inbox.html", sentra=g.sentra, membership=g.membership, rfqs=found, status=status,
        tabs=TABS, tab_labels=TAB_LABELS, counts=_status_counts(g.sentra.id), today=today,
        due={rfq.id: due_state(rfq, today) for rfq in found.items},
    )


def _detail_page(rfq: Rfq, *, quote_form=None, comment_form=None, general_errors: list[str] | None = None):
    today = today_wib()
    may_quote = rfq.status in rfqs.OPEN_STATUSES
    latest = rfq.current_quote
    if may_quote and quote_form is None:
        quote_form = build_quote_form(rfq, latest, today, submitted=False)
    return render_template(
        "b2b/sentra/detail.html", sentra=g.sentra, membership=g.membership, rfq=rfq, today=today,
        due=due_state(rfq, today), revisions=list(reversed(rfq.quotes)), latest=latest, may_quote=may_quote,
        quote_form=quote_form if may_quote else None, comment_form=comment_form or CommentForm(formdata=None),
        general_errors=general_errors or [], delivery_labels=DELIVERY_LABELS,
        ppn_rate=ppn_rate(current_app.config) if g.sentra.is_pkp else None,
    )


@bp.get("/<int:rfq_id>")
@sentra_required()
def detail(sentra_slug: str, rfq_id: int):
    """The request, its quote revisions, the comments and the quote form. :raise 404:"""
    return _detail_page(_load(rfq_id))


@bp.get("/<int:rfq_id>/gambar/<int:image_id>")
@sentra_required()
def image(sentra_slug: str, rfq_id: int, image_id: int):
    """A reference image of the request (``?ukuran=kecil`` for the small one); private. :raise 404:"""
    rfq = _load(rfq_id)
    try:
        picture = rfqs.image_of(rfq, image_id)
    except NotFoundError:
        abort(404)
    return proof_response(picture.thumb_key if request.args.get("ukuran") == "kecil" else picture.key)


@bp.post("/<int:rfq_id>/komentar")
@sentra_required()
def comment(sentra_slug: str, rfq_id: int):
    """Add the sentra's comment to the thread; the partner gets an email. :raise 404:"""
    rfq = _load(rfq_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail_page(rfq, comment_form=form), 422
    try:
        rfqs.add_comment(rfq, "sentra", current_user, form.body.data)
    except B2bValidationError:
        db.session.rollback()
        form.body.errors = [*form.body.errors, _("Write a comment of at most 2000 characters.")]
        return _detail_page(_load(rfq_id), comment_form=form), 422
    db.session.commit()
    flash(_("Comment sent."), "success")
    return _to_detail(rfq_id, "comments")


@bp.post("/<int:rfq_id>/kutipan")
@sentra_required()
def quote(sentra_slug: str, rfq_id: int):
    """Send a quote, or a new revision that supersedes the open one. :raise 404:"""
    rfq = _load(rfq_id)
    if rfq.status not in rfqs.OPEN_STATUSES:
        flash(_("This request is closed, so it takes no more quotes."), "error")
        return _to_detail(rfq_id)
    form = build_quote_form(rfq, rfq.current_quote, today_wib(), submitted=True)
    if not form.validate_on_submit():
        return _detail_page(rfq, quote_form=form), 422
    data, rows = form.quote_input()
    try:
        sent = quotes.create_quote(g.sentra, current_user, rfq_id, data, current_app.config)
    except RfqClosedError:
        db.session.rollback()
        flash(_("This request is closed, so it takes no more quotes."), "error")
        return _to_detail(rfq_id)
    except B2bValidationError as error:
        db.session.rollback()
        general = form.show_errors(error.fields, rows)
        return _detail_page(_load(rfq_id), quote_form=form, general_errors=general), 422
    revision = sent.revision
    db.session.commit()
    flash(_("Quote revision %(revision)s sent to the partner.", revision=revision), "success")
    return _to_detail(rfq_id, "quotes")
