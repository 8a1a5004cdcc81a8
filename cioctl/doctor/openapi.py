"""The vendor's OpenAPI document against every route and request field cioctl uses.

Documented routes (App API) missing from the document, or sending a field the document lacks
(or marks read-only), are failures: cioctl relies on something the vendor does not promise.
Modeled routes (Journeys) are expected to be absent and are listed as such; one that appears in
the document is a warning: the model should be checked against it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cioctl.api.usage import ROUTES, RouteUse, normalize
from cioctl.doctor.report import Report, Status
from cioctl.errors import ConfigError

GROUP = "vendor OpenAPI document"
_METHODS = ("get", "put", "post", "delete", "patch")
Schema = dict[str, Any]


def load_document(path: Path) -> dict[str, Any]:
    """Read an OpenAPI JSON document (a clean error when it is not one)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path} is not JSON: {exc}",
                          hint="pass the vendor's OpenAPI document in JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ConfigError(f"{path} is not an OpenAPI document (no 'paths')",
                          hint="pass the vendor's OpenAPI document in JSON")
    return document


class Document:
    """Lookups in one OpenAPI document: operations by normalized route, ``$ref`` resolution."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.operations: dict[tuple[str, str], tuple[Schema, Schema]] = {}
        for path, item in raw["paths"].items():
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    self.operations[(method.upper(), normalize(path))] = (item[method], item)

    def resolve(self, node: Any) -> Schema:
        """Follow local ``$ref`` pointers (``#/components/...``)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            target: Any = self.raw
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node if isinstance(node, dict) else {}

    def alternatives(self, schema: Schema) -> Iterator[Schema]:
        """The schema and every branch of its oneOf / anyOf / allOf, resolved."""
        schema = self.resolve(schema)
        yield schema
        for key in ("oneOf", "anyOf", "allOf"):
            for branch in schema.get(key, []) or []:
                yield from self.alternatives(branch)

    def body_schema(self, operation: Schema) -> Schema | None:
        """The JSON request body schema of an operation, if it has one."""
        content = self.resolve(operation.get("requestBody")).get("content", {})
        media = content.get("application/json") or next(iter(content.values()), None)
        return self.resolve(media.get("schema")) if isinstance(media, dict) else None

    def query_names(self, operation: Schema, path_item: Schema) -> set[str]:
        """Query parameters declared on the operation or its path."""
        params = [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]
        return {str(p.get("name")) for p in map(self.resolve, params) if p.get("in") == "query"}

    def field_problem(self, schema: Schema | None, field: str) -> str | None:
        """Why ``field`` (``a.b``, ``a[].b``) is not a writable field of ``schema``, or None."""
        candidates = [schema] if schema is not None else []
        read_only = False
        for part in field.split("."):
            name, is_list = part.removesuffix("[]"), part.endswith("[]")
            found: list[Schema] = []
            for alternative in (a for c in candidates for a in self.alternatives(c)):
                prop = self.resolve((alternative.get("properties") or {}).get(name))
                if not prop and name not in (alternative.get("properties") or {}):
                    continue
                read_only = read_only or bool(prop.get("readOnly"))
                found.append(self.resolve(prop.get("items")) if is_list else prop)
            if not found:
                return "absent"
            candidates = found
        return "read-only" if read_only else None


def check_document(report: Report, path: Path) -> None:
    """Add one check per route or field cioctl uses that the document lacks."""
    document = Document(load_document(path))
    documented = [use for use in ROUTES if use.documented]
    for use in ROUTES:
        found = document.operations.get(use.key)
        if use.documented:
            _check_documented(report, document, use, found)
        elif found is None:
            report.add(str(use), Status.INFO, "modeled, not in the vendor document", group=GROUP)
        else:
            report.add(str(use), Status.WARN, "modeled, but now in the vendor document",
                       hint="check docs/journeys-wire.md against the document", group=GROUP)
    present = sum(1 for use in documented if use.key in document.operations)
    report.add(path.name, Status.OK if present == len(documented) else Status.FAIL,
               f"{present} of {len(documented)} documented routes cioctl uses are in it; "
               f"{len(ROUTES) - len(documented)} modeled routes", group=GROUP)


def _check_documented(
    report: Report, document: Document, use: RouteUse, found: tuple[Schema, Schema] | None
) -> None:
    if found is None:
        report.add(str(use), Status.FAIL,
                   f"not in the vendor document (cioctl uses it to {use.purpose})",
                   hint="the route may have moved or been removed; check the vendor docs",
                   group=GROUP)
        return
    operation, path_item = found
    body = document.body_schema(operation)
    queries = document.query_names(operation, path_item)
    for field in use.request_fields:
        if field == "*":
            continue
        if field.startswith("?"):
            problem = None if field[1:] in queries else "absent"
        else:
            problem = document.field_problem(body, field)
        if problem is not None:
            report.add(f"{use} {field}", Status.FAIL,
                       f"request field cioctl sends is {problem} in the vendor document",
                       hint="stop sending it, or confirm it with Customer.io", group=GROUP)
