"""Campaign bodies of the modeled Journeys routes (docs/journeys-modeled.md, "Campaigns / flows").

Validates trigger, filter, goal, frequency and workflow (400 shape A with ``source.pointer``),
and turns message steps into App API actions: steps are matched to existing actions by
``name``; a step whose type changed gets a new action; actions of removed steps are deleted.
"""

from __future__ import annotations

from typing import Any

from cioctl.emulator.actions import (
    JOURNEYS_CONTENT,
    STEP_TO_ACTION_TYPE,
    apply_fields,
    new_action,
    save_action,
)
from cioctl.emulator.journeys_conditions import SegmentExists, check_comparison, validate
from cioctl.emulator.store import Doc, Tx
from cioctl.emulator.web import ApiError

TRIGGER_TYPES = ("event", "segment", "date")
FREQUENCIES = ("once", "multiple")
DATE_FREQUENCIES = ("once", "monthly", "yearly")
PLAIN_STEPS = ("delay", "wait_until", "branch", "attribute_update", "exit")


def _bad(pointer: str, detail: str) -> ApiError:
    return ApiError(400, detail, pointer=pointer)


def _int(value: Any, pointer: str, lo: int, hi: int | None = None) -> int:
    if type(value) is not int or value < lo or (hi is not None and value > hi):
        upper = "" if hi is None else f"..{hi}"
        raise _bad(pointer, f"must be an integer in {lo}{upper or '..'}")
    return value


