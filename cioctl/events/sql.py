"""``events check --table``: each declared event's schema compiled to one SQL query (sqlglot).

The query reads the canonical ``events`` view of :mod:`cioctl.sql.canonical` (``person_id``,
``name``, ``ts``, ``data`` as JSON text) and gives, in one statement, three kinds of rows:

* ``event``: per event (``<unknown event>`` for names not declared), rows and rows with errors;
* ``property``: per event, JSON path and problem kind, the violating rows;
* ``sample``: the first few violating rows (``person_id``, ``ts``) per event, path and kind.

The verdicts are the file path's (:mod:`cioctl.events.schema`): a property has at most one
problem, the first of wrong type, not in the enum, bad format; formats constrain strings only;
a JSON integer is also ``3.0``. What SQL cannot say the same way is not checked and is named
(:func:`not_checked`): the ``uri`` format, and undeclared properties (warnings, or errors under
``--strict``). Only JSON functions differ between engines; :class:`JsonOps` holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from cioctl.events.check import UNKNOWN
from cioctl.events.schema import json_path, property_format
from cioctl.model.data import Event, PropertySpec
from cioctl.model.types import ValueType

SAMPLES = 3  # violating rows named per event, path and kind
SQL_FORMATS = frozenset({"email", "date", "date-time"})
DIALECTS = ("duckdb", "spark", "databricks")
DOUBLE = exp.DataType.build("double")
DATE = exp.DataType.build("date")
_DATE_TIME = (r"^[0-9]{4}-(0[1-9]|1[0-2])-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
              r"(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _call(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _text(value: str) -> exp.Expr:
    return exp.Literal.string(value)


@dataclass(frozen=True)
class JsonOps:
    """The JSON functions of one engine. Types are normalised to ``string``, ``integer``,
    ``double``, ``boolean``, ``array``, ``object`` or ``null`` (a JSON null), SQL NULL when
    the key is absent."""

    dialect: str

    @property
    def spark(self) -> bool:
        return self.dialect != "duckdb"

    def path(self, name: str | None) -> exp.Expr:
        if name is None:
            return _text("$")
        if self.spark:
            return _text("$['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']")
        return _text('$."' + name.replace("\\", "\\\\").replace('"', '\\"') + '"')

    def parsed(self, data: exp.Expr) -> exp.Expr:
        """What the other functions read: Spark parses once into a VARIANT."""
        return _call("TRY_PARSE_JSON", data) if self.spark else data

    def type_of(self, doc: exp.Expr, name: str | None) -> exp.Expr:
        if self.spark:
            raw = _call("SCHEMA_OF_VARIANT", _call("VARIANT_GET", doc, self.path(name)))
            prefixes = [("STRING", "string"), ("BIGINT", "integer"), ("INT", "integer"),
                        ("SMALLINT", "integer"), ("TINYINT", "integer"), ("DECIMAL", "double"),
                        ("DOUBLE", "double"), ("FLOAT", "double"), ("BOOLEAN", "boolean"),
                        ("ARRAY", "array"), ("OBJECT", "object"), ("VOID", "null")]
            ifs = [exp.If(this=raw.like(_text(p + "%")) if p in ("DECIMAL", "ARRAY", "OBJECT")
                          else raw.eq(_text(p)), true=_text(code)) for p, code in prefixes]
            return exp.Case(ifs=ifs)  # searched: the type names carry parameters
        raw = _call("JSON_TYPE", doc, self.path(name))
        table = [("VARCHAR", "string"), ("BIGINT", "integer"), ("UBIGINT", "integer"),
                 ("HUGEINT", "integer"), ("DOUBLE", "double"), ("BOOLEAN", "boolean"),
                 ("ARRAY", "array"), ("OBJECT", "object"), ("NULL", "null")]
        return exp.Case(this=raw, ifs=[exp.If(this=_text(t), true=_text(c)) for t, c in table])

    def parts(self, data: exp.Expr, names: Sequence[str]) -> exp.Expr | None:
        """DuckDB: every property's JSON in one parse of ``data`` (a list, by name's index);
        Spark parses once already (:meth:`parsed`)."""
        if self.spark or not names:
            return None
        return _call("JSON_EXTRACT", data, exp.Array(expressions=[self.path(n) for n in names]))

    def part(self, doc: exp.Expr, index: int, name: str) -> tuple[exp.Expr, str | None]:
        """Where property ``name`` is read: (document, name) or, on DuckDB, (its part, None)."""
        if self.spark:
            return doc, name
        return exp.Bracket(this=exp.column("parts"),
                           expressions=[exp.Literal.number(index)]), None  # sqlglot: 0-based

    def text(self, doc: exp.Expr, name: str | None) -> exp.Expr:
        if self.spark:
            return _call("TRY_VARIANT_GET", doc, self.path(name), _text("string"))
        return _call("JSON_EXTRACT_STRING", doc, self.path(name))

    def number(self, doc: exp.Expr, name: str | None) -> exp.Expr:
        if self.spark:
            return _call("TRY_VARIANT_GET", doc, self.path(name), _text("double"))
        return exp.TryCast(this=self.text(doc, name), to=DOUBLE)

    def is_object(self, doc: exp.Expr) -> exp.Expr:
        """The whole ``data`` is a JSON object (False for invalid JSON text)."""
        if self.spark:
            return exp.func("coalesce", _call("SCHEMA_OF_VARIANT", doc).like(_text("OBJECT%")),
                            exp.false())
        valid = _call("JSON_VALID", doc)
        return exp.Case(ifs=[exp.If(this=valid, true=self.type_of(doc, None).eq(
            _text("object")))], default=exp.false())

    def matches(self, value: exp.Expr, pattern: str) -> exp.Expr:
        if self.spark:  # Java's $ also matches before a final newline; \z does not
            return exp.RegexpLike(this=value, expression=_text(pattern.removesuffix("$") + "\\z"))
        return _call("REGEXP_FULL_MATCH", value, _text(pattern.strip("^$")))


def not_checked(events: Sequence[Event]) -> list[str]:
    """``event.property (format uri)`` for what the query does not check, and a line for
    undeclared properties."""
    skipped = [f"{e.name}.{p} (format {property_format(s)})" for e in events
               for p, s in e.properties.items()
               if property_format(s) is not None and property_format(s) not in SQL_FORMATS]
    return [*skipped, "undeclared properties (warnings; errors under --strict)"]


@dataclass(frozen=True)
class _Columns:
    """The per-row expressions of one property name (shared by the events that declare it)."""

    type: exp.Expr
    text: exp.Expr
    number: exp.Expr


def _type_ok(spec: PropertySpec, c: _Columns) -> exp.Expr:
    integral = exp.and_(c.type.eq(_text("double")), c.number.eq(exp.Floor(this=c.number)))
    integer = exp.or_(c.type.eq(_text("integer")), integral)
    table: dict[ValueType, exp.Expr] = {
        ValueType.STRING: c.type.eq(_text("string")),
        ValueType.NUMBER: c.type.isin(_text("integer"), _text("double")),
        ValueType.INTEGER: integer,
        ValueType.BOOLEAN: c.type.eq(_text("boolean")),
        ValueType.TIMESTAMP: exp.or_(c.type.eq(_text("string")), integer),
        ValueType.ARRAY: c.type.eq(_text("array")),
        ValueType.OBJECT: c.type.eq(_text("object")),
    }
    return table[spec.type]


def _in_enum(values: Sequence[object], c: _Columns) -> exp.Expr:
    """JSON equality: ``true`` is not ``1``; ``1`` is ``1.0``."""
    strings = [_text(v) for v in values if isinstance(v, str)]
    numbers = [exp.cast(exp.Literal.number(v), DOUBLE) for v in values
               if isinstance(v, int | float) and not isinstance(v, bool)]
    bools = sorted({str(v).lower() for v in values if isinstance(v, bool)})
    parts: list[exp.Expr] = []
    if strings:
        parts.append(exp.and_(c.type.eq(_text("string")), c.text.isin(*strings)))
    if numbers:
        parts.append(exp.and_(c.type.isin(_text("integer"), _text("double")),
                              c.number.isin(*numbers)))
    if bools:
        parts.append(exp.and_(c.type.eq(_text("boolean")),
                              exp.Lower(this=c.text).isin(*map(_text, bools))))
    return exp.or_(*parts) if parts else exp.false()


def _format_ok(fmt: str, c: _Columns, ops: JsonOps) -> exp.Expr:
    """True for strings of the format and for anything not a string."""
    value = c.text
    ok: exp.Expr
    if fmt == "email":
        ok = exp.func("strpos", value, _text("@")) > 0
    else:
        if fmt == "date-time":  # like the checker, one trailing newline is tolerated
            trimmed = exp.Case(ifs=[exp.If(this=exp.func("right", value, 1).eq(_text("\n")),
                                           true=exp.Substring(this=value, start=exp.Literal.number(
                                               1), length=exp.Length(this=value) - 1))],
                               default=value)
            shape = ops.matches(exp.Upper(this=trimmed), _DATE_TIME)
        else:
            shape = ops.matches(value, _DATE)
        day = exp.Substring(this=value, start=exp.Literal.number(1), length=exp.Literal.number(10))
        real_day = exp.TryCast(this=day, to=DATE).is_(exp.null()).not_()
        year = exp.Substring(this=value, start=exp.Literal.number(1),
                             length=exp.Literal.number(4))
        ok = exp.and_(shape, real_day, year.neq(_text("0000")))  # year 0 is no RFC 3339 year
    return exp.or_(c.type.neq(_text("string")), exp.func("coalesce", ok, exp.false()))


def _problem(spec: PropertySpec, c: _Columns, ops: JsonOps) -> exp.Expr:
    """The problem kind of one declared property in one row, NULL when none."""
    ifs = [exp.If(this=c.type.is_(exp.null()),
                  true=_text("missing_required") if spec.required else exp.null()),
           exp.If(this=_type_ok(spec, c).not_(), true=_text("wrong_type"))]
    if spec.enum is not None:
        ifs.append(exp.If(this=_in_enum(spec.enum, c).not_(), true=_text("not_in_enum")))
    fmt = property_format(spec)
    if fmt in SQL_FORMATS:
        assert fmt is not None
        ifs.append(exp.If(this=_format_ok(fmt, c, ops).not_(), true=_text("bad_format")))
    return exp.Case(ifs=ifs)


def _spec_key(spec: PropertySpec) -> str:
    return spec.model_dump_json(exclude={"description"})


def _per_property(events: Sequence[Event], names: Sequence[str], ops: JsonOps,
                  doc: exp.Expr) -> tuple[list[exp.Expr], list[exp.Expr]]:
    """The typed columns (``t0 s0 n0 …``) and the problem columns (``p0 …``) per property
    name; events declaring a name the same way share one CASE branch."""
    typed: list[exp.Expr] = []
    problems: list[exp.Expr] = []
    for index, name in enumerate(names):
        where, key = ops.part(doc, index, name)
        typed += [exp.alias_(ops.type_of(where, key), f"t{index}"),
                  exp.alias_(ops.text(where, key), f"s{index}"),
                  exp.alias_(ops.number(where, key), f"n{index}")]
        columns = _Columns(exp.column(f"t{index}"), exp.column(f"s{index}"),
                           exp.column(f"n{index}"))
        groups: dict[str, tuple[PropertySpec, list[str]]] = {}
        for event in events:
            spec = event.properties.get(name)
            if spec is not None:
                groups.setdefault(_spec_key(spec), (spec, []))[1].append(event.name)
        ifs = [exp.If(this=exp.column("name").isin(*map(_text, declaring)),
                      true=_problem(spec, columns, ops)) for spec, declaring in groups.values()]
        problems.append(exp.alias_(exp.Case(ifs=[exp.If(this=exp.column("data_ok").not_(),
                                                        true=exp.null()), *ifs]), f"p{index}"))
    return typed, problems


def compile_check(events: Sequence[Event], dialect: str = "duckdb",
                  table: str = "events") -> exp.Expr:
    """The one query of ``events check --table`` over ``table`` (the canonical view)."""
    ops = JsonOps(dialect)
    declared = [_text(e.name) for e in events]
    names = sorted({p for e in events for p in e.properties})
    known = exp.column("name").isin(*declared) if declared else exp.false()
    event = exp.Case(ifs=[exp.If(this=known, true=exp.column("name"))], default=_text(UNKNOWN))
    doc = exp.column("doc")
    typed, problems = _per_property(events, names, ops, doc)
    parts = ops.parts(exp.column("data"), names)
    parsed = exp.select("person_id", "ts", "name", exp.alias_(ops.parsed(exp.column("data")),
                                                              "doc"),
                        *([] if parts is None else [exp.alias_(parts, "parts")])).from_(table)
    name_problem = exp.Case(ifs=[exp.If(this=exp.column("name").is_(exp.null()),
                                        true=_text("missing_name")),
                                 exp.If(this=known.not_(), true=_text("unknown_event"))])
    data_ok = exp.or_(doc.is_(exp.null()), ops.is_object(doc))
    with_types = exp.select("person_id", "ts", "name", exp.alias_(event, "event"),
                            exp.alias_(name_problem, "name_problem"),
                            exp.alias_(data_ok, "data_ok"), *typed).from_("parsed")
    checked = exp.select("person_id", "ts", "event", "name_problem", "data_ok",
                         *problems).from_("typed")
    found = [exp.column(f"p{i}") for i in range(len(names))]
    bad = exp.or_(exp.column("name_problem").is_(exp.null()).not_(),
                  exp.and_(exp.column("event").neq(_text(UNKNOWN)),
                           exp.column("data_ok").not_()),
                  *(p.is_(exp.null()).not_() for p in found))
    data_problem = exp.Case(ifs=[exp.If(this=exp.and_(
        exp.column("event").neq(_text(UNKNOWN)), exp.column("data_ok").not_()),
        true=_text("wrong_type"))])
    violations = _violations([("$.name", exp.column("name_problem")), ("$.data", data_problem),
                              *((json_path("data", n), found[i]) for i, n in enumerate(names))])
    report = _report(bad)
    # every part of the report reads "checked": DuckDB computes it once when told to (Spark
    # has no such hint and recomputes it per part)
    report.set("with_", exp.With(expressions=[
        exp.CTE(this=query, alias=exp.TableAlias(this=exp.to_identifier(name)),
                materialized=True if name == "checked" and not ops.spark else None)
        for name, query in (("parsed", parsed), ("typed", with_types), ("checked", checked),
                            ("violations", violations))]))
    return report


def _violations(kinds: Sequence[tuple[str, exp.Expr]]) -> exp.Select:
    """One row per (row, path) with a problem: each checked row's problems as an array of
    (path, kind) exploded, so the rows are read once (a UNION per path would read them once
    per path)."""
    pairs = exp.Array(expressions=[exp.Struct(expressions=[
        exp.PropertyEQ(this=exp.to_identifier("path"), expression=_text(path)),
        exp.PropertyEQ(this=exp.to_identifier("kind"), expression=kind)])
        for path, kind in kinds])
    lateral = exp.Lateral(this=exp.Explode(this=pairs), view=True, alias=exp.TableAlias(
        this=exp.to_identifier("u"), columns=[exp.to_identifier("v")]))
    found = exp.select(exp.column("event", "c"), exp.alias_(exp.column("path", "v"), "path"),
                       exp.alias_(exp.column("kind", "v"), "kind"),
                       exp.column("person_id", "c"), exp.column("ts", "c")).from_(
        exp.alias_(exp.to_table("checked"), "c", table=True))
    found.append("laterals", lateral)
    return found.where(exp.column("kind", "v").is_(exp.null()).not_())


def _union(selects: Sequence[exp.Select]) -> exp.Expr:
    union: exp.Expr = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return union


def _report(bad: exp.Expr) -> exp.Expr:
    null_text = exp.cast(exp.null(), "varchar")
    null_count = exp.cast(exp.null(), "bigint")
    totals = exp.select(
        exp.alias_(_text("event"), "part"), "event", exp.alias_(null_text, "path"),
        exp.alias_(null_text, "kind"), exp.alias_(exp.Count(this=exp.Star()), "total_rows"),
        exp.alias_(exp.Sum(this=exp.Case(ifs=[exp.If(this=bad, true=exp.Literal.number(1))],
                                         default=exp.Literal.number(0))), "bad_rows"),
        exp.alias_(null_text, "person_id"), exp.alias_(exp.cast(exp.null(), "timestamp"), "ts"),
    ).from_("checked").group_by("event")
    per_property = exp.select(
        exp.alias_(_text("property"), "part"), "event", "path", "kind",
        exp.alias_(exp.Count(this=exp.Star()), "total_rows"), exp.alias_(null_count, "bad_rows"),
        exp.alias_(null_text, "person_id"), exp.alias_(exp.cast(exp.null(), "timestamp"), "ts"),
    ).from_("violations").group_by("event", "path", "kind")
    window = exp.Window(this=exp.RowNumber(), partition_by=[
        exp.column("event"), exp.column("path"), exp.column("kind")],
        order=exp.Order(expressions=[exp.Ordered(this=exp.column("ts")),
                                     exp.Ordered(this=exp.column("person_id"))]))
    numbered = exp.select("event", "path", "kind", "person_id", "ts",
                          exp.alias_(window, "rn")).from_("violations")
    samples = exp.select(
        exp.alias_(_text("sample"), "part"), "event", "path", "kind",
        exp.alias_(null_count, "total_rows"), exp.alias_(null_count, "bad_rows"),
        "person_id", "ts").from_(numbered.subquery("numbered")).where(
        exp.column("rn") <= SAMPLES)
    return _union([totals, per_property, samples])
