"""A tiny test-side interpreter of campaign writes (evidence §5, decisions D4-D11), written
from docs/journeys-wire.md, so the codec's writes can be read back without a server.

It applies what the decisions say the service does: ``type: none`` creates, the full-replace
``recipients`` (omitted fields reset) that creates the system actions, placeholder ids
(``-N`` first … ``-1`` last), the complete edge list replacing the stored one, the graph rules
checked on the result, a template per message action, fields sent under another
``update_type`` dropped. A broken rule raises ``Rejected`` with the status the service answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cioctl.api.journeys.campaign_codec import FlowWrites, SystemActions, template_ids
from cioctl.api.journeys.campaign_diff import DiffWrites, system_actions
from cioctl.api.journeys.campaign_encoding import decode_field
from cioctl.api.journeys.campaign_recipients import RECIPIENT_DEFAULTS
from cioctl.api.journeys.campaign_types import CampaignRead

JSON = dict[str, Any]
MESSAGES = {"email_action", "twilio_action", "push_action", "in_app_action", "webhook_action"}
OWN_FIELDS = {
    "details": {"name", "description"},
    "exit_conditions": {"global_exit_conditions", "exit_on_trigger_or_filter_not_matched"},
    "exit_and_conversion": {"conversion", "exit_on_conversion"},
    "state": {"state"},
}


class RejectedError(Exception):
    """What the service would refuse, with its status."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(f"{status}: {why}")
        self.status = status


@dataclass
class Sim:
    """One campaign's server-side state."""

    campaign: JSON = field(default_factory=dict)
    actions: dict[int, JSON] = field(default_factory=dict)
    edges: list[JSON] = field(default_factory=list)
    templates: dict[int, JSON] = field(default_factory=dict)
    requests: list[JSON] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    next_id: int = 100

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def create(self, body: JSON) -> None:
        data = body["campaign"]
        if data.get("type") != "none":
            raise RejectedError(422, "create takes type none")
        self.campaign = {"id": 41, "name": data["name"], "description": data.get("description",
                         ""), "state": "draft", "global_exit_conditions": [],
                         "exit_on_trigger_or_filter_not_matched": False, "conversion": None,
                         "exit_on_conversion": False, **RECIPIENT_DEFAULTS, "type": "none"}

    def put(self, body: JSON) -> None:
        self.requests.append(body)
        fields = dict(body["campaign"])
        kind = fields.pop("update_type")
        if kind == "recipients":
            self._recipients(fields)
        elif kind == "add_actions":
            self._add(body["actions"], body["edges"])
        elif kind == "delete_actions":
            for ident in body["action_ids"]:
                self.actions.pop(ident)
            self._set_edges(body["edges"])
        elif kind == "edges":
            self._set_edges(body["edges"])
        else:  # §5/S11: fields of another update_type are silently dropped
            self.campaign |= {k: v for k, v in fields.items() if k in OWN_FIELDS[kind]}

    def _recipients(self, fields: JSON) -> None:
        if fields.get("type") in (None, "none"):
            raise RejectedError(422, "recipients needs a type")
        if self.campaign["type"] not in ("none", fields["type"]):
            raise RejectedError(422, "type is immutable")
        for raw in ("trigger", "attribute_filters"):
            if isinstance(fields.get(raw), str):
                raise RejectedError(422, f"{raw} is double-encoded")
        for encoded in ("filters", "anchors"):
            assert isinstance(decode_field(fields[encoded], encoded), list)
        first = self.campaign["type"] == "none"
        self.campaign |= {k: fields.get(k, d) for k, d in RECIPIENT_DEFAULTS.items()}
        if first:  # D5: the trigger creates the system actions
            exit_id = self._new_id()
            self.actions[exit_id] = {"id": exit_id, "type": "exit_action", "name": None}
            if fields["type"] == "seg_attr":
                gate = self._new_id()
                self.actions[gate] = {"id": gate, "type": "filter_match_delay_action",
                                      "name": None}
                self.edges = [{"from": gate, "to": exit_id, "type": "continue"}]

    def _add(self, actions: list[JSON], edges: list[JSON]) -> None:
        ids: dict[int, int] = {}
        for index, action in enumerate(actions):
            if "id" in action:
                raise RejectedError(422, "new actions carry no id")
            ident = self._new_id()
            ids[index - len(actions)] = ident
            stored = {"id": ident, "sub_type": None, "name": None, **action}
            if action["type"] in MESSAGES:
                template = self._new_id() + 1000
                self.templates[template] = {}
                stored["template_id"] = template
            self.actions[ident] = stored
        self._set_edges([{**e, "from": ids.get(e["from"], e["from"]),
                          "to": ids.get(e["to"], e["to"])} for e in edges])

    def put_action(self, ident: int, body: JSON) -> None:
        new = body["action"]
        if new.get("type") != self.actions[ident]["type"]:
            raise RejectedError(500 if "type" in new else 400, "type is immutable / required")
        self.actions[ident] |= new

    def put_template(self, ident: int, body: JSON) -> None:
        self.templates[ident] = dict(body["template"])

    def _set_edges(self, edges: list[JSON]) -> None:
        check_graph(self.actions, edges)
        self.edges = edges

    def read(self) -> CampaignRead:
        actions = [self.actions[i] for i in sorted(self.actions)]
        campaign = self.campaign | {"workflow_action_ids": sorted(self.actions)}
        contents = {a["id"]: self.templates[a["template_id"]] for a in actions
                    if "template_id" in a}
        tags = [{"id": str(n), "name": t} for n, t in enumerate(["cioctl:key", *self.tags])]
        return CampaignRead(campaign, actions, list(self.edges), tags, contents)


