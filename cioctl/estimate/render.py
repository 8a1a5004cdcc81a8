"""An estimate as text (terminal), Markdown (PR comments) or JSON (tools)."""

from __future__ import annotations

import json

from cioctl.estimate.run import Estimate, SegmentEstimate


def _share(segment: SegmentEstimate) -> str:
    return "manual" if segment.share is None else f"{segment.share * 100:.1f} %"


def _count(segment: SegmentEstimate) -> str:
    return "—" if segment.count is None else f"{segment.count:,}"


def render_json(estimate: Estimate) -> str:
    return json.dumps(estimate.as_json(), indent=2) + "\n"


def render_text(estimate: Estimate) -> str:
    lines = [f"Estimate at {estimate.as_json()['as_of']} on {estimate.engine}: "
             f"{estimate.people:,} people", ""]
    for segment in estimate.segments:
        lines.append(f"segment {segment.key}: {_count(segment)} ({_share(segment)})")
        if segment.count is None:
            lines.append("  membership is managed in Customer.io; not in the data")
        for sample in segment.sample:
            lines.append(f"  · {sample.id}")
            lines += [f"      {reason}" for reason in sample.reasons]
    return "\n".join(lines) + "\n"


def render_markdown(estimate: Estimate) -> str:
    lines = [f"### Audience estimate ({estimate.people:,} people, as of "
             f"{estimate.as_json()['as_of']})", "", "| segment | people | share | sample |",
             "|---|---:|---:|---|"]
    for segment in estimate.segments:
        sample = ", ".join(f"`{s.id}`" for s in segment.sample)
        lines.append(f"| `{segment.key}` | {_count(segment)} | {_share(segment)} | {sample} |")
    return "\n".join(lines) + "\n"
