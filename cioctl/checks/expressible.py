"""Exact or refused: segment conditions the Journeys segment API cannot hold exactly.

The check runs the codec's own rewrite (:mod:`cioctl.api.journeys.normal_form`), so the check
and the encoder can never disagree about what is writable: whatever passes here encodes, and
decodes back to its canonical form. Undeclared names and operator/type misfits are left to the
reference check, which reports them with its own hints.

Flow conditions (``filter``, branch ``if``, ``wait_until``) travel in a different, flat wire
form (evidence §5) and are checked by the campaign codec's refusals. Registered in ``run_checks``.
"""

from __future__ import annotations

from cioctl.api.journeys.segment_conditions import (
    InexpressibleConditionError,
    ValueTypes,
    refusals,
)
from cioctl.checks.symbols import Symbols
from cioctl.errors import CioctlError
from cioctl.model.workspace import Workspace


def value_types(symbols: Symbols) -> ValueTypes:
    """The declared types the segment codec needs, from a workspace's symbols."""
    return ValueTypes(
        attributes=symbols.attributes,
        properties={name: {prop: spec.type for prop, spec in event.properties.items()}
                    for name, event in symbols.events.items()},
    )


def expressible_problems(
    workspace: Workspace, symbols: Symbols | None = None
) -> list[CioctlError]:
    """One error per condition (or part of one) that no segment wire form says exactly."""
    types = value_types(symbols or Symbols.of(workspace))
    problems: list[CioctlError] = []
    for segment in workspace.segments:
        if segment.conditions is None:
            continue
        fallback = segment.field_source("conditions") or segment.source
        for refusal in refusals(segment.conditions, types):
            if refusal.reported_elsewhere:
                continue
            at = refusal.node.source if refusal.node is not None else None
            problems.append(InexpressibleConditionError(
                f"segment '{segment.name}': {refusal.message}",
                location=at or fallback, hint=refusal.hint,
            ))
    return problems


def campaign_problems(
    workspace: Workspace, symbols: Symbols | None = None
) -> list[CioctlError]:
    """One error per flow part the campaign wire cannot hold exactly (evidence §5, D3: flat
    conjunctions in filters, branches and waits), at the flow's definition."""
    from cioctl.api.journeys.campaign_codec import campaign_refusals
    from cioctl.state.flows import flow_fields

    types = value_types(symbols or Symbols.of(workspace))
    problems: list[CioctlError] = []
    for flow in workspace.flows:
        for refusal in campaign_refusals(flow_fields(flow), types):
            problems.append(InexpressibleConditionError(
                f"flow '{flow.name}': {refusal.path}: {refusal.message}",
                location=flow.source, hint=refusal.hint or None))
    return problems
