"""Which operation a concrete request is, and whether its body fits the request schema.

A request (``PUT /v1/environments/123/segments/17``) is matched against every path template of
the documents that cover its API surface (a document's ``servers`` hosts say which:
``*.fly.customer.io`` is Journeys, ``api[-eu].customer.io`` the App API; a document without
recognisable servers covers both). A server URL's path is a prefix the templates omit. Literal
segments beat parameters (``/segments/used_by`` before ``/segments/{id}``).

Severities:

- **error** — the body disagrees with the request schema, the document requires a body that is
  not sent, or a *complete* document lacks the route (the vendor does not offer it).
- **warning** — the route is missing from a document that says it is partial (an excerpt proves
  nothing by omission), or a body is sent where the document declares none.
- **info** — no loaded document covers the request's surface: not checked.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from cioctl.api.endpoints import Surface
from cioctl.contract.document import ContractDocument
from cioctl.contract.request import PlannedRequest
from cioctl.contract.schema import (
    UnusableSchemaError,
    Validator,
    json_type,
    mismatches,
    to_json_schema,
    validator_for,
)

_METHODS = ("get", "put", "post", "delete", "patch")


class Severity(enum.StrEnum):
    """How much a finding matters; only errors make a strict preflight refuse."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement between a request cioctl will send and a vendor document."""

    severity: Severity
    method: str
    path: str
    route: str | None
    pointer: str
    expected: str
    got: str
    document: str
    address: str | None = None

    def __str__(self) -> str:
        where = f"{self.method} {self.route or self.path}"
        at = f" {self.pointer}" if self.pointer else " (body)"
        change = f" [{self.address}]" if self.address else ""
        return f"{self.severity}: {where}{at}: expected {self.expected}, got {self.got}{change}"


@dataclass(slots=True)
class _Operation:
    method: str
    template: str
    parts: list[str]
    spec: dict[str, Any]


@dataclass(slots=True)
class _Indexed:
    """One document, converted to JSON Schema terms and indexed by route."""

    document: ContractDocument
    schema_root: dict[str, Any]
    surfaces: frozenset[Surface]
    prefixes: tuple[str, ...]
    operations: list[_Operation] = field(default_factory=list)
    validators: dict[tuple[str, str], Validator | None] = field(default_factory=dict)

    @classmethod
    def of(cls, document: ContractDocument) -> _Indexed:
        raw = document.raw
        openapi_30 = str(raw.get("openapi", "3.1")).startswith("3.0")
        root: dict[str, Any] = to_json_schema(raw, openapi_30)
        servers = [s.get("url", "") for s in raw.get("servers") or [] if isinstance(s, dict)]
        prefixes = {urlparse(str(u)).path.rstrip("/") for u in servers} | {""}
        indexed = cls(document, root, _surfaces(servers), tuple(sorted(prefixes, key=len)))
        for template, item in root["paths"].items():
            for method in _METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    indexed.operations.append(_Operation(
                        method.upper(), template, template.strip("/").split("/"), item[method]))
        return indexed

    def find(self, method: str, path: str) -> _Operation | None:
        """The operation for a concrete request, literal segments first."""
        got = path.split("?")[0].strip("/").split("/")
        best: tuple[int, _Operation] | None = None
        for prefix in self.prefixes:
            want = prefix.strip("/").split("/") if prefix else []
            if got[:len(want)] != want:
                continue
            rest = got[len(want):]
            for op in self.operations:
                if op.method == method and _fits(op.parts, rest):
                    score = sum(1 for p in op.parts if p.startswith("{"))
                    if best is None or score < best[0]:
                        best = (score, _Operation(op.method, prefix + op.template, op.parts,
                                                  op.spec))
        return None if best is None else best[1]

    def validator(self, op: _Operation) -> Validator | None:
        key = (op.method, op.template)
        if key not in self.validators:
            schema = _body_schema(self.schema_root, op.spec)
            self.validators[key] = None if schema is None else validator_for(
                self.schema_root, schema)
        return self.validators[key]


