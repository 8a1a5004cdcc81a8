"""Liquid in subjects, bodies and snippets, parsed with python-liquid (not regexes).

Syntax errors are reported at the template's own line. Variables are checked against the
declarations: ``customer.x`` an attribute, ``event.x`` a property of the flow's trigger event,
``snippets.x`` a snippet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from typing import TextIO

from liquid import Environment
from liquid.ast import Node
from liquid.exceptions import Error as LiquidError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from cioctl.checks.liquid_names import CUSTOMERIO_ROOTS, known_filters
from cioctl.checks.symbols import Symbols, did_you_mean
from cioctl.errors import CioctlError, DefinitionError, Location
from cioctl.model.data import Event
from cioctl.model.flows import EventTrigger, Flow
from cioctl.model.messages import Message
from cioctl.model.steps import message_of, walk_steps
from cioctl.model.workspace import Workspace

# Customer.io's own tags that take no arguments and write a URL.
CUSTOMERIO_TAGS = (
    "unsubscribe_url",
    "manage_subscription_preferences_url",
    "view_in_browser_url",
)
TEXT_FIELDS = ("subject", "preheader", "from_", "to", "reply_to", "title", "body", "url", "link")


class _UrlNode(Node):
    __slots__ = ("tok",)

    def __init__(self, tok: Token) -> None:
        self.tok = tok

    def render_to_output(self, _context: object, buffer: TextIO) -> None:
        buffer.write(f"https://example.invalid/{self.tok.value}")


def _url_tag(tag_name: str) -> type[Tag]:
    class UrlTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            return _UrlNode(stream.current)

    return UrlTag


@lru_cache(maxsize=1)
def customerio_liquid() -> Environment:
    """A Liquid environment that knows Customer.io's extra tags."""
    env = Environment()
    for name in CUSTOMERIO_TAGS:
        env.add_tag(_url_tag(name))
    return env


@dataclass(frozen=True)
class SyntaxProblem:
    """A Liquid syntax error and its line inside the template."""

    message: str
    line: int


@dataclass(frozen=True)
class LiquidAnalysis:
    """What a template reads: global variables and filters, each with its first line."""

    variables: tuple[tuple[tuple[str, ...], int], ...]
    filters: tuple[tuple[str, int], ...]


@lru_cache(maxsize=4096)
def analyze_liquid(text: str) -> SyntaxProblem | LiquidAnalysis:
    """Parse once per distinct text: what it reads, or its syntax error."""
    try:
        parsed = customerio_liquid().from_string(text)
        analysis = parsed.analyze(raise_for_failures=False)
    except LiquidError as exc:
        return SyntaxProblem(str(exc.message or exc), exc.linenum or 1)
    return LiquidAnalysis(
        tuple((tuple(str(p) for p in variable.parts), uses[0][1] if uses else 1)
              for variable, uses in analysis.global_variables.items()),
        tuple((name, uses[0][1] if uses else 1) for name, uses in analysis.filters.items()),
    )


@dataclass(frozen=True)
class Template:
    """A piece of Liquid and where it is written."""

    text: str
    where: Location | None
    label: str


def liquid_problems(workspace: Workspace, symbols: Symbols) -> list[CioctlError]:
    """Syntax errors and undeclared variables in every template of the workspace."""
    problems: list[CioctlError] = []
    for snippet in workspace.snippets:
        template = Template(snippet.value, snippet.value_source("value"),
                            f"snippet '{snippet.name}'")
        problems.extend(_check(template, symbols, event=None, event_context=False))
    for flow in workspace.flows:
        event = symbols.events.get(flow.trigger.event) if isinstance(
            flow.trigger, EventTrigger) else None
        # An unknown trigger event is reported by the reference check; don't cascade.
        event_context = event is not None or not isinstance(flow.trigger, EventTrigger)
        for template in _flow_templates(flow):
            problems.extend(_check(template, symbols, event, event_context))
    return problems


def _flow_templates(flow: Flow) -> Iterator[Template]:
    for step in walk_steps(flow.steps):
        message = message_of(step)
        if message is not None:
            yield from _message_templates(flow, message)


def _message_templates(flow: Flow, message: Message) -> Iterator[Template]:
    for field in TEXT_FIELDS:
        text = getattr(message, field, None)
        if isinstance(text, str) and ("{" in text):
            yaml_key = field.rstrip("_")
            where = (getattr(message, "body_source", None) if field == "body"
                     else message.value_source(yaml_key))
            yield Template(text, where, f"flow '{flow.name}' step '{message.id}' {yaml_key}")


def _check(
    template: Template, symbols: Symbols, event: Event | None, event_context: bool
) -> Iterator[CioctlError]:
    analysis = analyze_liquid(template.text)
    if isinstance(analysis, SyntaxProblem):
        yield DefinitionError(
            f"{template.label}: Liquid syntax error: {analysis.message}",
            location=_line_in(template.where, analysis.line),
            hint="fix the tag or output markup; see Customer.io's Liquid reference",
        )
        return
    for parts, line in analysis.variables:
        problem = _undeclared(list(parts), symbols, event, event_context)
        if problem is not None:
            message, hint = problem
            yield DefinitionError(f"{template.label}: {message}",
                                  location=_line_in(template.where, line), hint=hint)
    for name, line in analysis.filters:
        if name not in known_filters():
            close = get_close_matches(name, sorted(known_filters()), n=1, cutoff=0.7)
            yield DefinitionError(
                f"{template.label}: unknown Liquid filter '{name}'",
                location=_line_in(template.where, line),
                hint=f"did you mean '{close[0]}'?" if close else
                "use a standard Liquid filter or one of Customer.io's (see its Liquid syntax "
                "list)")


def _collection_read(root: str, parts: list[str],
                     symbols: Symbols) -> tuple[str, str] | None:
    """A top-level name that is not Customer.io's is a collection, which must be declared."""
    if root == "collections" and len(parts) > 1 and parts[1] not in symbols.collections \
            and not symbols.invalid("collections", parts[1]):
        return (f"'collections.{parts[1]}' is not a declared collection",
                did_you_mean(parts[1], symbols.collections, "collections"))
    if root in CUSTOMERIO_ROOTS or root in symbols.collections or \
            symbols.invalid("collections", root):
        return None
    return (f"'{root}' is neither a declared collection nor a Customer.io variable",
            did_you_mean(root, symbols.collections | CUSTOMERIO_ROOTS, "collections"))


def _undeclared(
    parts: list[str], symbols: Symbols, event: Event | None, event_context: bool
) -> tuple[str, str] | None:
    if not parts:
        return None
    if (collection := _collection_read(parts[0], parts, symbols)) is not None:
        return collection
    if len(parts) < 2:
        return None
    root, name = parts[0], parts[1]
    if root == "customer" and name not in symbols.attributes:
        return (f"'customer.{name}' is not a declared attribute",
                did_you_mean(name, symbols.attributes, "attributes"))
    if root == "snippets" and name not in symbols.snippets and \
            not symbols.invalid("snippets", name):
        return (f"'snippets.{name}' is not a declared snippet",
                did_you_mean(name, symbols.snippets, "snippets"))
    if root == "event" and event_context:
        if event is None:
            return (f"'event.{name}' is used but this flow is not triggered by an event",
                    "use customer attributes here, or trigger the flow with an event")
        if name not in event.properties:
            return (f"'event.{name}' is not a property of event '{event.name}'",
                    did_you_mean(name, event.properties, f"events[{event.name}].properties"))
    return None


def _line_in(start: Location | None, line: int) -> Location | None:
    if start is None:
        return None
    return Location(start.file, start.line + line - 1, 1 if line > 1 else start.col)
