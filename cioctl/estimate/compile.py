"""Segment conditions → one SQL query (sqlglot expression builders, never string templates).

Shape, after PostHog's cohort queries: one pass over ``events`` with a conditional count per
distinct event leaf (``counts``), joined to ``people`` (``base``), then one CTE per segment
(``seg_<key>``: id, member) that joins the CTEs of the segments it references. Time is the
bound ``as_of``: every window start is a literal computed here (``T - W``, events count iff
``T - W < ts ≤ T``, docs/semantics.md section 3.2), so no ``now()`` and no ``date_diff``.
Kleene logic is SQL's own NULL logic (section 2); a segment's membership is
``COALESCE(condition, FALSE)`` — a reference collapses UNKNOWN to FALSE and is never inlined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlglot import exp

from cioctl.estimate.leaves import TIMESTAMP, CompileError, comparison, timestamp_literal
from cioctl.model.base import duration_seconds
from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
    PropertyFilter,
)
from cioctl.semantics.segments import SegmentWorld
from cioctl.sql.canonical import Flavour, attribute_column, typed
from cioctl.sql.sources import ColumnKind

EventKey = tuple[str, int | None, str]
"""An event leaf's count identity: event name, window seconds, its filters (as JSON)."""


@dataclass(frozen=True)
class Target:
    """Which relations the query reads and how a timestamp literal is typed."""

    people: str = "people"
    events: str = "events"
    timestamp_type: exp.DataType = field(default_factory=lambda: TIMESTAMP)
    flavour: Flavour = field(default_factory=lambda: Flavour("duckdb"))
    """Engine-specific functions (timestamp parsing of event properties)."""


@dataclass(frozen=True)
class CompiledQuery:
    """The compiled segments: shared CTEs plus the queries built on them."""

    ctes: tuple[tuple[str, exp.Select], ...]
    segments: tuple[str, ...]
    manual: frozenset[str]
    attributes: Mapping[str, str]
    """Attribute name → declared type: the columns the canonical ``people`` view needs."""

    def _with(self, select: exp.Select) -> exp.Select:
        for name, body in self.ctes:
            select = select.with_(name, as_=body, copy=False)
        return select

    def counts(self, table: str | None = None) -> exp.Select:
        """One row: ``people`` and, per segment, its member count (``n0``… in ``segments``
        order); from ``table`` when the membership was materialized there."""
        columns: list[exp.Expr] = [exp.alias_(exp.Count(this=exp.Star()), "people")]
        columns += [exp.alias_(exp.Sum(this=exp.If(this=exp.column(f"m{i}"),
                                                   true=exp.Literal.number(1),
                                                   false=exp.Literal.number(0))), f"n{i}")
                    for i in range(len(self.segments))]
        return self._from(exp.select(*columns), table)

    def _from(self, select: exp.Select, table: str | None) -> exp.Select:
        if table is not None:
            return select.from_(table, copy=False)
        return self._with(select.from_("members", copy=False))

    def membership(self) -> exp.Select:
        """Every person with one boolean column per segment (``m0``… in ``segments`` order),
        in id order: the whole answer in one query (the property and matrix tests use it)."""
        return self._with(exp.select("*").from_("members").order_by("id"))

    def members(self, key: str, limit: int | None = None,
                table: str | None = None) -> exp.Select:
        """The ids of segment ``key``'s members, in id order (the first ``limit``)."""
        column = exp.column(f"m{self.segments.index(key)}")
        select = self._from(exp.select("id"), table).where(column).order_by("id")
        return select.limit(limit) if limit is not None else select


def cte_name(key: str) -> str:
    """The CTE holding segment ``key``'s membership."""
    return f"seg_{key}"


