"""The canonical views every compiled query reads, built from whatever the files hold.

``people``: ``id`` (text), ``added_at`` (timestamp or NULL) and one column per attribute,
already of the attribute's declared type — a value that does not parse is NULL, which is
section 2's *absent* (docs/semantics.md). ``events``: ``person_id``, ``name``, ``ts`` (UTC
timestamp) and ``data`` (JSON text). The views are sqlglot expressions; the few functions
whose names differ between DuckDB and Spark come from :class:`Flavour`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlglot import exp

from cioctl.errors import ConfigError
from cioctl.model.sources import EventsSource, PeopleSource
from cioctl.sql.sources import ColumnKind, SourceFiles

TEXT = exp.DataType.build("varchar")
DOUBLE = exp.DataType.build("double")
TIMESTAMP = exp.DataType.build("timestamp")
NUMERIC_TYPES = frozenset({"number", "integer"})


def attribute_column(name: str) -> str:
    """The canonical column of attribute ``name`` (prefixed: an attribute may be called id)."""
    return f"attr_{name}"


@dataclass(frozen=True)
class Flavour:
    """The engine-specific functions of the canonical views (sqlglot dialect + names)."""

    dialect: str

    def seconds_to_ts(self, seconds: exp.Expr) -> exp.Expr:
        if self.dialect == "duckdb":  # TO_TIMESTAMP gives TIMESTAMPTZ; the session is UTC
            return exp.cast(exp.Anonymous(this="TO_TIMESTAMP", expressions=[seconds]), TIMESTAMP)
        return exp.Anonymous(this="TIMESTAMP_SECONDS", expressions=[seconds])

    def text_to_ts(self, text: exp.Expr) -> exp.Expr:
        if self.dialect == "duckdb":  # via TIMESTAMPTZ so that 'Z' and +02:00 are honoured
            return exp.cast(exp.TryCast(this=text, to=exp.DataType.build("timestamptz")),
                            TIMESTAMP)
        return exp.TryCast(this=text, to=TIMESTAMP)

    def text_to_list(self, text: exp.Expr) -> exp.Expr:
        if self.dialect == "duckdb":
            return exp.TryCast(this=exp.TryCast(this=text, to=exp.DataType.build("json")),
                               to=exp.DataType.build("varchar[]", dialect="duckdb"))
        return exp.Anonymous(this="FROM_JSON", expressions=[text, exp.Literal.string(
            "array<string>")])

    def lower_list(self, items: exp.Expr) -> exp.Expr:
        """Elements lower-cased: array ``contains`` is case-insensitive (semantics §1)."""
        element = exp.to_identifier("e")
        body = exp.Lower(this=exp.cast(exp.column(element), TEXT))
        name = "LIST_TRANSFORM" if self.dialect == "duckdb" else "TRANSFORM"
        return exp.Anonymous(this=name, expressions=[
            items, exp.Lambda(this=body, expressions=[element])])


def _unwrap(expression: exp.Expr, kind: ColumnKind) -> tuple[exp.Expr, ColumnKind]:
    """A JSON-typed value as text (a JSON string loses its quotes), else unchanged."""
    if kind is not ColumnKind.JSON:
        return expression, kind
    root = exp.JSONPath(expressions=[exp.JSONPathRoot()])
    return exp.JSONExtractScalar(this=expression, expression=root), ColumnKind.TEXT


def _text(expression: exp.Expr, kind: ColumnKind, flavour: Flavour) -> exp.Expr:
    expression, kind = _unwrap(expression, kind)
    if kind is ColumnKind.STRUCT:
        return exp.Anonymous(this="TO_JSON", expressions=[expression])
    return expression if kind is ColumnKind.TEXT else exp.cast(expression, TEXT)


def to_timestamp(expression: exp.Expr, kind: ColumnKind,
                 flavour: Flavour) -> exp.Expr | None:
    """A timestamp from a timestamp, Unix seconds or RFC 3339 text; None if ``kind`` can't."""
    expression, kind = _unwrap(expression, kind)
    if kind is ColumnKind.TIMESTAMP:
        return exp.cast(expression, TIMESTAMP)
    if kind is ColumnKind.NUMBER:
        return flavour.seconds_to_ts(exp.cast(expression, DOUBLE))
    if kind is not ColumnKind.TEXT:
        return None
    seconds = exp.TryCast(this=expression, to=DOUBLE)
    return exp.Case(ifs=[exp.If(this=seconds.is_(exp.null()).not_(),
                                true=flavour.seconds_to_ts(seconds))],
                    default=flavour.text_to_ts(expression))


