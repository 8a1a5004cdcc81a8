"""The workflow graph: actions and edges (evidence §5; docs/journeys-wire.md D6).

``add_actions`` takes new actions with negative placeholder ids (``-N`` the first of N, ``-1``
the last) and the **complete** edge list, both beside ``campaign`` in the body (§8, S10);
``delete_actions`` and ``edges`` replace the edge list too. The stored result must follow the
graph rules of §5 (422; a shared exit 409) or nothing is written.
"""

from __future__ import annotations

from typing import Any

from cioctl.emulator.journeys_common import NotEncodedError, decode_b64, invalid, server_error
from cioctl.emulator.journeys_conditions import check_entries
from cioctl.emulator.journeys_content import (
    MESSAGE_TYPES,
    create_message,
    delete_message,
    sending_state,
    sync_message,
)
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError

# §5: draft|automatic; "off" is decided (D6 table, as in the App API).
SENDING_STATES = ("automatic", "draft", "off")
# Action types: §5 (S8, S10, S12); the entry gate: §5 (S10, S11).
VERBATIM_TYPES = frozenset({
    "delay_time_window_action", "randomized_delay_action", "random_cohort_branch_action",
})
SYSTEM_TYPES = frozenset({"filter_match_delay_action"})
BRANCH_TYPES = frozenset({
    "conditional_branch_action", "multi_split_branch_action", "random_cohort_branch_action",
})
KNOWN_TYPES = frozenset({
    *MESSAGE_TYPES, *VERBATIM_TYPES, *SYSTEM_TYPES, *BRANCH_TYPES, "delay_seconds_action",
    "conditional_wait_action", "attribute_update_action", "exit_action",
})


def check_action(tx: Tx, action: Any) -> Doc:
    """The stored form of one action (without id); 422 for bad fields, 500 for a tree (§5)."""
    if not isinstance(action, dict) or action.get("type") not in KNOWN_TYPES:
        raise invalid("actions", f"unknown action type in {action!r}")
    kind = action["type"]
    sub_type = action.get("sub_type")
    name = action.get("name")
    if (sub_type is not None and not isinstance(sub_type, str)) or \
            (name is not None and not isinstance(name, str)):
        raise invalid("actions", "name and sub_type must be strings")
    stored: Doc = {"type": kind, "sub_type": sub_type, "name": name}
    if kind in MESSAGE_TYPES:
        state = action.get("sending_state", "automatic")  # §5: the default sends
        if state not in SENDING_STATES:
            raise invalid("sending_state", f"must be one of {', '.join(SENDING_STATES)}")
        stored["sending_state"] = state
    elif kind in VERBATIM_TYPES:
        stored.update({k: v for k, v in action.items() if k not in ("id", *stored)})
    else:
        stored.update(_typed_fields(tx, kind, action))
    return stored


def _typed_fields(tx: Tx, kind: str, action: Doc) -> Doc:
    exists = _exists(tx)
    if kind == "delay_seconds_action":
        return {"delay": _seconds(action.get("delay"), "delay")}
    if kind == "conditional_branch_action":
        check_entries(_decoded_list(action.get("conditions")), "conditions", exists)
        return {"conditions": action["conditions"]}
    if kind in ("multi_split_branch_action", "conditional_wait_action"):
        groups = _decoded_list(action.get("multi_conditions"))
        if not all(isinstance(g, list) for g in groups) or not groups:
            raise server_error()
        for group in groups:
            check_entries(group, "multi_conditions", exists)
        if kind == "multi_split_branch_action":
            return {"multi_conditions": action["multi_conditions"]}
        if action.get("exit_type") not in ("never", "continue"):
            raise invalid("exit_type", "must be never or continue")
        return {"multi_conditions": action["multi_conditions"],
                "delay": _seconds(action.get("delay", 0), "delay"),
                "exit_type": action["exit_type"]}
    if kind == "attribute_update_action":
        if not isinstance(action.get("attribute_name"), str) or not action["attribute_name"]:
            raise invalid("attribute_name", "is required")
        if "attribute_value" not in action:
            raise invalid("attribute_value", "is required")
        return {"attribute_name": action["attribute_name"],
                "attribute_value": action["attribute_value"]}
    return {}  # exit_action, filter_match_delay_action


def _exists(tx: Tx) -> Any:
    return lambda seg_id: tx.get("segment", seg_id) is not None


