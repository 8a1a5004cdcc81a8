"""Run an estimate: compile the chosen segments, count on one engine, explain five samples.

Samples are explained by the reference engine (``cioctl.semantics.segments.explain``) over the
sample people's own rows, so the reasons printed are the documented rules, not the SQL's."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlglot import exp

from cioctl.errors import ConfigError
from cioctl.estimate.compile import compile_segments
from cioctl.model.workspace import Workspace
from cioctl.semantics.people import AttributeChange, JsonValue, PersonHistory, TimedEvent
from cioctl.semantics.segments import SegmentWorld, explain
from cioctl.sql.canonical import attribute_column
from cioctl.sql.engines import Runner, prepare
from cioctl.sql.sources import SourceFiles, from_command_line

SAMPLES = 5


@dataclass(frozen=True)
class Sample:
    """One member and the condition lines that put them in the segment."""

    id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SegmentEstimate:
    """One segment's audience on the data (None for manual segments: not in the data)."""

    key: str
    name: str
    count: int | None
    share: float | None
    sample: tuple[Sample, ...]
    live_count: int | None = None
    """Customer.io's own ``customer_count`` when the environment could be read."""


@dataclass(frozen=True)
class Estimate:
    """Every chosen segment's audience at ``as_of``."""

    as_of: datetime
    people: int
    engine: str
    segments: tuple[SegmentEstimate, ...]
    environment: str = "local"
    live_unavailable: str | None = None

    def as_json(self) -> dict[str, Any]:
        """``{"as_of", "people", "segments": [{"key", "count", "share", "sample"}]}``."""
        return {"as_of": self.as_of.isoformat().replace("+00:00", "Z"), "people": self.people,
                "engine": self.engine, "environment": self.environment, "segments": [
                    {"key": s.key, "name": s.name, "count": s.count, "share": s.share,
                     "live_count": s.live_count,
                     "sample": [{"id": p.id, "reasons": list(p.reasons)} for p in s.sample]}
                    for s in self.segments]}


def chosen_keys(workspace: Workspace, wanted: Sequence[str]) -> list[str]:
    """``wanted`` (all segments when empty), each checked to exist."""
    known = [s.key for s in workspace.segments]
    for key in wanted:
        if key not in known:
            raise ConfigError(f"no segment '{key}' in the workspace",
                              hint=f"known segments: {', '.join(known)}")
    return list(wanted) or known


def _quiet(_message: str) -> None:
    """No progress display."""


def estimate(workspace: Workspace, keys: Sequence[str], people: SourceFiles,
             events: SourceFiles, as_of: datetime, runner: Runner,
             progress: Callable[[str], None] = _quiet) -> Estimate:
    """Count every segment in ``keys`` at ``as_of`` on ``runner``, with samples."""
    world = SegmentWorld.from_model(workspace)
    compiled = compile_segments(keys, world, as_of)
    progress("reading people and events")
    prepare(runner, people, events, workspace.config.data, compiled.attributes,
            cache_root=workspace.root)
    progress(f"evaluating {len(compiled.segments)} segment(s) on {runner.name}")
    # One evaluation of every segment; counts and samples read the materialized table.
    runner.materialize("cio_members", compiled.membership())
    progress("explaining samples")
    row = runner.rows(compiled.counts("cio_members"))[0]
    total = int(row[0])
    sampled = {key: [str(r[0]) for r in runner.rows(compiled.members(key, SAMPLES,
                                                                     "cio_members"))]
               for key in compiled.segments if key not in compiled.manual}
    histories = _histories(runner, sorted({i for ids in sampled.values() for i in ids}),
                           compiled.attributes, as_of)
    found = []
    for index, key in enumerate(compiled.segments):
        segment = world.segment(key)
        if segment.conditions is None:  # manual: membership lives in Customer.io
            found.append(SegmentEstimate(key, segment.name, None, None, ()))
            continue
        count = int(row[index + 1] or 0)
        samples = tuple(Sample(i, tuple(explain(segment.conditions, histories[i], as_of, world)))
                        for i in sampled[key])
        found.append(SegmentEstimate(key, segment.name, count,
                                     round(count / total, 4) if total else 0.0, samples))
    return Estimate(as_of, total, runner.name, tuple(found))


def _json(value: Any) -> JsonValue:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value  # type: ignore[no-any-return]


def _histories(runner: Runner, ids: list[str], attributes: Mapping[str, str],
               as_of: datetime) -> dict[str, PersonHistory]:
    """The sample people's rows as reference-engine histories (two queries for all)."""
    if not ids:
        return {}
    listed = [exp.Literal.string(i) for i in ids]
    columns = ["id", "added_at", *(attribute_column(a) for a in attributes)]
    rows = runner.rows(exp.select(*(exp.column(c, quoted=True) for c in columns))
                       .from_("people").where(exp.In(this=exp.column("id"), expressions=listed)))
    events = runner.rows(exp.select("person_id", "name", "ts", "data").from_("events").where(
        exp.In(this=exp.column("person_id"), expressions=listed)).where(
        exp.column("ts").is_(exp.null()).not_()))
    by_person: dict[str, list[tuple[Any, ...]]] = {}
    for event in events:
        by_person.setdefault(str(event[0]), []).append(event)
    return {str(r[0]): _history(r, list(attributes), by_person.get(str(r[0]), []), as_of)
            for r in rows}


def _history(row: tuple[Any, ...], names: list[str], events: list[tuple[Any, ...]],
             as_of: datetime) -> PersonHistory:
    # Without an added-at column, the person's data starts at their first event: a date far
    # after as_of stands for "unknown" in the reference engine's min().
    added = row[1].replace(tzinfo=UTC) if row[1] is not None else as_of + timedelta(days=36500)
    early = datetime(1970, 1, 1, tzinfo=UTC)
    changes = tuple(AttributeChange(early, name, _json(value))
                    for name, value in zip(names, row[2:], strict=True) if value is not None)
    timed = tuple(TimedEvent(str(e[1]), _data(e[3]), e[2].replace(tzinfo=UTC),
                             e[2].replace(tzinfo=UTC)) for e in events)
    return PersonHistory(str(row[0]), added, changes, timed)


def _data(text: Any) -> dict[str, JsonValue]:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def with_live(estimate: Estimate, counts: Mapping[str, int], environment: str,
              unavailable: str | None) -> Estimate:
    """``estimate`` with each segment's live count beside it."""
    segments = tuple(replace(s, live_count=counts.get(s.key)) for s in estimate.segments)
    return replace(estimate, segments=segments, environment=environment,
                   live_unavailable=unavailable)


def parse_as_of(text: str | None) -> datetime:
    """``--as-of`` (RFC 3339 or Unix seconds), default now, bound once."""
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = (datetime.fromtimestamp(float(text), UTC) if text.replace(".", "").isdigit()
                  else datetime.fromisoformat(text))
    except ValueError:
        raise ConfigError(f"--as-of {text} is not a time",
                          hint="give RFC 3339 (2026-06-01T00:00:00Z) or Unix seconds") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def source_paths(workspace: Workspace, people: str | None,
                 events: str | None) -> tuple[str, str]:
    """The paths from the options (relative to the current directory), else from ``data:`` in
    workspace.yaml (relative to the workspace)."""
    data = workspace.config.data
    chosen = (from_command_line(people) if people else data.people.path,
              from_command_line(events) if events else data.events.path)
    if chosen[0] is None or chosen[1] is None:
        raise ConfigError("no people or events data given",
                          hint="pass --people PATH --events PATH, or set data.people.path and "
                          "data.events.path in workspace.yaml")
    return chosen[0], chosen[1]

