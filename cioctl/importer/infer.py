"""What the imported definitions use, and the types that usage implies.

Customer.io's data index keeps names, descriptions and privacy, not types. Validation needs
types that fit how conditions use attributes and event properties, and every ``customer.x`` /
``event.x`` in templates declared. This module walks the imported definitions data (not the
models: the data is what gets written) and infers: numbers compared → ``number``, booleans →
``boolean``, order comparisons on text and date triggers → ``timestamp``, ``contains`` with a
non-text value → ``array``; anything else → ``string``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cioctl.checks.liquid import SyntaxProblem, analyze_liquid
from cioctl.checks.symbols import BUILTIN_ATTRIBUTES
from cioctl.model.types import ValueType

Data = dict[str, Any]
ORDER = frozenset({"gt", "gte", "lt", "lte"})
# When uses disagree, the first type in this order that some use implies wins.
PRIORITY = (ValueType.TIMESTAMP, ValueType.ARRAY, ValueType.NUMBER, ValueType.BOOLEAN,
            ValueType.STRING)
TEXT_FIELDS = ("subject", "preheader", "from", "to", "reply_to", "title", "body", "url", "link")


@dataclass
class Usage:
    """Names the definitions use, each with the types its uses imply."""

    attributes: dict[str, set[ValueType]] = field(default_factory=lambda: defaultdict(set))
    events: set[str] = field(default_factory=set)
    properties: dict[str, dict[str, set[ValueType]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def attribute_type(self, name: str) -> tuple[ValueType, bool]:
        """The inferred type of an attribute and whether any use implied it."""
        return _pick(self.attributes.get(name, set()), BUILTIN_ATTRIBUTES.get(name))

    def property_types(self, event: str) -> dict[str, ValueType]:
        """Every property of ``event`` the definitions use, with its inferred type."""
        return {name: _pick(types, None)[0]
                for name, types in sorted(self.properties.get(event, {}).items())}


def _pick(types: set[ValueType], fallback: ValueType | None) -> tuple[ValueType, bool]:
    for candidate in PRIORITY:
        if candidate in types:
            return candidate, True
    return fallback or ValueType.STRING, False


def value_type(operator: Any, value: Any) -> ValueType | None:
    """The type a comparison implies for the field it compares (None: no evidence)."""
    values = value if isinstance(value, list) else [value]
    if operator in ("exists", "not_exists") or not values:
        return None
    sample = values[0]
    if isinstance(sample, bool):
        return ValueType.BOOLEAN
    if operator in ("contains", "not_contains") and not isinstance(sample, str):
        return ValueType.ARRAY
    if isinstance(sample, int | float):
        return ValueType.NUMBER
    if operator in ORDER:
        return ValueType.TIMESTAMP
    return ValueType.STRING if isinstance(sample, str) else None


def _add(target: set[ValueType], implied: ValueType | None) -> None:
    if implied is not None:
        target.add(implied)


def _conditions(node: Any, usage: Usage) -> None:
    if not isinstance(node, dict):
        return
    for child in (node.get("all") or []) + (node.get("any") or []):
        _conditions(child, usage)
    if "not" in node:
        _conditions(node["not"], usage)
    if "attribute" in node:
        usage.attributes.setdefault(node["attribute"], set())
        _add(usage.attributes[node["attribute"]], value_type(node["operator"], node.get("value")))
    if "event" in node:
        _event(node["event"], node.get("where") or [], usage)


def _event(name: str, where: list[Data], usage: Usage) -> None:
    usage.events.add(name)
    for item in where:
        types = usage.properties[name][item["property"]]
        _add(types, value_type(item["operator"], item.get("value")))


def _walk_steps(steps: list[Data]) -> Iterator[Data]:
    for step in steps:
        yield step
        branch = step.get("branch")
        if isinstance(branch, dict):
            yield from _walk_steps(branch.get("then") or [])
            yield from _walk_steps(branch.get("else") or [])


def _liquid_names(text: str, root: str) -> set[str]:
    analysis = analyze_liquid(text) if "{" in text else None
    if analysis is None or isinstance(analysis, SyntaxProblem):
        return set()
    return {parts[1] for parts, _ in analysis.variables if len(parts) > 1 and parts[0] == root}


def _flow(flow: Data, usage: Usage) -> None:
    trigger = flow["trigger"]
    event = trigger.get("event")
    if event is not None:
        _event(event, trigger.get("where") or [], usage)
    if "date_attribute" in trigger:
        usage.attributes[trigger["date_attribute"]].add(ValueType.TIMESTAMP)
    _conditions(flow.get("filter"), usage)
    if flow.get("goal"):
        usage.events.add(flow["goal"]["event"])
    for step in _walk_steps(flow["steps"]):
        _step(step, event, usage)


def _step(step: Data, event: str | None, usage: Usage) -> None:
    if "branch" in step:
        _conditions(step["branch"]["if"], usage)
    if "wait_until" in step:
        _conditions(step["wait_until"]["condition"], usage)
    if "update_attribute" in step:
        update = step["update_attribute"]
        _add(usage.attributes[update["name"]], value_type("eq", update.get("value")))
    for kind in ("email", "sms", "push", "in_app", "webhook"):
        message = step.get(kind)
        if not isinstance(message, dict):
            continue
        texts = [t for f in TEXT_FIELDS if isinstance(t := message.get(f), str)]
        texts += list((message.get("headers") or {}).values())
        for text in texts:
            for name in _liquid_names(text, "customer"):
                usage.attributes.setdefault(name, set())
            if event is not None:
                for name in _liquid_names(text, "event"):
                    usage.properties[event].setdefault(name, set())


def usage_of(segments: list[Data], flows: list[Data], snippets: list[Data]) -> Usage:
    """What imported segments, flows and snippets use."""
    usage = Usage()
    for segment in segments:
        _conditions(segment.get("conditions"), usage)
    for flow in flows:
        _flow(flow, usage)
    for snippet in snippets:
        for name in _liquid_names(snippet["value"], "customer"):
            usage.attributes.setdefault(name, set())
    return usage
