"""Update planning: the fewest campaign writes that turn a live campaign into a flow.

Each concern is compared on its own (evidence §5: one ``update_type`` per concern), so an edit
of one message's subject is one template write, not a rebuild:

- ``details`` (name, description; D4), ``recipients`` (trigger, filter, frequency; a full
  replace carrying the live fields cioctl does not own, D5), ``exit_conditions`` (only when the
  live ones are not D7's), ``exit_and_conversion`` (goal), ``state`` (D8);
- the workflow: when the step tree has the same shape (same steps in the same places, message
  steps matched by their id = the action's name) every action keeps its id, and an action whose
  own fields changed (a delay, a condition, ``sending_state``) is one ``PUT /actions/{id}``
  (D6). When the shape changed, message actions matched by step id and channel keep their ids
  and templates; every other action is replaced in two calls that each leave a valid graph
  (D6 checks every result): ``delete_actions`` while the kept messages hang in one chain from
  the trigger's root to its exit, then ``add_actions`` (or ``edges``) with the complete list
  (docs/journeys-wire.md, "Client notes");
- message content: one template write per message whose content changed (D11).

A trigger of another kind cannot be written: the campaign ``type`` is immutable (§5), so
:attr:`DiffWrites.replace` says the campaign must be deleted and created again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from cioctl.api.journeys.campaign_actions import MESSAGE_ACTIONS, action_fields, template_fields
from cioctl.api.journeys.campaign_codec import (
    Context,
    canonical_flow,
    decode_flow,
    workflow_call,
)
from cioctl.api.journeys.campaign_graph import Graph, Node, build_graph
from cioctl.api.journeys.campaign_recipients import (
    EXIT_CONDITIONS,
    goal_fields,
    recipients_fields,
)
from cioctl.api.journeys.campaign_types import CampaignRead, ContentWrite, UpdateCall, WireEdge
from cioctl.api.journeys.errors import CampaignWireError
from cioctl.model.flows import Flow

JSON = dict[str, Any]


@dataclass(frozen=True)
class ActionPut:
    """``PUT /actions/{action_id}`` ``{"action": {"type", …fields}}`` (D6)."""

    action_id: int
    action: JSON

    def body(self) -> JSON:
        """The request body (D6: ``type`` is required, else 400)."""
        return {"action": dict(self.action)}


@dataclass(frozen=True)
class DiffWrites:
    """The writes of one flow update, in order: updates, action PUTs, then content."""

    updates: list[UpdateCall] = field(default_factory=list)
    action_puts: list[ActionPut] = field(default_factory=list)
    contents: list[ContentWrite] = field(default_factory=list)
    replace: str | None = None
    """Why the campaign must be deleted and created again (then nothing else is listed)."""

    @property
    def empty(self) -> bool:
        """Whether live already matches."""
        return not (self.updates or self.action_puts or self.contents or self.replace)


def system_actions(read: CampaignRead) -> tuple[int | None, int]:
    """The trigger's entry gate (or None) and the exit the main path ends at (D5)."""
    gate = next((a["id"] for a in read.actions if a.get("type") == "filter_match_delay_action"),
                None)
    exits = [a["id"] for a in read.actions if a.get("type") == "exit_action"]
    if not exits:
        raise CampaignWireError("the campaign has no exit_action (D5: the trigger creates one)")
    # The system exit is the oldest (lowest id) exit: created with the trigger, before ours.
    return gate, min(exits)


def diff_writes(desired: Flow | JSON, live: CampaignRead, context: Context) -> DiffWrites:
    """The writes that make ``live`` say ``desired``."""
    want = canonical_flow(desired, context.types)
    have = decode_flow(live, context)
    if want["trigger"]["type"] != have["trigger"]["type"]:
        return DiffWrites(replace=f"the trigger changes from {have['trigger']['type']} to "
                          f"{want['trigger']['type']}, and a campaign's type is immutable (§5)")
    updates: list[UpdateCall] = []
    if (want["name"], want["description"]) != (have["name"], have["description"]):
        updates.append(UpdateCall("details", {"name": want["name"],
                                              "description": want["description"]}))
    if any(want[k] != have[k] for k in ("trigger", "filter", "frequency")):
        updates.append(UpdateCall("recipients", recipients_fields(
            want, context.segment_ids, context.types, live.campaign)))
    puts, contents, workflow = _workflow(want["steps"], have["steps"], live, context)
    updates += workflow
    if any(live.campaign.get(k) != v for k, v in EXIT_CONDITIONS.items()):
        updates.append(UpdateCall("exit_conditions", dict(EXIT_CONDITIONS)))
    if want["goal"] != have["goal"]:
        updates.append(UpdateCall("goal", goal_fields(want["goal"])))
    if want["state"] != have["state"]:
        state = "running" if want["state"] == "running" else "stopped"  # D8
        updates.append(UpdateCall("state", {"state": state}))
    return DiffWrites(updates, puts, contents)


