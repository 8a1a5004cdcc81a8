"""``cioctl plan --estimate-from PEOPLE,EVENTS``: each segment change's audience before (the
live definition, decoded) and after (the new one), on the same data.

Additive to the plan: computed here from the plan's changes and rendered as its own section,
so the plan value, its digest and its renderers are untouched. The "before" world is the
desired one with every changed segment put back to its live conditions (unchanged segments
are equal on both sides, which is what "unchanged" means)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from cioctl.errors import ConfigError
from cioctl.estimate.compile import compile_segments
from cioctl.kinds.registry import Kind
from cioctl.model.segments import Segment
from cioctl.model.workspace import Workspace
from cioctl.plan.change import Action, Change
from cioctl.semantics.segments import SegmentWorld
from cioctl.sql.engines import Runner, prepare
from cioctl.sql.sources import SourceFiles


@dataclass(frozen=True)
class AudienceChange:
    """One segment change's estimated audience (None where the side does not exist)."""

    key: str
    action: str
    before: int | None
    after: int | None
    kind: str = "segment"

    def line(self) -> str:
        """``segment churn_risk: est. 12,345 → 15,002 (+21.5 %)``."""
        def shown(n: int | None) -> str:
            return "—" if n is None else f"{n:,}"
        delta = ""
        if self.before and self.after is not None:
            delta = f" ({(self.after - self.before) / self.before * 100:+.1f} %)"
        return (f"{self.kind} {self.key}: est. {shown(self.before)} → {shown(self.after)}"
                f"{delta}")

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "action": self.action,
                "before": self.before, "after": self.after}


def _before_segment(change: Change) -> Segment | None:
    """The live side of a segment change as a model. The plan's fields are the definitions'
    words (kinds/segment.py), so they validate as a definition; a live condition the model
    cannot take (a reference to a segment cioctl does not know, shown as ``"#7"``) has no
    estimate rather than a wrong one."""
    before = change.before or {}
    if change.action is Action.CREATE or not before:
        return None
    spec: dict[str, Any] = {"name": change.name, "key": change.key}
    conditions = before.get("conditions")
    if before.get("manual") or conditions is None:
        return Segment.model_validate({**spec, "manual": True})
    try:
        return Segment.model_validate({**spec, "conditions": conditions})
    except ValidationError:
        return None


def _trigger_condition(trigger: Any) -> dict[str, Any] | None:
    """Who a trigger can reach, as a condition (**approximation**, docs/estimate.md): a
    segment trigger its members, an event trigger people who performed the event (with its
    filters) at least once, a date trigger people who have the date attribute. ``trigger`` is
    in the definitions' words (kinds/flow_words.py)."""
    if not isinstance(trigger, dict):
        return None
    if "segment" in trigger:
        return {"segment": trigger["segment"]}
    if "event" in trigger:
        return {"event": trigger["event"], "at_least": 1, "where": trigger.get("where", [])}
    if "date_attribute" in trigger:
        return {"attribute": trigger["date_attribute"], "operator": "exists"}
    return None


def _flow_segment(key: str, side: Mapping[str, Any] | None) -> Segment | None:
    """A flow's audience (trigger and filter) as a synthetic segment, or None."""
    if not side:
        return None
    reach = _trigger_condition(side.get("trigger"))
    if reach is None:
        return None
    parts = [reach]
    if side.get("filter") is not None:
        parts.append(side["filter"])
    try:
        return Segment.model_validate({"name": f"flow {key}", "key": flow_key(key),
                                       "conditions": {"all": parts}})
    except ValidationError:  # a live filter naming a segment cioctl does not know
        return None


def flow_key(key: str) -> str:
    """The synthetic segment key of a flow's audience."""
    return f"cioctl_flow_{key}"


def _flow_changes(changes: Sequence[Change]) -> list[Change]:
    """Flow creates and deletes, and updates whose trigger or filter changes."""
    return [c for c in changes if c.kind is Kind.FLOW and (
        c.action in (Action.CREATE, Action.DELETE) or
        any(f.path.split(".")[0].split("[")[0] in ("trigger", "filter") for f in c.fields))]


def _count(runner: Runner, world: SegmentWorld, keys: list[str], as_of: datetime,
           table: str) -> dict[str, int | None]:
    if not keys:
        return {}
    compiled = compile_segments(keys, world, as_of)
    runner.materialize(table, compiled.membership())
    row = runner.rows(compiled.counts(table))[0]
    return {key: None if key in compiled.manual else int(row[i + 1] or 0)
            for i, key in enumerate(compiled.segments)}


def audience_changes(changes: Sequence[Change], workspace: Workspace, people: SourceFiles,
                     events: SourceFiles, as_of: datetime, runner: Runner
                     ) -> tuple[AudienceChange, ...]:
    """The estimated audience before and after every segment create, update, replace and
    delete of the plan, and of every flow whose trigger or filter changes."""
    segment_changes = [c for c in changes if c.kind is Kind.SEGMENT and c.action in (
        Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)]
    after_world = SegmentWorld.from_model(workspace)
    segments = dict(after_world.segments)
    for change in segment_changes:
        before = _before_segment(change)
        if before is None:
            segments.pop(change.key, None)
        else:
            segments[change.key] = before
    after_segments = dict(after_world.segments)
    flows = _flow_changes(changes)
    for change in flows:
        for side, table in ((change.before, segments), (change.after, after_segments)):
            audience = _flow_segment(change.key, side)
            if audience is not None:
                table[audience.key] = audience
    before_world = SegmentWorld(segments, after_world.attribute_types,
                                after_world.property_types)
    after_world = SegmentWorld(after_segments, after_world.attribute_types,
                               after_world.property_types)
    after_keys = [c.key for c in segment_changes if c.action is not Action.DELETE]
    after_keys += [flow_key(c.key) for c in flows if flow_key(c.key) in after_segments]
    before_keys = [c.key for c in segment_changes if c.key in segments]
    before_keys += [flow_key(c.key) for c in flows if flow_key(c.key) in segments]
    attributes = {**compile_segments(after_keys, after_world, as_of).attributes,
                  **compile_segments(before_keys, before_world, as_of).attributes}
    prepare(runner, people, events, workspace.config.data, attributes,
            cache_root=workspace.root)
    after = _count(runner, after_world, after_keys, as_of, "cio_after")
    before_counts = _count(runner, before_world, before_keys, as_of, "cio_before")
    found = [AudienceChange(c.key, c.action.value, before_counts.get(c.key), after.get(c.key))
             for c in segment_changes]
    found += [AudienceChange(c.key, c.action.value, before_counts.get(flow_key(c.key)),
                             after.get(flow_key(c.key)), "flow") for c in flows]
    return tuple(found)


def split_paths(value: str) -> tuple[str, str]:
    """``PEOPLE,EVENTS`` → the two paths."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"--estimate-from {value}: expected PEOPLE,EVENTS",
                          hint="e.g. --estimate-from exports/people.parquet,exports/events/")
    return parts[0], parts[1]


def render_section(found: Sequence[AudienceChange], markdown: bool) -> str:
    """The estimates as a section after the plan (text or Markdown)."""
    if not found:
        return ""
    if markdown:
        return "\n#### Audience estimates\n\n" + "".join(f"- `{a.line()}`\n" for a in found)
    return "\nAudience estimates (on the given data):\n" + "".join(
        f"  {a.line()}\n" for a in found)
