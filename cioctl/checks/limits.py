"""What the APIs would refuse, found before apply: conditions nested deeper than the modeled
Journeys limit, snippets that use themselves, and ``ignore_changes`` paths that name no field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cioctl.api.journeys_modeled.common import MAX_CONDITION_DEPTH
from cioctl.checks.cycles import find_cycles
from cioctl.checks.liquid import SyntaxProblem, analyze_liquid
from cioctl.checks.symbols import did_you_mean
from cioctl.definitions.located import child_location
from cioctl.errors import CioctlError, DefinitionError, Location
from cioctl.model.base import Spec
from cioctl.model.conditions import AllOf, AnyOf, Condition, Not
from cioctl.model.flows import Flow
from cioctl.model.steps import BranchStep, WaitUntilStep, walk_steps
from cioctl.model.workspace import Workspace

# Names of the codec's form that the definitions' words never use (plan format 2 paths).
_OLD_WORDS = frozenset({
    "content", "within_seconds", "max_seconds", "seconds", "segment_keys", "event_name",
    "filters", "count_operator", "count", "start_hour", "start_minutes",
    "use_customer_timezone", "preheader_text", "recipient", "sending_state", "field", "and",
    "or", "type"})
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*$")


def limit_problems(workspace: Workspace) -> list[CioctlError]:
    """Every condition too deep, every snippet cycle, every unknown ignore_changes path."""
    problems: list[CioctlError] = []
    for segment in workspace.segments:
        if segment.conditions is not None:
            problems.extend(_too_deep(segment.conditions, segment.field_source("conditions")))
    for flow in workspace.flows:
        for condition, where in _flow_conditions(flow):
            problems.extend(_too_deep(condition, where))
    problems.extend(_snippet_cycles(workspace))
    problems.extend(_ignore_changes(workspace))
    return problems


def _flow_conditions(flow: Flow) -> Iterator[tuple[Condition, Location | None]]:
    if flow.filter is not None:
        yield flow.filter, flow.field_source("filter")
    for step in walk_steps(flow.steps):
        if isinstance(step, BranchStep):
            yield step.branch.if_, step.branch.field_source("if")
        elif isinstance(step, WaitUntilStep):
            yield step.wait_until.condition, step.wait_until.field_source("condition")


def _children(node: Condition) -> list[Condition]:
    if isinstance(node, AllOf):
        return list(node.all)
    if isinstance(node, AnyOf):
        return list(node.any)
    return [node.not_] if isinstance(node, Not) else []


def _too_deep(root: Condition, where: Location | None) -> Iterator[CioctlError]:
    """One error per condition tree, at the first node past the limit."""
    pending: list[tuple[Condition, int, Location | None]] = [(root, 1, where)]
    while pending:
        node, depth, at = pending.pop()
        at = node.source or at
        if depth > MAX_CONDITION_DEPTH:
            yield DefinitionError(
                f"conditions nest deeper than {MAX_CONDITION_DEPTH} levels (this one is at "
                f"level {depth}), which Customer.io refuses",
                location=at,
                hint="flatten it: all/any of all/any can usually be merged, and a nested "
                "group can become a segment of its own ({segment: KEY})")
            return
        pending.extend((child, depth + 1, at) for child in reversed(_children(node)))


def _snippet_cycles(workspace: Workspace) -> Iterator[CioctlError]:
    names = {s.name for s in workspace.snippets}
    graph = {s.name: sorted(_snippets_in(s.value) & names) for s in workspace.snippets}
    by_name = {s.name: s for s in workspace.snippets}
    for cycle in find_cycles(graph):
        path = " → ".join([*cycle, cycle[0]])
        yield DefinitionError(
            f"snippet '{cycle[0]}' uses itself: {path}" if len(cycle) == 1 else
            f"snippets use each other in a cycle: {path}",
            location=by_name[cycle[0]].value_source("value"),
            hint="Customer.io cannot render a snippet that includes itself; break the loop")


def _snippets_in(text: str) -> set[str]:
    analysis = analyze_liquid(text) if "{" in text else None
    if analysis is None or isinstance(analysis, SyntaxProblem):
        return set()
    return {parts[1] for parts, _ in analysis.variables
            if len(parts) > 1 and parts[0] == "snippets"}


def _ignore_changes(workspace: Workspace) -> Iterator[CioctlError]:
    specs: list[Spec] = [s for kind in ("segments", "flows", "reporting_webhooks", "snippets",
                                        "collections") for s in getattr(workspace, kind)
                         if s.lifecycle.ignore_changes]
    if not specs:
        return
    from cioctl.kinds.flow_words import FlowFields
    from cioctl.kinds.segment import SegmentFields
    from cioctl.state.desired import desired_resources  # the plan's own field names

    # Segments and flows leave defaults out of their fields: their names come from the types.
    fields: dict[str, list[str]] = {"segment": list(SegmentFields.__annotations__),
                                    "flow": list(FlowFields.__annotations__)}
    for resource in desired_resources(workspace).values():
        known = fields.setdefault(resource.kind.value, [])
        known += [name for name in resource.fields if name not in known]
    for spec in specs:
        kind = spec.kind_label.replace(" ", "_")
        yield from _check_paths(spec, kind, fields.get(kind, []))


def _check_paths(spec: Spec, kind: str, valid: list[str]) -> Iterator[CioctlError]:
    lifecycle = spec.lifecycle  # type: ignore[attr-defined]
    items = lifecycle._data().get("ignore_changes") if lifecycle._data() else None
    for index, path in enumerate(lifecycle.ignore_changes):
        first = re.split(r"[.\[]", path, maxsplit=1)[0]
        old = _OLD_WORDS & set(re.findall(r"[A-Za-z_]+", path)) \
            if kind in ("segment", "flow") else set()
        if _PATH.match(path) and first in valid and not old:
            continue
        where = child_location(items, index) or lifecycle.field_source("ignore_changes")
        if old:
            # Plans before format 3 named these fields in the codec's vocabulary; such a
            # path now matches nothing, and the plan would silently revert the UI edit.
            yield DefinitionError(
                f"ignore_changes: '{path}' uses the wire's name(s) {', '.join(sorted(old))}, "
                "not the definitions' words plans use now",
                location=where or spec.source,
                hint="write the path as 'cioctl -v plan' prints it, e.g. steps[2].email.body "
                     "for steps[2].content.body, conditions.within for "
                     "conditions.event.within_seconds")
            continue
        form = (f"paths start with one of: {', '.join(valid)}; deeper parts are written as "
                "plan -v prints them (e.g. steps[2].email.body)")
        if first in valid:
            yield DefinitionError(f"ignore_changes: '{path}' is not a valid path",
                                  location=where or spec.source, hint=form)
            continue
        yield DefinitionError(
            f"ignore_changes: '{path}' is not a field of a {spec.kind_label}",
            location=where or spec.source,
            hint=did_you_mean(first, valid, "") if _close(first, valid) else form)


def _close(name: str, valid: list[str]) -> bool:
    return did_you_mean(name, valid, "").startswith("did you mean")
