"""Frozen dataclasses that are quick to make, for the records a public page builds by the dozen.

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``
(its own frozen ``__setattr__`` refuses): about five times the cost of a plain class's. A
search page makes a couple of hundred such records (hits, cards, facet values, links), a
product list about a hundred. :func:`quick_init` gives a frozen dataclass an ``__init__``
with the same signature that fills the instance's ``__dict__`` in one call; everything else
(frozen after ``__init__``, equality, hash, repr) is the dataclass's own.
"""
from __future__ import annotations

import dataclasses
import inspect
from typing import Any, TypeVar

T = TypeVar("T")
_FACTORY = object()  # "not given": the field's default factory makes its value


def quick_init(cls: type[T]) -> type[T]:
    """Replace a frozen dataclass's ``__init__`` (use above ``@dataclass(frozen=True)``).

    Only for the plain case: every field set by ``__init__`` from its argument, a default or a
    default factory; no ``__post_init__``, no ``InitVar``, no slots. Anything else is left as is.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        return cls
    fields = dataclasses.fields(cls)
    init_fields = [f.name for f in fields if f.init]
    signature = inspect.signature(cls.__init__)
    names = list(signature.parameters)[1:]
    if names != init_fields or len(fields) != len(init_fields):
        return cls  # an InitVar or an init=False field: the dataclass's own __init__
    factories = {f.name: f.default_factory for f in fields if f.default_factory is not dataclasses.MISSING}
    defaults: dict[str, Any] = {"_FACTORY": _FACTORY}
    parts, keyword_only, made = ["self"], False, []
    for name, parameter in signature.parameters.items():
        if name == "self":
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and not keyword_only:
            parts.append("*")
            keyword_only = True
        if name in factories:
            defaults[f"_factory_{name}"] = factories[name]
            parts.append(f"{name}=_FACTORY")
            made.append(f"    if {name} is _FACTORY:\n        {name} = _factory_{name}()\n")
        elif parameter.default is inspect.Parameter.empty:
            parts.append(name)
        else:
            defaults[f"_default_{name}"] = parameter.default
            parts.append(f"{name}=_default_{name}")
    body = ", ".join(f"{name}={name}" for name in names)
    source = f"def __init__({', '.join(parts)}):\n{''.join(made)}    self.__dict__.update({body})\n"
    namespace: dict[str, Any] = dict(defaults)
    exec(source, namespace)  # noqa: S102 - built from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return cls