def _seconds(value: Any, key: str) -> int:
    if type(value) is not int or value < 0:
        raise invalid(key, "must be a non-negative number of seconds")
    return value


def _decoded_list(value: Any) -> list[Any]:
    """A flat conditions string; anything else — e.g. the segment tree — answers 500 (§5)."""
    try:
        decoded = decode_b64(value)
    except NotEncodedError:
        raise server_error() from None
    if not isinstance(decoded, list):
        raise server_error()
    return decoded


def branch_count(action: Doc) -> int | None:
    """How many ``branch`` edges the action needs (None: one ``continue``, 0: none)."""
    kind = action["type"]
    if kind == "exit_action":
        return 0
    if kind == "conditional_branch_action":
        return 2
    if kind == "multi_split_branch_action":
        return len(decode_b64(action["multi_conditions"])) + 1
    if kind == "random_cohort_branch_action":
        return -1  # at least two
    return None


def check_graph(actions: list[Doc], edges: list[Doc]) -> None:
    """§5's rules: one root, one ``continue`` per non-exit action, branch counts, one exit per
    path (shared exit → 409), everything reachable, no cycle."""
    by_id = {a["id"]: a for a in actions}
    outgoing: dict[int, list[Doc]] = {i: [] for i in by_id}
    incoming: dict[int, int] = dict.fromkeys(by_id, 0)
    for edge in edges:
        outgoing[edge["from"]].append(edge)
        incoming[edge["to"]] += 1
    for action_id, action in by_id.items():
        _check_outgoing(action, outgoing[action_id])
        if action["type"] == "exit_action" and incoming[action_id] > 1:
            raise ApiError(409, f"exit_action {action_id} is shared by several paths; "
                                "each path needs its own exit_action")
    roots = [i for i, n in incoming.items() if n == 0]
    if actions and len(roots) != 1:
        raise invalid("edges", f"the workflow needs exactly one root, found {len(roots)}")
    gates = [a["id"] for a in actions if a["type"] in SYSTEM_TYPES]
    if gates and roots != gates:
        raise invalid("edges", "the entry gate must stay the root")
    if actions:
        _check_reachable(roots[0], outgoing, len(by_id))


def _check_outgoing(action: Doc, out: list[Doc]) -> None:
    need = branch_count(action)
    kinds = sorted(e["type"] for e in out)
    if need is None:
        if kinds != ["continue"]:
            raise invalid("edges", f"action {action['id']} needs exactly one continue edge")
        return
    indexes = sorted(e.get("index", -1) for e in out)
    if need == 0:
        if out:
            raise invalid("edges", f"exit_action {action['id']} cannot have outgoing edges")
        return
    count = max(len(out), 2) if need == -1 else need
    if set(kinds) - {"branch"} or indexes != list(range(count)):
        raise invalid("edges", f"action {action['id']} ({action['type']}) needs {count} "
                               f"branch edges with index 0..{count - 1}")


def _check_reachable(root: int, outgoing: dict[int, list[Doc]], total: int) -> None:
    seen: set[int] = set()
    done: set[int] = set()

    def visit(node: int) -> None:
        seen.add(node)
        for edge in outgoing[node]:
            if edge["to"] in seen and edge["to"] not in done:
                raise invalid("edges", f"the edges form a cycle through action {edge['to']}")
            if edge["to"] not in seen:
                visit(edge["to"])
        done.add(node)

    visit(root)
    if len(seen) != total:
        raise invalid("edges", "every action must be reachable from the root")


def resolve_edges(raw: Any, ids: set[int], placeholders: dict[int, int]) -> list[Doc]:
    """The stored edge list: placeholders replaced by new ids; unknown ids → 422."""
    if not isinstance(raw, list):
        raise invalid("edges", "must be the complete array of edges")
    edges: list[Doc] = []
    for edge in raw:
        if not isinstance(edge, dict) or edge.get("type") not in ("continue", "branch"):
            raise invalid("edges", f"bad edge {edge!r}")
        ends = [placeholders.get(end, end) if type(end := edge.get(k)) is int else end
                for k in ("from", "to")]
        if any(type(end) is not int or end not in ids for end in ends):
            raise invalid("edges", f"edge {edge!r} names an unknown action")
        stored: Doc = {"from": ends[0], "to": ends[1], "type": edge["type"]}
        if edge["type"] == "branch":
            if type(edge.get("index")) is not int or edge["index"] < 0:
                raise invalid("edges", f"branch edge {edge!r} needs an index")
            stored["index"] = edge["index"]
        edges.append(stored)
    return edges