@dataclass
class _Compiler:
    world: SegmentWorld
    as_of: datetime
    target: Target
    counts: dict[EventKey, str] = field(default_factory=dict)
    count_exprs: list[exp.Expr] = field(default_factory=list)
    windows: set[int] = field(default_factory=set)
    attributes: dict[str, str] = field(default_factory=dict)

    def instant(self, seconds_before: int) -> exp.Expr:
        moment = self.as_of - timedelta(seconds=seconds_before)
        return timestamp_literal(moment.timestamp(), self.target.timestamp_type)

    def condition(self, node: Condition, refs: set[str]) -> exp.Expr:
        if isinstance(node, AllOf):
            return exp.and_(*(exp.paren(self.condition(c, refs)) for c in node.all))
        if isinstance(node, AnyOf):
            return exp.or_(*(exp.paren(self.condition(c, refs)) for c in node.any))
        if isinstance(node, Not):
            return exp.Not(this=exp.paren(self.condition(node.not_, refs)))
        if isinstance(node, AttributeCondition):
            return self.attribute(node)
        if isinstance(node, EventCondition):
            return self.event(node)
        refs.add(node.segment)
        return exp.column("member", ref_alias(node.segment))

    def attribute(self, leaf: AttributeCondition) -> exp.Expr:
        value_type = self.world.attribute_type(leaf.attribute, leaf.value)
        self.attributes[leaf.attribute] = value_type.value
        column = exp.column(attribute_column(leaf.attribute), "b", quoted=True)
        return comparison(column, leaf.operator, leaf.value, value_type,
                          self.target.timestamp_type)

    def event(self, leaf: EventCondition) -> exp.Expr:
        rule, n = leaf.count_rule
        if rule == "at_least":
            return self.at_least(leaf, n)
        above = exp.Not(this=exp.paren(self.at_least(leaf, n + 1)))
        return above if rule == "at_most" else exp.and_(exp.paren(self.at_least(leaf, n)),
                                                        exp.paren(above))

    def at_least(self, leaf: EventCondition, n: int) -> exp.Expr:
        """Section 3.2: TRUE when the count reaches n; with a window, FALSE only when the
        person's data starts at or before ``T - W`` (the profile-age rule), else UNKNOWN."""
        if n == 0:
            return exp.true()
        reached = exp.GTE(this=exp.column(self.count_column(leaf), "b"),
                          expression=exp.Literal.number(n))
        if leaf.within is None:
            return reached
        window = duration_seconds(leaf.within)
        self.windows.add(window)
        return exp.Case(ifs=[exp.If(this=reached, true=exp.true()),
                             exp.If(this=exp.column(f"covers_{window}", "b"), true=exp.false())])

    def count_column(self, leaf: EventCondition) -> str:
        window = duration_seconds(leaf.within) if leaf.within is not None else None
        key = (leaf.event, window, repr([f.model_dump(mode="json") for f in leaf.where]))
        if key not in self.counts:
            self.counts[key] = f"c{len(self.counts)}"
            self.count_exprs.append(self.counted(leaf, window))
        return self.counts[key]

    def counted(self, leaf: EventCondition, window: int | None) -> exp.Expr:
        tests: list[exp.Expr] = [exp.column("name").eq(exp.Literal.string(leaf.event))]
        if window is not None:
            tests.append(exp.GT(this=exp.column("ts"), expression=self.instant(window)))
        tests += [exp.paren(self.where(leaf.event, f)) for f in leaf.where]
        return exp.Sum(this=exp.If(this=exp.and_(*tests), true=exp.Literal.number(1),
                                   false=exp.Literal.number(0)))

    def where(self, event: str, where: PropertyFilter) -> exp.Expr:
        value_type = self.world.property_type(event, where.property, where.value)
        text = property_text(where.property)
        if value_type.value in ("array", "object"):
            raise CompileError(f"event property '{where.property}' of type {value_type.value} "
                               "has no SQL form yet", hint="filter on a scalar property")
        value = typed(text, ColumnKind.TEXT, value_type.value, self.target.flavour)
        assert value is not None  # text converts to every scalar type
        return comparison(value, where.operator,
                          where.value, value_type, self.target.timestamp_type)


def ref_alias(key: str) -> str:
    """The alias a segment CTE gets where another segment refers to it."""
    return f"r_{key}"


def property_text(name: str) -> exp.Expr:
    """An event property from the ``data`` JSON text, as text. A dotted name also reaches
    into nested objects, like the reference engine's ``property_value``."""

    def path(*keys: str) -> exp.JSONPath:
        parts: list[exp.Expr] = [exp.JSONPathRoot()]
        parts += [exp.JSONPathKey(this=k) for k in keys]
        return exp.JSONPath(expressions=parts)

    data = exp.column("data")
    text: exp.Expr = exp.JSONExtractScalar(this=data, expression=path(name))
    if "." in name:
        nested = exp.JSONExtractScalar(this=data, expression=path(*name.split(".")))
        text = exp.Coalesce(this=text, expressions=[nested])
    return text


def _closure(keys: Iterable[str], world: SegmentWorld) -> list[str]:
    """``keys`` and every segment they reference, dependencies first (validation has
    rejected cycles; meeting one here is an error, not a loop)."""
    ordered: list[str] = []

    def visit(key: str, path: tuple[str, ...]) -> None:
        if key in ordered:
            return
        if key in path:
            raise CompileError(f"segment '{key}' refers to itself: {' → '.join(path)}")
        segment = world.segment(key)
        if segment.conditions is not None:
            from cioctl.model.conditions import SegmentCondition, walk

            for node in walk(segment.conditions):
                if isinstance(node, SegmentCondition):
                    visit(node.segment, (*path, key))
        ordered.append(key)

    for key in keys:
        visit(key, ())
    return ordered


def compile_segments(keys: Iterable[str], world: SegmentWorld, as_of: datetime,
                     target: Target | None = None) -> CompiledQuery:
    """Every segment in ``keys`` compiled at ``as_of``: a ``members`` CTE with one column per
    segment; each *referenced* segment also gets a ``seg_<key>`` CTE (id, member) that the
    segments referring to it join (Spark inlines CTEs, so only references are joined)."""
    chosen = list(dict.fromkeys(keys))
    compiler = _Compiler(world, as_of.astimezone(UTC), target or Target())
    closure = _closure(chosen, world)
    manual = {k for k in closure if world.segment(k).conditions is None}
    referenced = _referenced(closure, world)
    ctes = [(cte_name(key), _membership(compiler, [key], ["member"]))
            for key in closure if key in referenced]
    members = _membership(compiler, chosen, [f"m{i}" for i in range(len(chosen))])
    ctes.append(("members", members))
    return CompiledQuery((*_base_ctes(compiler), *ctes), tuple(chosen), frozenset(manual),
                         dict(sorted(compiler.attributes.items())))


