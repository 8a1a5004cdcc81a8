"""Read one YAML file into located plain data, safely.

PyYAML's C parser composes the node graph (falling back to the pure-Python one where libyaml is
absent); our own small constructor then builds :class:`LocatedDict` / :class:`LocatedList` values
so each key and item keeps its ``file:line:col``. The constructor is also where untrusted input is
bounded: duplicate keys, alias bombs, deep nesting, huge files and huge strings become
:class:`~cioctl.errors.DefinitionError`, never a traceback or an unbounded allocation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cioctl.definitions.located import LocatedDict, LocatedList
from cioctl.errors import DefinitionError, Location

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is present on every supported platform
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_STRING_CHARS = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000

_new_location = tuple.__new__  # Location is a NamedTuple; skip its argument handling
ScalarHook = Callable[[str, Location], Any]

_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}
_FALSE = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}
_NULL = {"", "~", "null", "Null", "NULL"}


def read_text(path: Path) -> str:
    """Read a definitions file as UTF-8, with clear errors for size and encoding."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DefinitionError(
                f"file is {size:,} bytes; definitions files are limited to {MAX_FILE_BYTES:,}",
                location=Location(path),
                hint="split it into several files, or move large content into a template file",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"cannot read file: {exc.strerror}", location=Location(path)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DefinitionError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            location=Location(path, line, col),
            hint="save the file as UTF-8",
        ) from exc


def load_yaml(path: Path, text: str, on_string: ScalarHook | None = None) -> object:
    """Parse ``text`` (the content of ``path``) into located plain data.

    ``on_string`` is called for every plain string scalar with its location; its return value
    replaces the string (this is how ``${...}`` interpolation runs with precise locations).
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise DefinitionError(f"YAML syntax error: {problem}", location=where) from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"YAML error: {exc}", location=Location(path)) from None
    if node is None:
        return None
    return _Constructor(path, on_string).build(node)


class _Constructor:
    def __init__(self, path: Path, on_string: ScalarHook | None) -> None:
        self.path = path
        self.on_string = on_string
        self.nodes = 0

    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return _new_location(Location, (self.path, mark.line + 1, mark.column + 1))

    def content_loc(self, node: yaml.Node) -> Location:
        """Where a value's text starts (block scalars start on the line after ``|``)."""
        loc = self.loc(node)
        if isinstance(node, yaml.ScalarNode) and getattr(node, "style", None) in ("|", ">"):
            return Location(self.path, loc.line + 1, 1)
        return loc

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise DefinitionError(
                f"document expands to more than {MAX_NODES:,} values",
                location=self.loc(node),
                hint="this usually means aliases (*ref) that repeat each other; inline the data",
            )
        if depth > MAX_DEPTH:
            raise DefinitionError(
                f"nesting deeper than {MAX_DEPTH} levels", location=self.loc(node),
                hint="flatten the structure",
            )
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            items = LocatedList(self.loc(node))
            for child in node.value:
                items.item_locs.append(self.loc(child))
                items.append(self.build(child, depth + 1))
            return items
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, depth: int) -> LocatedDict:
        result = LocatedDict(self.loc(node))
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise DefinitionError(
                    "merge keys (<<) are not supported", location=self.loc(key_node),
                    hint="write the keys out, or use ${var.NAME} for shared values",
                )
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise DefinitionError(
                    "mapping keys must be plain strings", location=self.loc(key_node)
                )
            if key in result:
                first = result.key_locs[key]
                raise DefinitionError(
                    f"duplicate key '{key}' (first written at line {first.line})",
                    location=self.loc(key_node),
                    hint="remove one of them; YAML would silently keep only the last",
                )
            result.key_locs[key] = self.loc(key_node)
            if isinstance(value_node, yaml.ScalarNode):
                result.value_locs[key] = self.content_loc(value_node)
            result[key] = self.build(value_node, depth + 1)
        return result

    def scalar(self, node: yaml.Node) -> Any:
        value: str = node.value
        if len(value) > MAX_STRING_CHARS:
            raise DefinitionError(
                f"value is {len(value):,} characters; the limit is {MAX_STRING_CHARS:,}",
                location=self.loc(node),
                hint="move large content into a template file (body_file:)",
            )
        tag = node.tag
        if tag == "tag:yaml.org,2002:str" or getattr(node, "style", None) in ("'", '"', "|", ">"):
            return self.interpolate(value, node)
        return self.resolve_plain(value, tag, node)

    def interpolate(self, value: str, node: yaml.Node) -> Any:
        if self.on_string is None or "${" not in value:
            return value
        return self.on_string(value, self.loc(node))

    def resolve_plain(self, value: str, tag: str, node: yaml.Node) -> Any:
        if tag == "tag:yaml.org,2002:null" or (tag.endswith(":null") and value in _NULL):
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value in _TRUE if value in _TRUE | _FALSE else value
        if tag == "tag:yaml.org,2002:int":
            return _to_int(value)
        if tag == "tag:yaml.org,2002:float":
            return _to_float(value)
        if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return value
        if tag.startswith("tag:yaml.org,2002:"):
            return self.interpolate(value, node)
        raise DefinitionError(f"unsupported YAML tag {tag}", location=self.loc(node))


def _to_int(value: str) -> int | str:
    text = value.replace("_", "")
    try:
        if text.lower().startswith(("0x", "-0x", "+0x")):
            return int(text, 16)
        if text.lower().startswith(("0o", "-0o", "+0o")):
            return int(text, 8)
        return int(text, 10)
    except ValueError:
        return value


def _to_float(value: str) -> float | str:
    lowered = value.lower().replace("_", "")
    if lowered in (".nan",):
        return float("nan")
    if lowered in (".inf", "+.inf", "-.inf"):
        return float("-inf") if lowered.startswith("-") else float("inf")
    try:
        return float(lowered)
    except ValueError:
        return value
