"""A flow (canonical form of :mod:`cioctl.state.flows`) ↔ the campaign writes and reads of the
Journeys routes (evidence §5; decisions D3-D11 in docs/journeys-wire.md, "Campaigns" there).

Writes, in order (:func:`encode_flow`): ``POST /campaigns`` ``{"name", "type": "none",
"description"}`` (§5, D4); ``recipients`` (a full replace, fields not owned carried from the
live read, D5); after a re-read that gives the system actions' ids, ``add_actions`` with
placeholder ids and the complete edge list (D6, built by :meth:`FlowWrites.workflow`);
``exit_conditions`` and ``exit_and_conversion`` (D7); one template write per message (D11);
``state`` when the flow runs (D8). :func:`decode_flow` reads ``{campaign, actions, edges, tags}``
plus the templates back into the same canonical form; :func:`campaign_refusals` lists what
cannot be written exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cioctl.api.journeys.campaign_actions import (
    MESSAGE_ACTIONS,
    SYSTEM_ROOT,
    action_fields,
    step_of_action,
    template_fields,
)
from cioctl.api.journeys.campaign_conditions import (
    CampaignRefusal,
    canonical_condition,
    condition_refusals,
)
from cioctl.api.journeys.campaign_graph import (
    Graph,
    ReadGraph,
    build_graph,
    canonical_steps,
    decode_steps,
    graph_refusals,
    walk,
)
from cioctl.api.journeys.campaign_recipients import (
    EXIT_CONDITIONS,
    canonical_trigger,
    decode_goal,
    decode_recipients,
    goal_fields,
    recipients_fields,
)
from cioctl.api.journeys.campaign_types import (
    CampaignRead,
    ContentWrite,
    CreateBody,
    UpdateCall,
    WireEdge,
)
from cioctl.api.journeys.errors import CampaignEncodeError, CampaignWireError
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.model.flows import Flow
from cioctl.state.canonical import sort_unordered
from cioctl.state.flows import flow_fields

JSON = dict[str, Any]
OWNERSHIP_TAG_PREFIX = "cioctl:"


@dataclass(frozen=True)
class Context:
    """What encoding and decoding look up: segment ids, declared types, sender identities."""

    segment_ids: Mapping[str, int]
    types: ValueTypes
    senders: Mapping[str, int]
    """Sender identity id by the definitions' ``from`` text (D11 ``from_identity_id``)."""

    @property
    def segment_keys(self) -> dict[int, str]:
        """Segment keys by id (decoding)."""
        return {number: key for key, number in self.segment_ids.items()}

    @property
    def sender_texts(self) -> dict[int, str]:
        """``from`` texts by identity id (decoding)."""
        return {number: text for text, number in self.senders.items()}


@dataclass(frozen=True)
class SystemActions:
    """The actions the service created with the trigger (D5), from a re-read."""

    exit: int
    root: int | None = None
    """The segment trigger's ``filter_match_delay_action``; None for other triggers."""


@dataclass(frozen=True)
class FlowWrites:
    """Every request that creates the campaign of one flow, in order."""

    create: CreateBody
    recipients: UpdateCall
    steps: list[JSON]
    exit_conditions: UpdateCall
    goal: UpdateCall
    contents: list[ContentWrite]
    state: UpdateCall | None
    context: Context
    tags: list[str]
    """Tag names (D12: added through ``POST /campaigns/{id}/tags`` by id)."""

    def workflow(self, system: SystemActions) -> UpdateCall:
        """The ``add_actions`` call, once the system actions' ids are known (D6)."""
        return workflow_call(build_graph(self.steps, system.root, system.exit), {},
                             self.context)

    def updates(self, system: SystemActions) -> list[UpdateCall]:
        """The update calls after the create, in order (content writes come after these)."""
        calls = [self.recipients, self.workflow(system), self.exit_conditions, self.goal]
        return calls + ([self.state] if self.state else [])


def as_canonical(flow: Flow | JSON) -> JSON:
    """The canonical form of a flow model (a canonical dict is returned as it is)."""
    return flow_fields(flow) if isinstance(flow, Flow) else flow


