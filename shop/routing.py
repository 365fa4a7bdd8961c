"""URL rules that compile their URL builders on first use.

Werkzeug compiles two Python functions per rule (``url_for``'s builders) as soon as the
rule is added: with about 230 rules that is a third of a second of every start, which the
CLI, the worker and each new server process pay though most never build most URLs. This
rule compiles each builder the first time ``url_for`` needs it, then keeps it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuildRule(Rule):
    """A :class:`~werkzeug.routing.Rule` whose builders are compiled by the first ``url_for``."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        name = "_build_unknown" if append_unknown else "_build"
        compile_now = super()._compile_builder

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            real = compile_now(append_unknown).__get__(rule, None)
            setattr(rule, name, real)  # later calls go straight to the compiled builder
            return real(**values)

        return build
