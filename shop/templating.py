"""Jinja helpers for the hot path: gettext and url_for as templates call them, made cheap.

Every page renders base.html, which calls ``_()`` about 25 times and ``url_for``
about a dozen times. Flask-Babel's template gettext resolves the domain, the
locale and the translations object on every call (and Jinja's ``_`` goes through
two more wrappers); Flask's url_for rebuilds URLs that never change. Here the
request's translations are looked up once, and a URL is built once per process
(per endpoint, values and script root).

Nothing of a page is cached across requests: only the translations object (which
Flask-Babel itself caches per locale) and URL strings (the URL map is fixed once
the app is built).
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask import url_for as flask_url_for
from flask.globals import _cv_request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from shop.i18n import current_language, request_i18n, translations

# The same semantics as Jinja's "newstyle" gettext (which Flask-Babel installs):
# the result is Markup under autoescape and is always %-formatted with the keyword
# arguments (so "%%" in a msgid means "%"), ngettext's ``num`` defaults to n.

@pass_context
def _gettext(context: Context, string: str, /, **variables: Any) -> str:
    rv = request_i18n()[2].gettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    rv = request_i18n()[2].ngettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


_URL_MEMO_SIZE = 4096


def _memo_url_for(app: Flask):
    """``url_for`` for templates that remembers what it built, per script root.

    A URL is a pure function of the endpoint, its values and the script root once
    the URL map is fixed (no subdomains, no url_defaults here), so only plain
    str/int values are remembered, never ``_external``/``_scheme`` (they depend on the host);
    anything else goes to Flask's url_for. The memo is bounded (emptied when full).
    """
    urls: dict[tuple[Any, ...], str] = {}
    usable = not app.url_map.host_matching and not any(app.url_default_functions.values())

    def url_for(endpoint: str, **values: Any) -> str:
        ctx = _cv_request.get(None)
        if not usable or ctx is None or endpoint.startswith("."):  # outside a request, or blueprint-relative
            return flask_url_for(endpoint, **values)
        for name, value in values.items():
            if name in ("_external", "_scheme") or type(value) not in (str, int):  # host-dependent
                return flask_url_for(endpoint, **values)
        key = (ctx.request.script_root, endpoint, *values.items())
        url = urls.get(key)
        if url is None:
            if len(urls) >= _URL_MEMO_SIZE:
                urls.clear()
            url = urls[key] = flask_url_for(endpoint, **values)
        return url

    return url_for


def init_app(app: Flask) -> None:
    """Install the helpers (after Flask-Babel, whose template gettext they replace)."""
    env = app.jinja_env
    env.install_gettext_callables(
        gettext=lambda s: translations().gettext(s),
        ngettext=lambda s, p, n: translations().ngettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().pgettext(c, s),
        npgettext=lambda c, s, p, n: translations().npgettext(c, s, p, n),
    )
    # Straight to the translations, without the i18n extension's two extra wrappers.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.globals["url_for"] = _memo_url_for(app)
    env.globals["current_language"] = current_language
