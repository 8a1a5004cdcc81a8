"""What happened in a simulation, one entry per fact, in the order it happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def iso(instant: datetime) -> str:
    """``2026-01-05T09:05:00Z``: the one spelling of an instant in traces and reports."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TraceEntry:
    """One fact: ``kind`` is event, identify, segment_entered, segment_left, entered,
    not_entered, branch, wait, wait_until, sent, failed, held, attribute_updated or exited."""

    at: datetime
    person: str
    kind: str
    flow: str | None = None
    step: str | None = None
    journey: int | None = None
    detail: tuple[tuple[str, str], ...] = ()
    explain: tuple[str, ...] = ()
    rendered: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def get(self, key: str) -> str | None:
        """One detail value."""
        return next((v for k, v in self.detail if k == key), None)

    def describe(self) -> str:
        """A one-line account: ``2026-01-05T09:05:00Z ada sent onboarding/welcome``."""
        where = "/".join(p for p in (self.flow, self.step) if p)
        journey = f" #{self.journey}" if self.journey is not None else ""
        details = ", ".join(f"{k}: {v}" for k, v in self.detail)
        text = f"{iso(self.at)} {self.person} {self.kind}"
        text += f" {where}{journey}" if where else ""
        return text + (f" ({details})" if details else "")

    def to_json(self) -> dict[str, object]:
        """A JSON object with stable keys (sorted when dumped)."""
        data: dict[str, object] = {"at": iso(self.at), "person": self.person, "kind": self.kind}
        if self.flow is not None:
            data["flow"] = self.flow
        if self.step is not None:
            data["step"] = self.step
        if self.journey is not None:
            data["journey"] = self.journey
        if self.detail:
            data["detail"] = dict(self.detail)
        if self.explain:
            data["explain"] = list(self.explain)
        if self.rendered:
            data["rendered"] = dict(self.rendered)
        return data