def typed(expression: exp.Expr, kind: ColumnKind, declared: str,
          flavour: Flavour) -> exp.Expr | None:
    """``expression`` as the declared attribute type; None when the column cannot hold it."""
    expression, kind = _unwrap(expression, kind)
    if declared in NUMERIC_TYPES:
        if kind is ColumnKind.NUMBER:
            return exp.cast(expression, DOUBLE)
        return exp.TryCast(this=expression, to=DOUBLE) if kind is ColumnKind.TEXT else None
    if declared == "boolean":
        if kind is ColumnKind.BOOLEAN:
            return expression
        if kind is not ColumnKind.TEXT:
            return None
        word = exp.Lower(this=exp.Trim(this=expression))
        return exp.Case(ifs=[exp.If(this=word.eq("true"), true=exp.true()),
                             exp.If(this=word.eq("false"), true=exp.false())])
    if declared == "timestamp":
        return to_timestamp(expression, kind, flavour)
    if declared == "array":
        if kind is ColumnKind.LIST:
            return flavour.lower_list(expression)
        if kind is ColumnKind.TEXT:
            return flavour.lower_list(flavour.text_to_list(expression))
        return None
    if kind in (ColumnKind.LIST, ColumnKind.OTHER):
        return None
    return _text(expression, kind, flavour)


def _missing(source: SourceFiles, column: str, what: str) -> ConfigError:
    return ConfigError(f"{source.describe()}: no column '{column}' ({what})",
                       hint=f"name the column under data.{source.role} in workspace.yaml, "
                       "or add it to the file")


def _mistyped(source: SourceFiles, column: str, kind: ColumnKind, wanted: str) -> ConfigError:
    return ConfigError(f"{source.describe()}: column '{column}' holds {kind.value} values, "
                       f"not {wanted}", hint="fix the export, or point data."
                       f"{source.role} in workspace.yaml at the right column")


def _attribute(name: str, declared: str, source: SourceFiles, kinds: Mapping[str, ColumnKind],
               config: PeopleSource, flavour: Flavour) -> exp.Expr:
    column = config.columns.get(name, name)
    if column in kinds:
        value = typed(exp.column(column, quoted=True), kinds[column], declared, flavour)
        if value is None:
            raise _mistyped(source, column, kinds[column], f"{declared} (attribute {name})")
        return value
    if config.attributes not in kinds:
        raise _missing(source, column, f"attribute {name}; there is no "
                       f"'{config.attributes}' JSON column either")
    json_text = _text(exp.column(config.attributes, quoted=True), kinds[config.attributes],
                      flavour)
    path = exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=name)])
    if declared == "array":
        raw = exp.JSONExtract(this=json_text, expression=path)
        return flavour.lower_list(flavour.text_to_list(exp.cast(raw, TEXT)))
    value = typed(exp.JSONExtractScalar(this=json_text, expression=path), ColumnKind.TEXT,
                  declared, flavour)
    assert value is not None  # text converts to every declared type
    return value


def people_view(source: SourceFiles, kinds: Mapping[str, ColumnKind], config: PeopleSource,
                attributes: Mapping[str, str], flavour: Flavour, table: str) -> exp.Select:
    """``SELECT id, added_at, attr_<name>… FROM table``; attributes maps name → declared type."""
    if config.id not in kinds:
        raise _missing(source, config.id, "the person's id")
    added: exp.Expr = exp.cast(exp.null(), TIMESTAMP)
    if config.added_at in kinds:
        converted = to_timestamp(exp.column(config.added_at, quoted=True),
                                 kinds[config.added_at], flavour)
        if converted is None:
            raise _mistyped(source, config.added_at, kinds[config.added_at], "a timestamp")
        added = converted
    columns = [exp.alias_(_text(exp.column(config.id, quoted=True), kinds[config.id], flavour),
                          "id"),
               exp.alias_(added, "added_at")]
    columns += [exp.alias_(_attribute(name, declared, source, kinds, config, flavour),
                           attribute_column(name), quoted=True)
                for name, declared in sorted(attributes.items())]
    return exp.select(*columns).from_(table)


def events_view(source: SourceFiles, kinds: Mapping[str, ColumnKind], config: EventsSource,
                flavour: Flavour, table: str) -> exp.Select:
    """``SELECT person_id, name, ts, data FROM table`` with the configured column names."""
    for column, what in ((config.person_id, "the person's id"), (config.name, "event name"),
                         (config.timestamp, "event time"), (config.data, "event data")):
        if column not in kinds:
            raise _missing(source, column, what)
    ts = to_timestamp(exp.column(config.timestamp, quoted=True), kinds[config.timestamp],
                      flavour)
    if ts is None:
        raise _mistyped(source, config.timestamp, kinds[config.timestamp],
                        "RFC 3339 text, Unix seconds or timestamps")
    data_kind = kinds[config.data]
    if data_kind not in (ColumnKind.TEXT, ColumnKind.JSON, ColumnKind.STRUCT):
        raise _mistyped(source, config.data, data_kind, "a JSON object or a struct")
    data = _text(exp.column(config.data, quoted=True), data_kind, flavour)
    return exp.select(
        exp.alias_(_text(exp.column(config.person_id, quoted=True), kinds[config.person_id],
                         flavour), "person_id"),
        exp.alias_(_text(exp.column(config.name, quoted=True), kinds[config.name], flavour),
                   "name"),
        exp.alias_(ts, "ts"),
        exp.alias_(data, "data"),
    ).from_(table)