def encode_flow(flow: Flow | JSON, context: Context,
                carry: Mapping[str, Any] | None = None) -> FlowWrites:
    """The writes that create ``flow``'s campaign (:class:`CampaignEncodeError` when refused)."""
    data = as_canonical(flow)
    problems = campaign_refusals(data, context.types)
    if problems:
        first = problems[0]
        raise CampaignEncodeError(f"{first.path}: {first.message}", hint=first.hint)
    steps = canonical_steps(data["steps"])
    create: CreateBody = {"campaign": {"name": data["name"], "type": "none",
                                       "description": data.get("description", "")}}
    return FlowWrites(
        create=create,
        recipients=UpdateCall("recipients", recipients_fields(
            data, context.segment_ids, context.types, carry)),
        steps=steps,
        exit_conditions=UpdateCall("exit_conditions", dict(EXIT_CONDITIONS)),
        goal=UpdateCall("goal", goal_fields(data.get("goal"))),
        contents=content_writes(steps, context, {}),
        state=UpdateCall("state", {"state": "running"}) if data["state"] == "running" else None,
        context=context,
        tags=list(data.get("tags", [])),
    )


def content_writes(steps: list[JSON], context: Context,
                   action_ids: Mapping[str, int]) -> list[ContentWrite]:
    """One template write per message step (D11), in step order."""
    return [ContentWrite(step["name"], action_ids.get(step["name"], 0),
                         template_fields(step, context.senders))
            for step in walk(steps) if step["type"] in MESSAGE_ACTIONS]


def workflow_call(graph: Graph, kept: Mapping[int, int], context: Context) -> UpdateCall:
    """``add_actions``: new actions with placeholders (-N first … -1 last) and every edge."""
    fresh = [n for n in graph.nodes if n.fixed is None and n.number not in kept]
    ids = {n.number: n.fixed for n in graph.nodes if n.fixed is not None} | dict(kept)
    ids |= {n.number: index - len(fresh) for index, n in enumerate(fresh)}
    actions = [action_fields(n.step or {"type": "exit"}, context.segment_ids, context.types)
               for n in fresh]
    edges = [_edge(edge, ids) for edge in graph.edges]
    if not actions:  # nothing new: only the edge list changes (D6 `edges`)
        return UpdateCall("edges", {}, extra={"edges": edges})
    return UpdateCall("actions", {}, extra={"actions": actions, "edges": edges})


def _edge(edge: WireEdge, ids: Mapping[int, int]) -> WireEdge:
    result: WireEdge = {"from": ids[edge["from"]], "to": ids[edge["to"]], "type": edge["type"]}
    if "index" in edge:
        result["index"] = edge["index"]
    return result


def campaign_refusals(flow: Flow | JSON, types: ValueTypes) -> list[CampaignRefusal]:
    """Everything in ``flow`` the campaign wire cannot hold exactly, with its path."""
    data = as_canonical(flow)
    found: list[CampaignRefusal] = []
    if data.get("filter") is not None:
        found += condition_refusals(data["filter"], "filter", types)
    found += graph_refusals(data["steps"])
    found += _step_refusals(data["steps"], "steps", types)
    return found


def _step_refusals(steps: list[JSON], path: str, types: ValueTypes) -> list[CampaignRefusal]:
    found: list[CampaignRefusal] = []
    for index, step in enumerate(steps):
        here = f"{path}[{index}]"
        if step["type"] in ("branch", "wait_until"):
            found += condition_refusals(step["condition"], f"{here}.condition", types)
        if step["type"] == "branch":
            found += _step_refusals(step["then"], f"{here}.then", types)
            found += _step_refusals(step["else"], f"{here}.else", types)
    return found


def canonical_flow(flow: Flow | JSON, types: ValueTypes) -> JSON:
    """What :func:`decode_flow` gives back for an accepted ``flow`` (the round-trip target)."""
    data = as_canonical(flow)
    result = dict(data)
    if data.get("filter") is not None:
        result["filter"] = canonical_condition(data["filter"], types)
    result["steps"] = _canonical_conditions(canonical_steps(data["steps"]), types)
    result["trigger"] = canonical_trigger(data["trigger"], types)
    canonical: JSON = sort_unordered(result)
    return canonical


