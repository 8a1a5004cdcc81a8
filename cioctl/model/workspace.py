"""The validated workspace: every definition of every kind, for one environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from cioctl.model.base import Spec
from cioctl.model.config import Environment, WorkspaceConfig
from cioctl.model.data import Attribute, Event
from cioctl.model.flows import Flow
from cioctl.model.resources import Collection, ReportingWebhook, Snippet
from cioctl.model.segments import Segment


class DefinitionsFile(Spec):
    """One definitions file: lists of definitions under a top-level key per kind."""

    events: list[Event] = Field(default_factory=list)
    attributes: list[Attribute] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    snippets: list[Snippet] = Field(default_factory=list)
    reporting_webhooks: list[ReportingWebhook] = Field(default_factory=list)
    collections: list[Collection] = Field(default_factory=list)


KIND_MODELS: dict[str, type[Spec]] = {
    "events": Event,
    "attributes": Attribute,
    "segments": Segment,
    "flows": Flow,
    "snippets": Snippet,
    "reporting_webhooks": ReportingWebhook,
    "collections": Collection,
}


@dataclass(frozen=True)
class Workspace:
    """Everything the definitions say, resolved for one environment."""

    root: Path
    config: WorkspaceConfig
    environment_name: str
    environment: Environment
    events: tuple[Event, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    segments: tuple[Segment, ...] = ()
    flows: tuple[Flow, ...] = ()
    snippets: tuple[Snippet, ...] = ()
    reporting_webhooks: tuple[ReportingWebhook, ...] = ()
    collections: tuple[Collection, ...] = ()
    files: tuple[Path, ...] = field(default=())
    invalid_keys: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    """Per kind, the keys of definitions that failed validation (their errors are reported;
    references to them are not reported again as unknown)."""
    env_values: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Values interpolated from ``${env:NAME}`` → NAME: plans show the reference, not these."""

    def counts(self) -> dict[str, int]:
        """How many definitions of each kind."""
        return {kind: len(getattr(self, kind)) for kind in KIND_MODELS}