def _fits(template: list[str], path: list[str]) -> bool:
    return len(template) == len(path) and all(
        t == p or (t.startswith("{") and t.endswith("}") and bool(p))
        for t, p in zip(template, path, strict=True))


def _surfaces(servers: Sequence[str]) -> frozenset[Surface]:
    hosts = {urlparse(str(u)).hostname or "" for u in servers}
    found: set[Surface] = set()
    if any(h.endswith(".fly.customer.io") for h in hosts):
        found.add(Surface.JOURNEYS)
    if any(h in ("api.customer.io", "api-eu.customer.io") for h in hosts):
        found.add(Surface.APP)
    return frozenset(found) or frozenset(Surface)


def _resolve(root: dict[str, Any], node: Any) -> Any:
    for _ in range(32):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node = target
    return node


def _body_schema(root: dict[str, Any], operation: dict[str, Any]) -> Any:
    """The JSON request-body schema (unresolved: references stay for the validator)."""
    body = _resolve(root, operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content:
        return None
    media = content.get("application/json") or next(
        (v for k, v in content.items() if "json" in k), None)
    return media.get("schema", {}) if isinstance(media, dict) else None


def _body_required(root: dict[str, Any], operation: dict[str, Any]) -> bool:
    body = _resolve(root, operation.get("requestBody"))
    return isinstance(body, dict) and body.get("required") is True


class Contract:
    """One or more vendor documents, checking planned requests against them."""

    def __init__(self, documents: Iterable[ContractDocument]) -> None:
        self.documents = [_Indexed.of(d) for d in documents]

    def check(self, requests: Iterable[PlannedRequest]) -> list[Finding]:
        """Every finding for ``requests``, in request order."""
        return [finding for request in requests for finding in self.check_one(request)]

    def check_one(self, request: PlannedRequest) -> list[Finding]:
        """The findings for one request (none when it fits)."""
        # A document that names this surface in its servers comes before a catch-all one.
        covering = sorted((d for d in self.documents if request.surface in d.surfaces),
                          key=lambda d: len(d.surfaces))
        if not covering:
            return [_finding(request, Severity.INFO, None, "", "a document covering the "
                             f"{request.surface.value} API (not checked)", "none", "-")]
        for indexed in covering:
            op = indexed.find(request.method, request.path)
            if op is not None:
                return _check_body(request, indexed, op)
        partial = all(d.document.partial for d in covering)
        severity = Severity.WARNING if partial else Severity.ERROR
        sources = ", ".join(d.document.source for d in covering)
        return [_finding(request, severity, None, "", "the route to exist"
                         + (" (the document is partial)" if partial else ""), "absent", sources)]


def _check_body(request: PlannedRequest, indexed: _Indexed, op: _Operation) -> list[Finding]:
    source, route = indexed.document.source, op.template
    validator = indexed.validator(op)
    if request.body is None:
        if _body_required(indexed.schema_root, op.spec):
            return [_finding(request, Severity.ERROR, route, "", "a request body", "none",
                             source)]
        return []
    if validator is None:
        return [_finding(request, Severity.WARNING, route, "", "no request body",
                         json_type(request.body), source)]
    try:
        found = mismatches(validator, request.body)
    except UnusableSchemaError as problem:
        return [_finding(request, Severity.WARNING, route, "", "a request schema cioctl can "
                         f"use (the document's is unusable: {problem})", "not checked", source)]
    return [_finding(request, Severity.ERROR, route, m.pointer, m.expected, m.got, source)
            for m in found]


def _finding(request: PlannedRequest, severity: Severity, route: str | None, pointer: str,
             expected: str, got: str, source: str) -> Finding:
    return Finding(severity, request.method, request.path, route, pointer, expected, got,
                   source, request.address)