def add_actions(tx: Tx, doc: Doc, outer: Doc) -> None:
    """New actions (placeholders ``-N``…``-1``) and the complete edge list (§5, D6)."""
    raw = outer.get("actions", [])
    if not isinstance(raw, list):
        raise invalid("actions", "must be an array of actions")
    checked = [check_action(tx, action) for action in raw]
    if any(a["type"] in SYSTEM_TYPES for a in checked):
        raise invalid("actions", "system actions are created by the trigger")
    placeholders: dict[int, int] = {}
    for position, action in enumerate(checked):
        if action["type"] in MESSAGE_TYPES:
            action["id"], action["template_id"] = create_message(
                tx, doc["id"], action["type"], action["name"], action.pop("sending_state"))
        else:
            action["id"] = tx.next_id("action")
        placeholders[position - len(checked)] = action["id"]
    actions = doc["actions"] + checked
    edges = resolve_edges(outer.get("edges"), {a["id"] for a in actions}, placeholders)
    check_graph(actions, edges)
    doc["actions"], doc["edges"] = actions, edges


def delete_actions(tx: Tx, doc: Doc, outer: Doc) -> None:
    ids = outer.get("action_ids")
    current = {a["id"]: a for a in doc["actions"]}
    if not isinstance(ids, list) or any(i not in current for i in ids):
        raise invalid("action_ids", "must list actions of this campaign")
    if any(current[i].get("system") for i in ids):
        raise invalid("action_ids", "system actions cannot be deleted")
    for action_id in ids:
        if current[action_id]["type"] in MESSAGE_TYPES:
            delete_message(tx, current[action_id])
    actions = [a for a in doc["actions"] if a["id"] not in ids]
    edges = resolve_edges(outer.get("edges"), {a["id"] for a in actions}, {})
    check_graph(actions, edges)
    doc["actions"], doc["edges"] = actions, edges


def replace_edges(tx: Tx, doc: Doc, outer: Doc) -> None:
    edges = resolve_edges(outer.get("edges"), {a["id"] for a in doc["actions"]}, {})
    check_graph(doc["actions"], edges)
    doc["edges"] = edges


def update_action(tx: Tx, stored: Doc, body: Doc) -> Doc:
    """``PUT /actions/{id}``: ``type`` required (400, §2 S8); type/sub_type immutable (500)."""
    if "type" not in body:
        raise ApiError(400, "type is required")
    if body["type"] != stored["type"] or body.get("sub_type", stored["sub_type"]) != \
            stored["sub_type"]:
        raise server_error()
    merged = {**action_view(tx, stored), **body}
    updated = check_action(tx, merged)
    if stored["type"] in MESSAGE_TYPES:
        sync_message(tx, stored["id"], updated.pop("sending_state"), updated["name"])
    keep: Doc = {k: stored[k] for k in ("id", "template_id", "system") if k in stored}
    return {**updated, **keep}


def action_view(tx: Tx, action: Doc) -> Doc:
    view = {k: v for k, v in action.items() if k != "system"}
    if action["type"] in MESSAGE_TYPES:
        view["sending_state"] = sending_state(tx, action["id"])
    return view


def message_order(doc: Doc) -> list[int]:
    """Message action ids depth-first from the root, branch index 0 first (D11)."""
    by_id = {a["id"]: a for a in doc.get("actions", [])}
    targets = {e["to"] for e in doc.get("edges", [])}
    roots = [i for i in by_id if i not in targets]
    order: list[int] = []
    seen: set[int] = set()
    todo = list(reversed(roots))
    while todo:
        node = todo.pop()
        if node in seen or node not in by_id:
            continue
        seen.add(node)
        if by_id[node]["type"] in MESSAGE_TYPES:
            order.append(node)
        out = sorted((e for e in doc.get("edges", []) if e["from"] == node),
                     key=lambda e: e.get("index", 0))
        todo.extend(e["to"] for e in reversed(out))
    order += [i for i, a in by_id.items() if a["type"] in MESSAGE_TYPES and i not in seen]
    return order