def _canonical_conditions(steps: list[JSON], types: ValueTypes) -> list[JSON]:
    result = []
    for step in steps:
        if step["type"] in ("branch", "wait_until"):
            step = {**step, "condition": canonical_condition(step["condition"], types)}
        if step["type"] == "branch":
            step |= {"then": _canonical_conditions(step["then"], types),
                     "else": _canonical_conditions(step["else"], types)}
        result.append(step)
    return result


def decode_flow(read: CampaignRead, context: Context) -> JSON:
    """A campaign read back as the canonical flow; a shape cioctl cannot say raises
    :class:`CampaignWireError` naming the action or field (never a traceback)."""
    campaign = read.campaign
    if not isinstance(campaign, Mapping):
        raise CampaignWireError(f"'campaign' is {campaign!r}, not an object")
    keys = context.segment_keys
    graph, root = read_graph(read, context)
    steps = decode_steps(graph, root, CampaignWireError)
    tags = sorted({str(t.get("name")) for t in read.tags if isinstance(t, Mapping)
                   and not str(t.get("name")).startswith(OWNERSHIP_TAG_PREFIX)})
    flow: JSON = sort_unordered({
        "name": campaign.get("name"), "description": campaign.get("description") or "",
        "state": "running" if campaign.get("state") == "running" else "draft",
        **decode_recipients(campaign, keys, context.types),
        "goal": decode_goal(campaign), "tags": tags, "steps": steps})
    return flow


def read_graph(read: CampaignRead, context: Context) -> tuple[ReadGraph, int | None]:
    """The read's actions as steps and its edges by source, with the first step's id."""
    steps: dict[int, JSON | None] = {}
    root_gate: int | None = None
    for action in read.actions:
        ident = action.get("id") if isinstance(action, Mapping) else None
        if not isinstance(ident, int):
            raise CampaignWireError(f"an action without an integer id: {action!r}")
        if action.get("type") == SYSTEM_ROOT:
            root_gate = ident
            steps[ident] = {"type": "system_root"}
            continue
        steps[ident] = step_of_action(action, context.segment_keys, context.types,
                                      read.contents, context.sender_texts)
    continues: dict[int, int] = {}
    branches: dict[int, dict[int, int]] = {}
    incoming: set[int] = set()
    for edge in read.edges:
        if not isinstance(edge, Mapping):
            raise CampaignWireError(f"edge {edge!r} is not an object")
        source, target = edge.get("from"), edge.get("to")
        if not isinstance(source, int) or not isinstance(target, int):
            raise CampaignWireError(f"edge {edge!r} has no integer from/to")
        incoming.add(target)
        if edge.get("type") == "continue":
            if source in continues:
                raise CampaignWireError(f"action {source} has two continue edges (§5)")
            continues[source] = target
        elif edge.get("type") == "branch" and isinstance(edge.get("index"), int):
            branches.setdefault(source, {})[edge["index"]] = target
        else:
            raise CampaignWireError(f"edge {edge!r} is neither continue nor an indexed branch")
    roots = [ident for ident in steps if ident not in incoming]
    if len(roots) != 1:
        raise CampaignWireError(f"the workflow has {len(roots)} roots {roots}, not one (§5)")
    graph = ReadGraph(steps, continues, branches)
    if roots[0] == root_gate:
        return graph, continues.get(root_gate)
    return graph, roots[0]


def template_ids(read: CampaignRead) -> dict[str, int]:
    """Each message action's template id by its step id (D6: the service creates one per
    message action), for the content writes that follow ``add_actions``."""
    found: dict[str, int] = {}
    for action in read.actions:
        name, template = action.get("name"), action.get("template_id")
        if action.get("type") in MESSAGE_ACTIONS.values() and isinstance(name, str):
            if not isinstance(template, int):
                raise CampaignWireError(f"action {action.get('id')} ({name}) has no template_id")
            found[name] = template
    return found
