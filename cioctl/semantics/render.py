"""Liquid rendering of flow messages at simulated time (docs/semantics.md section 8).

A message is rendered for one person at the instant it is sent, with ``customer``, ``event``
(the trigger event's properties), ``snippets`` (rendered on use, Liquid inside them included),
collections (each a list under its name), ``campaign`` and ``now`` (the virtual clock) in
scope. Outputting an undefined variable, iterating it or passing it to a filter other than
``default`` fails the delivery, as Customer.io does for a missing ``first_name``; in ``if``
tests and ``== blank`` an undefined value is nil and nothing fails.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from liquid import BoundTemplate, Environment, Undefined
from liquid.exceptions import Error as LiquidError
from liquid.exceptions import NoSuchFilterFunc, UndefinedError
from liquid.expression import Blank, Empty

from cioctl.checks.liquid import CUSTOMERIO_TAGS, _url_tag
from cioctl.model.messages import Message

FIELDS = ("subject", "preheader", "from_", "to", "reply_to", "title", "body", "url", "link")
_NOW: contextvars.ContextVar[datetime] = contextvars.ContextVar("cioctl_virtual_now")
MAX_SNIPPET_DEPTH = 10


class _Nil(list[Any]):
    """What an undefined value is in a comparison or test: nil, which is also blank and empty
    (python-liquid compares through ``__liquid__``; an empty list satisfies its blank test)."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Undefined | Blank | Empty | _Nil) or other is None:
            return True
        return isinstance(other, str | list | dict) and not other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None


class FailingUndefined(Undefined):
    """Undefined that fails when its value is *used* (output, iteration, filters), and is
    nil in tests and comparisons with ``blank``/``empty``/``nil``."""

    __slots__ = ()

    def _fail(self) -> Any:
        raise UndefinedError(f"'{variable_path(self)}' is undefined")

    def __liquid__(self) -> _Nil:
        return _Nil()

    def __eq__(self, other: object) -> bool:
        return _Nil() == other

    def __hash__(self) -> int:
        return hash(self.name)

    def __str__(self) -> str:
        return str(self._fail())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._fail())

    def __len__(self) -> int:
        return int(self._fail())


def variable_path(value: Undefined) -> str:
    """``customer.first_name`` from python-liquid's hint ``key error: …, customer[first_name]``."""
    hint = value.hint or ""
    path = hint.rsplit(", ", 1)[-1] if ", " in hint else value.name
    return re.sub(r"\[([^\]]+)\]", r".\1", path)


def _strict(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that fails when given an undefined value (``default`` is the exception)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, Undefined):
                path = variable_path(value)
                raise UndefinedError(f"'{path}' is undefined (passed to filter '{name}')")
        return function(*args, **kwargs)

    for attribute in ("with_context", "with_environment"):
        if getattr(function, attribute, False):
            setattr(call, attribute, True)
    return call


def _virtual_date(builtin: Callable[..., Any]) -> Callable[..., Any]:
    def date(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("now", "today"):
            value = _NOW.get()  # set by render_text: the virtual clock, never the wall clock
        return builtin(value, *args, **kwargs)

    date.with_environment = True  # type: ignore[attr-defined]
    return date


def _currency(value: Any, unit: Any = "USD", *_rest: Any) -> str:
    amount = float(value)
    symbols = {"USD": "$", "EUR": "€", "GBP": "£"}
    symbol = symbols.get(str(unit).upper(), f"{unit} ")
    return f"{symbol}{amount:,.2f}"


def _format_number(value: Any, *_rest: Any) -> str:
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=1)
def engine_liquid() -> Environment:
    """The rendering environment: Customer.io's URL tags and a few of its filters."""
    env = Environment(undefined=FailingUndefined)
    for name in CUSTOMERIO_TAGS:
        env.add_tag(_url_tag(name))
    env.add_filter("date", _virtual_date(env.filters["date"]))
    env.add_filter("currency", _currency)
    env.add_filter("format_number", _format_number)
    for name, function in list(env.filters.items()):
        if name != "default":
            env.add_filter(name, _strict(name, function))
    return env


@lru_cache(maxsize=4096)
def _template(text: str) -> BoundTemplate:
    return engine_liquid().from_string(text)


@dataclass(frozen=True)
class RenderScope:
    """What a template can read."""

    customer: Mapping[str, Any]
    now: datetime
    event: Mapping[str, Any] | None = None
    snippets: Mapping[str, str] = field(default_factory=dict)
    collections: Mapping[str, Any] = field(default_factory=dict)
    campaign: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderFailure:
    """Why a message did not render: the field, the template line and Liquid's words."""

    field: str
    line: int
    reason: str


class _Snippets(Mapping[str, Any]):
    """``snippets.x``: each snippet rendered on first use with the message's own scope."""

    def __init__(self, raw: Mapping[str, str], variables: dict[str, Any], depth: int) -> None:
        self.raw, self.variables, self.depth = raw, variables, depth

    def __getitem__(self, key: str) -> Any:
        if key not in self.raw:
            raise KeyError(key)
        if self.depth >= MAX_SNIPPET_DEPTH:
            raise UndefinedError(f"snippets nest deeper than {MAX_SNIPPET_DEPTH} (a loop?)")
        inner = {**self.variables, "snippets": _Snippets(self.raw, self.variables,
                                                         self.depth + 1)}
        return _template(self.raw[key]).render(**inner)

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def render_text(text: str, scope: RenderScope) -> str:
    """One template rendered (raises python-liquid's errors)."""
    variables: dict[str, Any] = {
        "customer": dict(scope.customer), "now": scope.now, "today": scope.now,
        "campaign": dict(scope.campaign), **scope.collections,
    }
    if scope.event is not None:
        variables["event"] = dict(scope.event)
    variables["snippets"] = _Snippets(scope.snippets, variables, 0)
    token = _NOW.set(scope.now)
    try:
        return _template(text).render(**variables)
    finally:
        _NOW.reset(token)


def render_message(message: Message, scope: RenderScope) -> dict[str, str] | RenderFailure:
    """Every text field of a message rendered, or the first failure."""
    rendered: dict[str, str] = {}
    for name in FIELDS:
        text = getattr(message, name, None)
        if not isinstance(text, str):
            continue
        label = name.rstrip("_")
        try:
            rendered[label] = render_text(text, scope)
        except NoSuchFilterFunc as error:
            return RenderFailure(label, error.linenum or 1,
                                 f"{error.message} (the engine does not implement it)")
        except LiquidError as error:
            return RenderFailure(label, error.linenum or 1, str(error.message or error))
        except (ValueError, TypeError, ArithmeticError) as error:
            return RenderFailure(label, 1, f"{type(error).__name__}: {error}")
    for key, value in sorted(getattr(message, "headers", {}).items()):
        try:
            rendered[f"headers.{key}"] = render_text(value, scope)
        except LiquidError as error:
            return RenderFailure(f"headers.{key}", error.linenum or 1, str(error.message))
    return rendered