def _workflow(want: list[JSON], have: list[JSON], live: CampaignRead, context: Context
              ) -> tuple[list[ActionPut], list[ContentWrite], list[UpdateCall]]:
    gate, exit_id = system_actions(live)
    desired, current = build_graph(want, gate, exit_id), build_graph(have, gate, exit_id)
    ids = _pair(current, live)
    if _shape(desired) == _shape(current):  # same places: every action keeps its id
        kept = {n.number: ids[n.number] for n in desired.nodes if n.fixed is None}
        olds = {n.number: old for n, old in zip(desired.nodes, current.nodes, strict=True)}
        calls: list[UpdateCall] = []
    else:
        kept, olds = _kept_messages(desired, current, ids)
        calls = _reshape(desired, live, kept, (gate, exit_id), context)
    puts = [ActionPut(kept[number], fields) for number, old in olds.items()
            if (fields := _fields(_node(desired, number).step or {}, context))
            != _fields(old.step or {}, context)]
    return puts, _contents(desired, olds, kept, context), calls


def _node(graph: Graph, number: int) -> Node:
    return graph.nodes[number - 1]


def _kept_messages(desired: Graph, current: Graph, ids: Mapping[int, int]
                   ) -> tuple[dict[int, int], dict[int, Node]]:
    """Message actions matched by step id and channel keep their ids (and templates)."""
    live = {n.step["name"]: n for n in current.nodes
            if n.step and n.step["type"] in MESSAGE_ACTIONS}
    kept: dict[int, int] = {}
    olds: dict[int, Node] = {}
    for node in desired.nodes:
        step = node.step
        old = live.get(step["name"]) if step and step["type"] in MESSAGE_ACTIONS else None
        if step and old and old.step and old.step["type"] == step["type"]:
            kept[node.number], olds[node.number] = ids[old.number], old
    return kept, olds


def _reshape(desired: Graph, live: CampaignRead, kept: Mapping[int, int],
             system: tuple[int | None, int], context: Context) -> list[UpdateCall]:
    """A new shape in two calls that each leave a valid graph (D6 checks every result):
    delete what is not kept while the kept messages hang in one chain from the trigger's
    root to its exit, then add the new actions with the complete edge list."""
    gate, exit_id = system
    keep = set(kept.values())
    doomed = [a["id"] for a in live.actions if a["id"] not in (gate, exit_id, *keep)]
    calls: list[UpdateCall] = []
    if doomed:
        chain = ([gate] if gate else []) + [kept[n] for n in sorted(kept)] + [exit_id]
        edges: list[WireEdge] = [{"from": a, "to": b, "type": "continue"}
                                 for a, b in pairwise(chain)]
        calls.append(UpdateCall("delete_actions", {},
                                extra={"action_ids": doomed, "edges": edges}))
    return [*calls, workflow_call(desired, kept, context)]


def _fields(step: JSON, context: Context) -> JSON:
    if not step or step["type"] == "system_root":
        return {}
    return action_fields(step, context.segment_ids, context.types)


def _shape(graph: Graph) -> tuple[object, ...]:
    kinds = tuple((n.step or {}).get("type", "exit") + ":" + str((n.step or {}).get("name"))
                  if (n.step or {}).get("type") in MESSAGE_ACTIONS
                  else str((n.step or {"type": "exit"})["type"]) for n in graph.nodes)
    edges = tuple(sorted((e["from"], e["to"], e["type"], e.get("index", -1))
                         for e in graph.edges))
    return kinds, edges


def _pair(graph: Graph, live: CampaignRead) -> dict[int, int]:
    """Local node numbers ↔ live action ids, by walking both graphs from their roots."""
    out: dict[int, dict[tuple[str, int], int]] = {}
    for edge in live.edges:
        out.setdefault(edge["from"], {})[(edge["type"], edge.get("index", 0))] = edge["to"]
    local: dict[int, dict[tuple[str, int], int]] = {}
    for e in graph.edges:
        local.setdefault(e["from"], {})[(e["type"], e.get("index", 0))] = e["to"]
    targets = {e.get("to") for e in live.edges}
    live_root = next(a["id"] for a in live.actions if a["id"] not in targets)
    local_root = next(n.number for n in graph.nodes
                      if n.number not in {e["to"] for e in graph.edges})
    pairs, todo = {local_root: live_root}, [local_root]
    while todo:
        node = todo.pop()
        for label, target in local.get(node, {}).items():
            live_target = out.get(pairs[node], {}).get(label)
            if live_target is None:
                raise CampaignWireError(f"action {pairs[node]} lacks its {label} edge")
            pairs[target] = live_target
            todo.append(target)
    return pairs


def _contents(desired: Graph, olds: Mapping[int, Node], ids: Mapping[int, int],
              context: Context) -> list[ContentWrite]:
    """Template writes of the messages that are new or whose content changed (D11)."""
    writes = []
    for node in desired.nodes:
        step = node.step
        if not step or step["type"] not in MESSAGE_ACTIONS:
            continue
        template = template_fields(step, context.senders)
        old = olds.get(node.number)
        if old is None or old.step is None or template != template_fields(old.step,
                                                                           context.senders):
            writes.append(ContentWrite(step["name"], ids.get(node.number, 0), template))
    return writes
