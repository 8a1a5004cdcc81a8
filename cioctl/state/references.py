"""What a definition refers to (snippets and collections its Liquid reads) and the resource it
becomes: helpers the kind modules share when they turn definitions into canonical resources."""

from __future__ import annotations

from cioctl.checks.liquid import SyntaxProblem, analyze_liquid
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.model.base import Keyed, Spec
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


def definition_resource(kind: Kind, spec: Spec, key: str, name: str, fields: JSON,
                        depends_on: set[Address] | None = None) -> Resource:
    """A definition's canonical resource, with its lifecycle and previous names."""
    lifecycle = getattr(spec, "lifecycle", None)
    return Resource(
        kind=kind, key=key, name=name, fields=fields,
        previous_names=tuple(spec.previous_names) if isinstance(spec, Keyed) else (),
        ignore_changes=tuple(lifecycle.ignore_changes) if lifecycle else (),
        prevent_destroy=bool(lifecycle and lifecycle.prevent_destroy),
        depends_on=tuple(sorted(depends_on or set())),
    )


def liquid_needs(values: list[str], collections: set[str]) -> set[Address]:
    """The snippets and (known) collections that Liquid ``values`` read."""
    return {Address(Kind.SNIPPET, u) for u in snippets_used(values)} | \
        {Address(Kind.COLLECTION, c) for c in globals_used(values) & collections}
