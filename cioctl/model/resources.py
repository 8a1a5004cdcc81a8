"""Snippets, reporting webhooks and collections."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cioctl.model.base import Keyed, Lifecycle, Spec, workspace_file
from cioctl.model.types import unsendable_number
from cioctl.model.webhook_events import WebhookEvent

SNIPPET_MAX_CHARS = 16_000


class Snippet(Spec):
    """Reusable content, used in templates as ``{{ snippets.NAME }}``."""

    kind_label = "snippet"
    name: str = Field(pattern=r"^[A-Za-z0-9_]+$", max_length=100)
    value: str = Field(min_length=1, max_length=SNIPPET_MAX_CHARS)
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)

    @property
    def key(self) -> str:
        """Snippets are identified by name."""
        return self.name


class ReportingWebhook(Keyed):
    """Delivery and engagement events posted to an endpoint of yours."""

    kind_label = "reporting webhook"
    unsupported_keys = {
        "description": "Customer.io's reporting webhooks have no description field, so it "
        "could never be applied; use a YAML comment",
    }
    endpoint: str = Field(pattern=r"^https?://")
    events: list[WebhookEvent] = Field(min_length=1)
    disabled: bool = False
    full_resolution: bool = Field(default=False, description="All opens/clicks, not only unique")
    with_content: bool = Field(default=False, description="Include message bodies in *_sent")


class Collection(Spec):
    """Reference data available in Liquid as ``{{ collection_name }}``."""

    kind_label = "collection"
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=100)
    data: list[dict[str, Any]] | None = None
    unsupported_keys = {
        "url": "Customer.io fetches a url's content once, when the collection is written, "
        "and never reports the url back, so cioctl could neither plan nor keep it: download "
        "the data and use data_file (or data)",
    }
    data_file: str | None = Field(
        default=None, description="JSON file (a list of objects), relative to this file"
    )
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)

    @property
    def key(self) -> str:
        """Collections are identified by name."""
        return self.name

    @model_validator(mode="after")
    def _one_source(self, info: ValidationInfo) -> Self:
        given = [n for n in ("data", "data_file") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of data, data_file")
        if self.data_file is not None:
            path = workspace_file(info.context if info else None, self.data_file)
            self.__dict__["data"] = _read_json_rows(path)
        if (problem := unsendable_number(self.data)) is not None:
            raise ValueError(f"data: {problem}")
        return self

    @field_validator("data_file")
    @classmethod
    def _inside_workspace(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:  # checked here so that an error points at the data_file line
            workspace_file(info.context, value)
        return value


def _read_json_rows(path: Path) -> list[dict[str, Any]]:
    import json

    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"data file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read {path} as JSON: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError(f"{path} must hold a JSON list of objects")
    return rows
