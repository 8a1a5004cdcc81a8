"""Desired state: the validated :class:`Workspace` as canonical resources."""

from __future__ import annotations

from cioctl.checks.liquid import SyntaxProblem, analyze_liquid
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.model.base import Keyed, Spec
from cioctl.model.workspace import Workspace
from cioctl.state.canonical import condition_json, segment_keys, sort_unordered
from cioctl.state.flows import flow_fields
from cioctl.state.resource import JSON, Resource


def snippets_used(texts: list[str]) -> set[str]:
    """Names of the snippets ``{{ snippets.x }}`` in ``texts`` render."""
    return {parts[1] for parts in _variables(texts) if len(parts) > 1 and
            parts[0] == "snippets"}


def globals_used(texts: list[str]) -> set[str]:
    """Top-level Liquid names ``texts`` read (a collection is read by its name)."""
    return {parts[0] for parts in _variables(texts)}


def _variables(texts: list[str]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for text in texts:
        analysis = analyze_liquid(text) if "{" in text else None
        if analysis is not None and not isinstance(analysis, SyntaxProblem):
            found |= {parts for parts, _ in analysis.variables}
    return found


def texts(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def _resource(kind: Kind, spec: Spec, key: str, name: str, fields: JSON,
              depends_on: set[Address] | None = None) -> Resource:
    lifecycle = getattr(spec, "lifecycle", None)
    return Resource(
        kind=kind, key=key, name=name, fields=fields,
        previous_names=tuple(spec.previous_names) if isinstance(spec, Keyed) else (),
        ignore_changes=tuple(lifecycle.ignore_changes) if lifecycle else (),
        prevent_destroy=bool(lifecycle and lifecycle.prevent_destroy),
        depends_on=tuple(sorted(depends_on or set())),
    )


def desired_resources(ws: Workspace) -> dict[Address, Resource]:
    """Every definition as a canonical resource, keyed by (kind, key)."""
    resources: list[Resource] = []
    resources += [_resource(Kind.ATTRIBUTE, a, a.name, a.name, {
        "description": a.description or "", "privacy_level": 1 if a.sensitive else 0})
        for a in ws.attributes]
    resources += [_resource(Kind.EVENT, e, e.name, e.name, {"description": e.description or ""})
                  for e in ws.events]
    collections = {c.name for c in ws.collections}
    resources += [_resource(Kind.SNIPPET, s, s.name, s.name, {"value": s.value.strip()},
                            {Address(Kind.SNIPPET, u) for u in snippets_used([s.value])} |
                            {Address(Kind.COLLECTION, c)
                             for c in globals_used([s.value]) & collections})
                  for s in ws.snippets]
    resources += [_resource(Kind.COLLECTION, c, c.name, c.name, {"data": c.data or []})
                  for c in ws.collections]
    resources += [_resource(Kind.REPORTING_WEBHOOK, w, w.key, w.name, {
        "name": w.name, "endpoint": w.endpoint, "events": sorted(str(e) for e in w.events),
        "disabled": w.disabled, "full_resolution": w.full_resolution,
        "with_content": w.with_content}) for w in ws.reporting_webhooks]
    for segment in ws.segments:
        conditions = sort_unordered(condition_json(segment.conditions)) if \
            segment.conditions else None
        resources.append(_resource(Kind.SEGMENT, segment, segment.key, segment.name, {
            "name": segment.name, "description": segment.description or "",
            "type": "manual" if segment.manual else "dynamic", "conditions": conditions,
            "tags": sorted(set(segment.tags))},
            {Address(Kind.SEGMENT, k) for k in segment_keys(conditions)}))
    for flow in ws.flows:
        fields = flow_fields(flow)
        needs = {Address(Kind.SEGMENT, k) for k in segment_keys(fields)}
        needs |= {Address(Kind.SEGMENT, k) for k in fields["trigger"].get("segment_keys", [])}
        needs |= {Address(Kind.SNIPPET, s) for s in snippets_used(texts(fields["steps"]))}
        needs |= {Address(Kind.COLLECTION, c)
                  for c in globals_used(texts(fields["steps"])) & collections}
        resources.append(_resource(Kind.FLOW, flow, flow.key, flow.name, fields, needs))
    return {r.ref: r for r in resources}