def _text(value: Any, pointer: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(pointer, "must be a non-empty string")
    return value


def check_trigger(trigger: Any, pointer: str, exists: SegmentExists) -> Doc:
    if not isinstance(trigger, dict) or trigger.get("type") not in TRIGGER_TYPES:
        raise _bad(f"{pointer}/type", f"trigger type must be one of {', '.join(TRIGGER_TYPES)}")
    kind = trigger["type"]
    if kind == "event":
        filters = trigger.get("filters", [])
        if not isinstance(filters, list):
            raise _bad(f"{pointer}/filters", "filters must be a list")
        for i, item in enumerate(filters):
            check_comparison(item, f"{pointer}/filters/{i}")
        return {"type": kind, "event_name": _text(trigger.get("event_name"),
                                                  f"{pointer}/event_name"), "filters": filters}
    if kind == "segment":
        return {"type": kind, "segment_ids": _segment_ids(trigger.get("segment_ids"),
                                                          f"{pointer}/segment_ids", exists)}
    return _date_trigger(trigger, pointer)


def _segment_ids(ids: Any, pointer: str, exists: SegmentExists) -> list[int]:
    if not isinstance(ids, list) or not ids:
        raise _bad(pointer, "segment_ids must be a non-empty list of segment ids")
    for i, seg_id in enumerate(ids):
        if type(seg_id) is not int or not exists(seg_id):
            raise _bad(f"{pointer}/{i}", f"segment {seg_id!r} does not exist")
    return list(ids)


def _date_trigger(trigger: Doc, pointer: str) -> Doc:
    frequency = trigger.get("frequency")
    if frequency not in DATE_FREQUENCIES:
        raise _bad(f"{pointer}/frequency", "frequency must be once, monthly or yearly")
    use_tz = trigger.get("use_customer_timezone", False)
    if not isinstance(use_tz, bool):
        raise _bad(f"{pointer}/use_customer_timezone", "must be a boolean")
    return {
        "type": "date", "date_attribute": _text(trigger.get("date_attribute"),
                                                f"{pointer}/date_attribute"),
        "frequency": frequency,
        "start_hour": _int(trigger.get("start_hour"), f"{pointer}/start_hour", 0, 23),
        "start_minutes": _int(trigger.get("start_minutes"), f"{pointer}/start_minutes", 0, 59),
        "timezone": _text(trigger.get("timezone"), f"{pointer}/timezone"),
        "use_customer_timezone": use_tz,
    }


def check_goal(goal: Any, pointer: str) -> Doc | None:
    if goal is None:
        return None
    if not isinstance(goal, dict) or goal.get("type") != "event":
        raise _bad(f"{pointer}/type", "goal type must be event")
    return {"type": "event", "event_name": _text(goal.get("event_name"), f"{pointer}/event_name"),
            "within_seconds": _int(goal.get("within_seconds"), f"{pointer}/within_seconds", 1)}


def check_frequency(value: Any, pointer: str) -> str:
    if value not in FREQUENCIES:
        raise _bad(pointer, "frequency must be once or multiple")
    return str(value)


def check_workflow(steps: Any, pointer: str, exists: SegmentExists, names: set[str]) -> None:
    if not isinstance(steps, list):
        raise _bad(pointer, "workflow must be a list of steps")
    for i, step in enumerate(steps):
        _check_step(step, f"{pointer}/{i}", exists, names)


def _check_step(step: Any, pointer: str, exists: SegmentExists, names: set[str]) -> None:
    kind = step.get("type") if isinstance(step, dict) else None
    if kind in STEP_TO_ACTION_TYPE:
        _check_message(step, pointer, names)
    elif kind == "delay":
        _int(step.get("seconds"), f"{pointer}/seconds", 0)
    elif kind == "wait_until":
        validate(step.get("condition"), f"{pointer}/condition", exists)
        if step.get("max_seconds") is not None:
            _int(step["max_seconds"], f"{pointer}/max_seconds", 1)
    elif kind == "branch":
        validate(step.get("condition"), f"{pointer}/condition", exists)
        check_workflow(step.get("then", []), f"{pointer}/then", exists, names)
        check_workflow(step.get("else", []), f"{pointer}/else", exists, names)
    elif kind == "attribute_update":
        _text(step.get("field"), f"{pointer}/field")
        if "value" not in step:
            raise _bad(f"{pointer}/value", "attribute_update needs a value")
    elif kind != "exit":
        known = ", ".join((*STEP_TO_ACTION_TYPE, *PLAIN_STEPS))
        raise _bad(f"{pointer}/type", f"step type must be one of {known}")


def _check_message(step: Doc, pointer: str, names: set[str]) -> None:
    name = _text(step.get("name"), f"{pointer}/name")
    if name in names:
        raise _bad(f"{pointer}/name", f"step name {name!r} is used twice in this campaign")
    names.add(name)
    if step.get("content") is not None and not isinstance(step["content"], dict):
        raise _bad(f"{pointer}/content", "content must be an object")


class Materializer:
    """Writes a validated workflow's message steps as actions of one campaign."""

    def __init__(self, tx: Tx, campaign_id: int) -> None:
        self.tx = tx
        self.campaign_id = campaign_id
        self.old = {a["name"]: a for a in tx.docs("action", campaign_id)}
        self.pos = 0

    def run(self, steps: list[Doc], pointer: str) -> list[Doc]:
        """The stored workflow (``action_id`` on message steps, no ``content``)."""
        out = self._steps(steps, pointer)
        for action in self.old.values():
            self.tx.delete("action", action["id"])
        return out

    def _steps(self, steps: list[Doc], pointer: str) -> list[Doc]:
        return [self._step(step, f"{pointer}/{i}") for i, step in enumerate(steps)]

    def _step(self, step: Doc, pointer: str) -> Doc:
        kind = step["type"]
        if kind in STEP_TO_ACTION_TYPE:
            return self._message(step, pointer)
        if kind == "branch":
            return {"type": kind, "condition": step["condition"],
                    "then": self._steps(step.get("then", []), f"{pointer}/then"),
                    "else": self._steps(step.get("else", []), f"{pointer}/else")}
        keys = {"delay": ("seconds",), "wait_until": ("condition", "max_seconds"),
                "attribute_update": ("field", "value")}.get(kind, ())
        return {"type": kind, **{k: step.get(k) for k in keys}}

    def _message(self, step: Doc, pointer: str) -> Doc:
        action_type = STEP_TO_ACTION_TYPE[step["type"]]
        action = self.old.pop(step["name"], None)
        if action is not None and action["type"] != action_type:
            self.tx.delete("action", action["id"])
            action = None
        if action is None:
            action = new_action(self.tx, self.campaign_id, action_type, step["name"], self.pos)
        if step.get("content"):
            apply_fields(self.tx, action, step["content"], JOURNEYS_CONTENT[action_type],
                         f"{pointer}/content")
        save_action(self.tx, action, self.pos)
        self.pos += 1
        return {"type": step["type"], "name": step["name"], "action_id": action["id"]}
