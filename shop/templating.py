"""Jinja helpers for the hot path: gettext and url_for as templates call them, made cheap.

Every page renders base.html, which calls ``_()`` about 25 times and ``url_for``
about a dozen times. Flask-Babel's template gettext resolves the domain, the
locale and the translations object on every call (and Jinja's ``_`` goes through
two more wrappers); Flask's url_for rebuilds URLs that never change. Here the
request's translations are looked up once, and a URL is built once per process
(per endpoint, values and script root).

Across requests only these are kept: the translations object (which Flask-Babel
itself caches per locale), URL strings (the URL map is fixed once the app is built),
and the fragments of base.html that depend on nothing but the language and the script
root (:class:`FragmentExtension`). Nothing that depends on who asks or on the data.
"""
from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any

from flask import Flask
from flask import url_for as flask_url_for
from flask.globals import _cv_app, _cv_request
from jinja2 import Environment, Template, nodes, pass_context
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from jinja2.utils import _PassArg
from markupsafe import Markup, _escape_inner

from shop.i18n import current_language, request_i18n, translations

# The same semantics as Jinja's "newstyle" gettext (which Flask-Babel installs):
# the result is Markup under autoescape and is always %-formatted with the keyword
# arguments (so "%%" in a msgid means "%"), ngettext's ``num`` defaults to n.

@pass_context
def _gettext(context: Context, string: str, /, **variables: Any) -> str:
    rv = request_i18n()[2].gettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:  # nothing to fill in: formatting would give the same text
        return rv
    return rv % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    rv = request_i18n()[2].ngettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


_URL_MEMO_SIZE = 4096


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for Python code on the hot path, through the same per-process memo as templates use.

    Only for URLs built over and over from a few values (an endpoint without arguments, a fixed
    sample key); anything host-dependent (``_external``) or outside a request goes to Flask's.
    """
    return _cv_app.get().app.extensions["url_memo"](endpoint, **values)


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


class FragmentExtension(Extension):
    """``{% fragment "name" %}...{% endfragment %}``: a stretch of a template rendered once per language.

    For the parts of base.html that every page repeats (the header's links and texts, the footer):
    they depend only on the language and the script root, yet rendering them was a fifth of an
    uncached product page. What is inside must depend on nothing else (no user, no request
    arguments, no cart); the name must be unique in the templates. The memo is per app (per Jinja
    environment) and bounded like the url_for memo.
    """

    tags = {"fragment"}

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._rendered: dict[tuple[str, str, str], Markup] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", [name]), [], [], body).set_lineno(lineno)

    def _fragment(self, name: str, caller: Callable[[], str]) -> Markup:
        ctx = _cv_request.get(None)
        if ctx is None:  # outside a request (an email, a PDF): nothing to reuse
            return Markup(caller())
        key = (name, current_language(), ctx.request.script_root)
        rendered = self._rendered.get(key)
        if rendered is None:
            if len(self._rendered) >= _URL_MEMO_SIZE:
                self._rendered.clear()
            rendered = self._rendered[key] = Markup(caller())
        return rendered


def _plain_globals(env: Environment) -> None:
    """Templates without globals of their own share the environment's globals dict itself.

    Jinja gives each template ``ChainMap({}, env.globals)``; every render then copies it into the
    context and turns it into a key set, and every ``{% from ... import %}`` subtracts the imported
    template's keys from that set, each key a ChainMap lookup in Python (about 400 calls, a
    twentieth of a product page). An empty overlay changes nothing a template can see: later
    changes to ``env.globals`` are still seen, and nothing here writes to a template's globals.
    """
    make_globals = env.make_globals

    def plain_when_empty(d: Any) -> Any:
        return env.globals if not d else make_globals(d)

    env.make_globals = plain_when_empty  # type: ignore[method-assign]


_new_markup = str.__new__


def _escape(s: Any, /) -> Markup:
    """``markupsafe.escape`` as every ``{{ ... }}`` of an autoescaped template calls it, less one Python call.

    markupsafe's own goes through ``Markup(...)`` (``Markup.__new__``, in Python) for each value
    printed: a few hundred to two thousand times a page. Same result: the escaped text as Markup.
    """
    if type(s) is str:
        return _new_markup(Markup, _escape_inner(s))
    if type(s) is Markup:
        return s
    if hasattr(s, "__html__"):
        return Markup(s.__html__())
    return _new_markup(Markup, _escape_inner(str(s)))


class _Template(Template):
    """Jinja's template, its compiled code printing values through :func:`_escape`."""

    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: Any, globals: Any) -> Template:
        namespace["escape"] = _escape  # the name the compiled code imported from jinja2.runtime
        return super()._from_namespace(environment, namespace, globals)


class _Context(Context):
    """Jinja's template context, calling plain Python functions without its per-call inspection.

    Every call in a template (``_()``, ``url_for``, ``csrf_token``...: sixty on a product page)
    goes through :meth:`Context.call`, which asks the callable and its ``__call__`` for a
    ``jinja_pass_arg`` marker, three attribute lookups that fail, before calling it. For a plain
    function the marker can only be in its ``__dict__`` (where ``pass_context`` and the like put
    it) and its ``__call__`` never has one, so this reads the marker there once and does what
    Jinja's would do with it; anything else (macros, bound methods, classes) goes to Jinja's.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        if type(__obj) is not FunctionType:
            return super().call(__obj, *args, **kwargs)
        pass_arg = __obj.__dict__.get("jinja_pass_arg")
        if pass_arg is _PassArg.context:
            if kwargs.get("_loop_vars"):
                __self = __self.derived(kwargs["_loop_vars"])
            if kwargs.get("_block_vars"):
                __self = __self.derived(kwargs["_block_vars"])
            args = (__self, *args)
        elif pass_arg is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's: a callable's StopIteration must not end the template's generator
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def init_app(app: Flask) -> None:
    """Install the helpers (after Flask-Babel, whose template gettext they replace)."""
    env = app.jinja_env
    _plain_globals(env)
    env.template_class = _Template
    env.context_class = _Context
    env.add_extension(FragmentExtension)
    env.install_gettext_callables(
        gettext=lambda s: translations().gettext(s),
        ngettext=lambda s, p, n: translations().ngettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().pgettext(c, s),
        npgettext=lambda c, s, p, n: translations().npgettext(c, s, p, n),
    )
    # Straight to the translations, without the i18n extension's two extra wrappers.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.globals["url_for"] = app.extensions["url_memo"] = _memo_url_for(app)
    env.globals["current_language"] = current_language
