"""JSON Schemas of the definitions files, generated from the models (committed in schemas/)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from cioctl.model.config import WorkspaceConfig
from cioctl.model.workspace import DefinitionsFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DRAFT, **schema, "title": title, "description": description}


def generate_schemas() -> dict[str, str]:
    """File name → JSON text, for every schema cioctl publishes."""
    documents = {
        "definitions.schema.json": _schema(
            DefinitionsFile, "cioctl definitions file",
            "Events, attributes, segments, flows, snippets, reporting webhooks and collections.",
        ),
        "workspace.schema.json": _schema(
            WorkspaceConfig, "cioctl workspace.yaml", "A workspace and its environments."
        ),
    }
    from cioctl.plan.value import plan_json_schema
    from cioctl.scenarios.model import Scenario

    documents["scenario.schema.json"] = _schema(
        Scenario, "cioctl scenario file",
        "People, a timeline and expectations for 'cioctl test' (DIR/scenarios/*.yaml).",
    )

    documents["plan.schema.json"] = {
        "$schema": DRAFT, **plan_json_schema(), "title": "cioctl plan",
        "description": "A plan saved with 'cioctl plan --out' (format 1).",
    }
    return {name: json.dumps(doc, indent=2, sort_keys=True) + "\n" for name, doc in
            documents.items()}
