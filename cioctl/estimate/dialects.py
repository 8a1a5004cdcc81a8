"""``cioctl estimate --sql --dialect …``: the compiled query for a warehouse, refused rather
than emitted when it needs a function outside the dialect's allow-list.

The allow-list is of sqlglot node types (and, for functions sqlglot does not model, names):
each entry is a function whose meaning in that dialect was checked to be the one the compiler
intends — e.g. ``TRY_CAST`` is on no list where sqlglot would turn it into a plain ``CAST``
that raises on bad input (Spark under ANSI mode, BigQuery keeps it as ``SAFE_CAST``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sqlglot import exp

from cioctl.estimate.compile import CompiledQuery, Target, compile_segments
from cioctl.estimate.leaves import CompileError
from cioctl.model.sources import DataSources
from cioctl.semantics.segments import SegmentWorld
from cioctl.sql.canonical import Flavour, events_view, people_view
from cioctl.sql.sources import ColumnKind, FileFormat, SourceFiles

DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "trino")
_COMMON: frozenset[type[exp.Expr]] = frozenset({
    exp.Count, exp.Sum, exp.Min, exp.Coalesce, exp.Lower, exp.Trim, exp.Substring,
    exp.StrPosition, exp.JSONExtractScalar, exp.Cast, exp.If, exp.Case, exp.TryCast,
})
ALLOWED: Mapping[str, frozenset[type[exp.Expr]]] = {
    "duckdb": _COMMON | {exp.ArrayContains, exp.JSONExtract, exp.Anonymous},
    "spark": _COMMON | {exp.ArrayContains, exp.JSONExtract, exp.Anonymous},
    "bigquery": _COMMON,
    "snowflake": _COMMON | {exp.ArrayContains},
    "trino": _COMMON | {exp.ArrayContains},
}
_OPERATORS = (exp.Connector, exp.Binary, exp.Unary, exp.Predicate)
"""AND/OR/NOT and comparisons are Func subclasses in sqlglot, but operators, not functions."""
ANONYMOUS: Mapping[str, frozenset[str]] = {
    "duckdb": frozenset({"TO_TIMESTAMP", "LIST_TRANSFORM", "TO_JSON"}),
    "spark": frozenset({"TIMESTAMP_SECONDS", "TRANSFORM", "FROM_JSON", "TO_JSON"}),
}
_TYPE_KINDS = {"string": ColumnKind.TEXT, "number": ColumnKind.NUMBER,
               "integer": ColumnKind.NUMBER, "boolean": ColumnKind.BOOLEAN,
               "timestamp": ColumnKind.TIMESTAMP, "array": ColumnKind.LIST,
               "object": ColumnKind.TEXT}


def check_functions(query: exp.Expr, dialect: str) -> None:
    """Every function node of ``query`` is on ``dialect``'s allow-list, else CompileError."""
    allowed = ALLOWED[dialect]
    for node in query.walk():
        if not isinstance(node, exp.Func) or isinstance(node, _OPERATORS):
            continue
        if isinstance(node, exp.Anonymous):
            name = str(node.this).upper()
            if name in ANONYMOUS.get(dialect, frozenset()):
                continue
            raise _refused(name, dialect)
        if type(node) not in allowed:
            raise _refused(type(node).__name__, dialect)


def _refused(name: str, dialect: str) -> CompileError:
    return CompileError(f"the query needs {name}, which is not on the {dialect} allow-list",
                        hint="run it with --engine duckdb/spark, or drop the condition that "
                        "needs it (array attributes and timestamp event properties)")


def warehouse_sql(keys: list[str], world: SegmentWorld, as_of: object, dialect: str,
                  config: DataSources) -> str:
    """The counts query for ``dialect``, reading tables ``people`` and ``events`` whose columns
    are already typed (names from ``data:`` in workspace.yaml)."""
    from datetime import datetime

    assert isinstance(as_of, datetime)
    ts_type = exp.DataType.build("timestamptz" if dialect == "bigquery" else "timestamp")
    target = Target("cio_people", "cio_events", ts_type, Flavour(dialect))
    compiled = compile_segments(keys, world, as_of, target)
    query = _with_projections(compiled, config, target.flavour)
    check_functions(query, dialect)
    return query.sql(dialect, pretty=True) + ";\n"


def _with_projections(compiled: CompiledQuery, config: DataSources,
                      flavour: Flavour) -> exp.Select:
    people_kinds = {config.people.id: ColumnKind.TEXT,
                    config.people.added_at: ColumnKind.TIMESTAMP}
    for name, declared in compiled.attributes.items():
        people_kinds[config.people.columns.get(name, name)] = _TYPE_KINDS.get(
            declared, ColumnKind.TEXT)
    event_kinds = {config.events.person_id: ColumnKind.TEXT, config.events.name: ColumnKind.TEXT,
                   config.events.timestamp: ColumnKind.TIMESTAMP,
                   config.events.data: ColumnKind.TEXT}
    table = SourceFiles("people", "warehouse table people", FileFormat.PARQUET, ())
    events = SourceFiles("events", "warehouse table events", FileFormat.PARQUET, ())
    ctes = [("cio_people", people_view(table, people_kinds, config.people, compiled.attributes,
                                       flavour, "people")),
            ("cio_events", events_view(events, event_kinds, config.events, flavour, "events"))]
    return replace(compiled, ctes=(*ctes, *compiled.ctes)).counts()


def dialect_or_error(name: str) -> str:
    """``name`` if it is a known dialect."""
    if name not in DIALECTS:
        raise CompileError(f"unknown dialect '{name}'", hint=f"use one of {', '.join(DIALECTS)}")
    return name
