"""The template helpers of the hot path (shop.templating) and the session's quick open (shop.sessions)."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import refresh
from markupsafe import Markup

from shop.sessions import SessionInterface

FRAGMENT = '{% fragment "test-counter" %}{{ count() }} {{ _("Cart") }}{% endfragment %}'


def test_a_fragment_is_rendered_once_per_language_then_reused(app):
    renders = []

    def count() -> int:
        renders.append(1)
        return len(renders)

    def render(path: str, **headers: str) -> str:
        with app.test_request_context(path, headers=headers):
            refresh()  # the test's app context outlives the request: forget the last request's language
            return render_template_string(FRAGMENT, count=count)

    first, again, english = render("/"), render("/sentra"), render("/", Cookie="lang=en")
    assert (first, again, english) == ("1 Keranjang", "1 Keranjang", "2 Cart")


def test_a_fragment_outside_a_request_is_rendered_every_time(app):
    renders = []
    with app.app_context():
        texts = [render_template_string(FRAGMENT, count=lambda: renders.append(1) or len(renders)) for _ in range(2)]
    assert texts[0].startswith("1 ") and texts[1].startswith("2 ")


def test_template_gettext_formats_only_what_has_something_to_fill_in(app):
    with app.test_request_context("/"):
        plain = app.jinja_env.globals["_"]
        context = app.jinja_env.from_string("").new_context()
        assert isinstance(plain(context, "Cart"), Markup)
        assert render_template_string('{{ _("Cart") }}|{{ _("100%% sure") }}|{{ _("Stock %(num)d", num=3) }}') \
            == "Keranjang|100% sure|Stok 3"


def test_a_request_without_a_session_cookie_opens_an_empty_session_without_signing(app):
    interface = app.session_interface
    assert isinstance(interface, SessionInterface)
    with app.test_request_context("/"):
        from flask import request

        session = interface.open_session(app, request)
        assert session is not None and not session and not session.modified


def test_a_signed_session_cookie_is_still_read(app, client):
    with client.session_transaction() as session:
        session["probe"] = "kept"
    with client.session_transaction() as session:
        assert session["probe"] == "kept"


def test_template_calls_pass_what_each_callable_asks_for(app):
    """The context's fast path for plain functions gives what Jinja's own context gives: nothing
    passed, the context (as Jinja derives it in loops and blocks), the environment, a
    StopIteration turned into an undefined value; other callables go through Jinja's."""
    from jinja2 import pass_context, pass_environment
    from jinja2.runtime import Context

    from shop.templating import _Context

    def plain(x, sep="-"):
        return f"{x}{sep}{x}"

    @pass_context
    def sees(context, name):
        return context.get(name, "?")

    @pass_environment
    def env_name(environment):
        return "env" if environment is app.jinja_env else "other"

    def stops():
        raise StopIteration

    class Shout:
        def __call__(self, word):
            return word.upper()

    source = ("{{ plain(1) }}|{{ plain(2, sep='+') }}|{{ sees('outer') }}|"
              "{% for item in ['a', 'b'] %}{{ sees('item') }}{{ plain(item) }}{% endfor %}|"
              "{% set local = 'L' %}{{ sees('local') }}|{% block b %}{{ sees('outer') }}{% endblock %}|"
              "{{ env_name() }}|[{{ stops() }}]|{{ shout('hi') }}")
    values = dict(plain=plain, sees=sees, env_name=env_name, stops=stops, shout=Shout(), outer="O")
    rendered = {}
    with app.test_request_context("/"):
        assert app.jinja_env.context_class is _Context
        for context_class in (_Context, Context):
            app.jinja_env.context_class = context_class
            try:
                rendered[context_class] = render_template_string(source, **values)
            finally:
                app.jinja_env.context_class = _Context
    assert rendered[_Context] == rendered[Context]
    assert rendered[_Context] == "1-1|2+2|O|?a-a?b-b|L|O|env|[]|HI"
