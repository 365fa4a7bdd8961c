"""An app whose wiring a CLI process finishes when it is first used.

``flask --app shop --help`` builds the app only to list its commands, and a command such as
``expire-payments`` needs the models and their signal receivers but not one page. Importing
every model costs about a quarter of a second and every view, form and API schema another
half, so in a CLI process :func:`shop.create_app` wires in two stages, each on first need:

- ``"models"``, when a command is about to run (``shop.cli`` wraps each one; listing them
  for ``--help`` pushes an app context too, so a context is not the signal): the models,
  their receivers, the domain's providers and the worker's handlers and tasks;
- ``"web"``, at the first use of ``url_map`` or the first template loaded (every request,
  ``url_for`` and rendered email does): the blueprints, the page hooks and template helpers.

A server process (gunicorn, the test client's app) wires both at once, in the same order,
so it never pays a check more than an empty list's truth per request.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.templating import Environment
from werkzeug.routing import Map

from shop.startup import collector_paused

Stage = Callable[[Flask], None]
MODELS = "models"
WEB = "web"


class _TemplatesWiredFirst(Environment):
    """The app's Jinja environment: loading a template first finishes the web stage.

    Pages' filters and globals (``order_note``, ``qr_svg``...) come with the blueprints, so a
    template is never loaded without them; setting ``debug`` (which touches the environment)
    and the other setup that only configures it do not count as a use.
    """

    app: DeferredWiringFlask  # set by Flask's Environment

    def get_template(self, *args: Any, **kwargs: Any) -> Any:
        self.app.finish_wiring(WEB)
        return super().get_template(*args, **kwargs)

    def select_template(self, *args: Any, **kwargs: Any) -> Any:
        self.app.finish_wiring(WEB)
        return super().select_template(*args, **kwargs)

    def from_string(self, *args: Any, **kwargs: Any) -> Any:
        self.app.finish_wiring(WEB)
        return super().from_string(*args, **kwargs)


class DeferredWiringFlask(Flask):
    """A Flask app that may hold stages of its wiring until they are needed."""

    jinja_environment = _TemplatesWiredFirst
    _pending: list[tuple[str, Stage]] = []  # the stages not yet run, in order (none: a wired app)
    _wiring_lock = threading.RLock()

    def wire(self, stages: list[tuple[str, Stage]], *, later: bool) -> None:
        """Run ``stages`` now, or (``later``) each when first needed; see the module's docstring."""
        self._pending = list(stages)
        self._running: set[str] = set()
        self._in_a_command = later  # a command's stages freeze what they made (shop.startup)
        if not later:
            self._finish(stages[-1][0])

    def _finish(self, name: str) -> None:
        """Run the pending stages up to and including ``name``; nothing if it has already run.

        A stage leaves the list once it has run, so another thread waits for it on the lock
        rather than using a half-wired app; a stage that reads ``url_map`` or loads a template
        itself (the same thread, re-entering) is not started again.
        """
        with self._wiring_lock:
            if all(pending != name for pending, _ in self._pending):
                return
            while self._pending:
                current, stage = self._pending[0]
                if current in self._running:
                    return
                self._running.add(current)
                try:
                    # What a stage makes lives as long as the app; a command keeps it frozen (shop.startup).
                    with collector_paused(freeze=self._in_a_command):
                        stage(self)
                finally:
                    self._running.discard(current)
                self._pending = self._pending[1:]
                if current == name:
                    return

    def finish_wiring(self, name: str = WEB) -> None:
        """Run every stage up to ``name`` that has not run yet (``MODELS`` for a command about to run)."""
        if self._pending:
            self._finish(name)

    @property  # type: ignore[override]
    def url_map(self) -> Map:
        if self._pending:
            self.finish_wiring(WEB)
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value
