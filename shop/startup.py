"""Starting the app without the cyclic garbage collector: what the start makes, it keeps.

Importing the app and wiring it make every model's class, table and mapper, every view and
form class, hundreds of thousands of objects that live as long as the process, and hardly any
garbage. The cyclic collector runs after every 700 new objects and now and then over the older
ones, so it walks that growing heap over and over for nothing: 380 M of the 4,290 M instructions
of ``flask --app shop expire-payments``, and a larger share of its time, as those walks mostly
miss the CPU's caches (issue 16). :func:`collector_paused` turns it off for such a block and
turns it back on after.

A command also *freezes* what its start made (``freeze=True``: ``gc.freeze`` moves every object
alive where the collector never walks), so the collection that ends the interpreter skips it: a
command no longer walks and frees its whole heap on its way out, which was most of the time this
saves (``shop.database`` closes the engines' connections at exit, which that collection used to
do). A server does not: with the app's objects frozen, CPython counts almost nothing as long-lived
and runs a full collection every time one generation overflows into the oldest, which cost a
product page about 0.24 M instructions (3 %) more per request than it saved.

The collector's state is restored, not assumed: a block inside another, or in a process whose
owner turned the collector off, changes nothing. A block that imported no module (the second
app a test makes) made objects that die with their app: it freezes nothing, so the garbage its
caller left uncollected stays collectable.
"""
from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, then turn it back on; with ``freeze`` (a
    command's start), freeze every object alive first when the block imported modules."""
    if not gc.isenabled():  # an enclosing block's pause, or the process's owner's choice: left as it is
        yield
        return
    modules = len(sys.modules)
    gc.disable()
    try:
        yield
        if freeze and len(sys.modules) > modules:
            gc.freeze()
    finally:
        gc.enable()