def check_graph(actions: dict[int, JSON], edges: list[JSON]) -> None:
    """D6's graph rules on a stored result (§5, S12)."""
    out: dict[int, list[JSON]] = {i: [] for i in actions}
    incoming: dict[int, int] = dict.fromkeys(actions, 0)
    for edge in edges:
        if edge["from"] not in actions or edge["to"] not in actions:
            raise RejectedError(422, f"edge {edge} names an unknown action")
        out[edge["from"]].append(edge)
        incoming[edge["to"]] += 1
    roots = [i for i, n in incoming.items() if n == 0]
    if len(roots) != 1:
        raise RejectedError(422, f"{len(roots)} roots")
    for ident, action in actions.items():
        kinds = sorted((e["type"], e.get("index", -1)) for e in out[ident])
        if action["type"] == "exit_action":
            if kinds or incoming[ident] > 1:
                raise RejectedError(409, f"exit {ident} shared or not last")
        elif action["type"] == "conditional_branch_action":
            if kinds != [("branch", 0), ("branch", 1)]:
                raise RejectedError(422, f"branch {ident} has {kinds}")
        elif kinds != [("continue", -1)]:
            raise RejectedError(422, f"action {ident} has {kinds}")
    seen, todo = set(), [roots[0]]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += [e["to"] for e in out[node]]
    if seen != set(actions):
        raise RejectedError(422, f"unreachable actions {set(actions) - seen}")


def apply_create(sim: Sim, writes: FlowWrites) -> None:
    """Send a create's writes in order, re-reading where the client must (D5, D6)."""
    sim.create(writes.create)
    sim.put(writes.recipients.body())
    gate, exit_id = system_actions(sim.read())
    for call in writes.updates(SystemActions(exit_id, gate))[1:]:
        sim.put(call.body())
    _contents(sim, writes.contents)
    sim.tags = list(writes.tags)


def apply_diff(sim: Sim, writes: DiffWrites) -> None:
    """Send an update's writes in order."""
    assert writes.replace is None
    for call in writes.updates:
        sim.put(call.body())
    for put in writes.action_puts:
        sim.put_action(put.action_id, put.body())
    _contents(sim, writes.contents)


def _contents(sim: Sim, contents: list[Any]) -> None:
    templates = template_ids(sim.read())
    for write in contents:
        live = sim.actions.get(write.action_id)
        sim.put_template(live["template_id"] if live else templates[write.step], write.body())