def compile_truths(conditions: Sequence[Condition], world: SegmentWorld, as_of: datetime,
                   target: Target | None = None) -> CompiledQuery:
    """Each condition's three-valued truth (``m0``… TRUE, FALSE or NULL for UNKNOWN) per
    person, not collapsed to membership: what the engines' matrix test compares."""
    compiler = _Compiler(world, as_of.astimezone(UTC), target or Target())
    refs: set[str] = set()
    columns: list[exp.Expr] = [exp.column("id", "b")]
    columns += [exp.alias_(compiler.condition(c, refs), f"m{i}")
                for i, c in enumerate(conditions)]
    closure = _closure(sorted(refs), world)
    referenced = _referenced(closure, world) | refs
    ctes = [(cte_name(key), _membership(compiler, [key], ["member"]))
            for key in closure if key in referenced]
    members = exp.select(*columns).from_(exp.alias_(exp.to_table("base"), "b"))
    for ref in sorted(refs):
        members = members.join(exp.alias_(exp.to_table(cte_name(ref)), ref_alias(ref)),
                               on=exp.column("id", ref_alias(ref)).eq(exp.column("id", "b")),
                               join_type="left", copy=False)
    ctes.append(("members", members))
    names = tuple(f"condition {i}" for i in range(len(conditions)))
    return CompiledQuery((*_base_ctes(compiler), *ctes), names, frozenset(),
                         dict(sorted(compiler.attributes.items())))


def _referenced(keys: list[str], world: SegmentWorld) -> set[str]:
    """The segments some segment in ``keys`` refers to."""
    from cioctl.model.conditions import SegmentCondition, walk

    found: set[str] = set()
    for key in keys:
        conditions = world.segment(key).conditions
        if conditions is not None:
            found |= {n.segment for n in walk(conditions) if isinstance(n, SegmentCondition)}
    return found


def _membership(compiler: _Compiler, keys: list[str], names: list[str]) -> exp.Select:
    """``SELECT b.id, COALESCE(<condition>, FALSE) AS <name>… FROM base b`` joined to the
    CTEs of the segments the conditions refer to (membership: UNKNOWN is not a member)."""
    refs: set[str] = set()
    columns: list[exp.Expr] = [exp.column("id", "b")]
    for key, name in zip(keys, names, strict=True):
        conditions = compiler.world.segment(key).conditions
        member: exp.Expr = exp.false()  # manual: membership lives in Customer.io, not the data
        if conditions is not None:
            member = exp.Coalesce(this=compiler.condition(conditions, refs),
                                  expressions=[exp.false()])
        columns.append(exp.alias_(member, name))
    select = exp.select(*columns).from_(exp.alias_(exp.to_table("base"), "b"))
    for ref in sorted(refs):
        select = select.join(exp.alias_(exp.to_table(cte_name(ref)), ref_alias(ref)),
                             on=exp.column("id", ref_alias(ref)).eq(exp.column("id", "b")),
                             join_type="left", copy=False)
    return select


def _base_ctes(compiler: _Compiler) -> list[tuple[str, exp.Select]]:
    """``counts`` (one pass over events, events after ``as_of`` not yet known) and ``base``
    (people with their counts and, per window, whether their data covers it)."""
    people = exp.alias_(exp.to_table(compiler.target.people), "p")
    base = exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("p"))).from_(people)
    if not compiler.counts and not compiler.windows:
        return [("base", base)]
    counted = [exp.alias_(e, alias) for e, alias in
               zip(compiler.count_exprs, compiler.counts.values(), strict=True)]
    counts = (exp.select(exp.column("person_id"), *counted,
                         exp.alias_(exp.Min(this=exp.column("ts")), "first_ts"))
              .from_(compiler.target.events)
              .where(exp.LTE(this=exp.column("ts"), expression=compiler.instant(0)))
              .group_by("person_id"))
    extra: list[exp.Expr] = [
        exp.alias_(exp.Coalesce(this=exp.column(alias, "c"), expressions=[exp.Literal.number(0)]),
                   alias) for alias in compiler.counts.values()]
    for window in sorted(compiler.windows):
        start = compiler.instant(window)
        covered = [exp.Coalesce(this=exp.LTE(this=exp.column(c, t), expression=start.copy()),
                                expressions=[exp.false()])
                   for c, t in (("added_at", "p"), ("first_ts", "c"))]
        extra.append(exp.alias_(exp.or_(*covered), f"covers_{window}"))
    base = base.select(*extra).join(
        exp.alias_(exp.to_table("counts"), "c"),
        on=exp.column("person_id", "c").eq(exp.column("id", "p")), join_type="left")
    return [("counts", counts), ("base", base)]
