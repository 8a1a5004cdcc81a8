"""One attribute leaf or ``where`` filter as a sqlglot boolean expression over a typed column.

The SQL reproduces ``cioctl.semantics.values.compare`` (docs/semantics.md sections 1-2): the
column is already of the declared type with unparsable values NULL (``cioctl.sql.canonical``),
so SQL's NULL propagation *is* the UNKNOWN of section 2; text compares case-insensitively;
a condition value that does not parse as the type compares as UNKNOWN (a NULL literal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlglot import exp

from cioctl.errors import CioctlError
from cioctl.model.types import Operator, ValueType
from cioctl.semantics.people import JsonValue
from cioctl.semantics.values import parse, text_of

ORDER_OPS: dict[Operator, Callable[[exp.Expr, exp.Expr], exp.Expr]] = {
    Operator.GT: lambda a, b: exp.GT(this=a, expression=b),
    Operator.GTE: lambda a, b: exp.GTE(this=a, expression=b),
    Operator.LT: lambda a, b: exp.LT(this=a, expression=b),
    Operator.LTE: lambda a, b: exp.LTE(this=a, expression=b),
}
TIMESTAMP = exp.DataType.build("timestamp")


class CompileError(CioctlError):
    """A condition or a dialect the SQL compiler refuses rather than emitting something that
    means another thing."""


def unknown() -> exp.Expr:
    """UNKNOWN as SQL: a boolean NULL."""
    return exp.cast(exp.null(), exp.DataType.build("boolean"))


def when_present(column: exp.Expr, value: bool) -> exp.Expr:
    """``value`` when the column has a value, UNKNOWN when it is absent."""
    return exp.Case(ifs=[exp.If(this=column.is_(exp.null()).not_(),
                                true=exp.true() if value else exp.false())])


def timestamp_literal(seconds: float, timestamp_type: exp.DataType = TIMESTAMP) -> exp.Expr:
    """A bound instant (UTC) as a typed literal."""
    moment = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    return exp.cast(exp.Literal.string(moment.isoformat(sep=" ")), timestamp_type)


def literal(parsed: object, value_type: ValueType,
            timestamp_type: exp.DataType = TIMESTAMP) -> exp.Expr:
    """A parsed condition value as a SQL literal of the column's canonical type."""
    if value_type is ValueType.TIMESTAMP and isinstance(parsed, float):
        return timestamp_literal(parsed, timestamp_type)
    if isinstance(parsed, bool):
        return exp.true() if parsed else exp.false()
    if isinstance(parsed, float):
        return exp.cast(exp.Literal.number(repr(parsed)), exp.DataType.build("double"))
    return exp.Literal.string(str(parsed))


def _comparable(column: exp.Expr, value_type: ValueType) -> exp.Expr:
    """Text is compared case-folded (section 1); other types as they are."""
    return exp.Lower(this=column) if value_type is ValueType.STRING else column


def _equal_any(column: exp.Expr, options: list[JsonValue], value_type: ValueType,
               ts_type: exp.DataType) -> exp.Expr:
    parsed = [p for p in (parse(o, value_type) for o in options) if p is not None]
    if value_type in (ValueType.ARRAY, ValueType.OBJECT):
        raise CompileError(f"equality on a {value_type.value} value has no SQL form",
                           hint="compare arrays with contains / not_contains")
    if not parsed:
        return when_present(column, False)
    literals = [literal(p, value_type, ts_type) for p in dict.fromkeys(parsed)]
    target = _comparable(column, value_type)
    if len(literals) == 1:
        return exp.EQ(this=target, expression=literals[0])
    return exp.In(this=target, expressions=literals)


def _contains(column: exp.Expr, expected: JsonValue, value_type: ValueType) -> exp.Expr:
    if isinstance(expected, list | dict) or value_type not in (ValueType.STRING, ValueType.ARRAY):
        return when_present(column, False)
    needle = exp.Literal.string(text_of(expected))
    if value_type is ValueType.ARRAY:  # elements were lower-cased by the canonical view
        return exp.ArrayContains(this=column, expression=needle)
    found = exp.StrPosition(this=exp.Lower(this=column), substr=needle)
    return exp.GT(this=found, expression=exp.Literal.number(0))


def _starts_with(column: exp.Expr, expected: JsonValue,
                 value_type: ValueType) -> exp.Expr:
    if value_type is not ValueType.STRING or isinstance(expected, list | dict):
        return when_present(column, False)
    needle = text_of(expected)
    prefix = exp.Substring(this=exp.Lower(this=column), start=exp.Literal.number(1),
                           length=exp.Literal.number(len(needle)))
    return exp.EQ(this=prefix, expression=exp.Literal.string(needle))


def _order(column: exp.Expr, operator: Operator, expected: JsonValue,
           value_type: ValueType, ts_type: exp.DataType) -> exp.Expr:
    want = parse(expected, value_type)
    orderable = value_type in (ValueType.STRING, ValueType.NUMBER, ValueType.INTEGER,
                               ValueType.TIMESTAMP)
    if want is None or not orderable:
        return unknown()
    return ORDER_OPS[operator](_comparable(column, value_type),
                              literal(want, value_type, ts_type))


def comparison(column: exp.Expr, operator: Operator, expected: JsonValue,
               value_type: ValueType, ts_type: exp.DataType = TIMESTAMP) -> exp.Expr:
    """One leaf: ``column OPERATOR expected`` under section 2's rule."""
    if operator is Operator.EXISTS:
        return column.is_(exp.null()).not_()
    if operator is Operator.NOT_EXISTS:
        return column.is_(exp.null())
    if operator in (Operator.IN, Operator.NOT_IN):
        options: list[JsonValue] = list(expected) if isinstance(expected, list) else [expected]
        found = _equal_any(column, options, value_type, ts_type)
        return found if operator is Operator.IN else exp.Not(this=exp.paren(found))
    if operator in (Operator.CONTAINS, Operator.NOT_CONTAINS):
        found = _contains(column, expected, value_type)
        return found if operator is Operator.CONTAINS else exp.Not(this=exp.paren(found))
    if operator is Operator.STARTS_WITH:
        return _starts_with(column, expected, value_type)
    if operator in (Operator.EQ, Operator.NEQ):
        if parse(expected, value_type) is None:
            return unknown()
        found = _equal_any(column, [expected], value_type, ts_type)
        return found if operator is Operator.EQ else exp.Not(this=exp.paren(found))
    return _order(column, operator, expected, value_type, ts_type)
