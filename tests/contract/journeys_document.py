"""A small Journeys OpenAPI document written from the evidence page, for the contract tests.

Source: the Customer.io Journeys evidence page, the collected public accounts of the live
Journeys routes (its section numbers below). It is
OpenAPI **3.0** on purpose (``nullable``), with the server URL carrying the ``/v1`` prefix the
path templates omit, as a published document may. Only what the page shows is constrained.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

REF = "#/components/schemas/"
SEGMENTS = "/environments/{environment_id}/segments"
SEGMENT = SEGMENTS + "/{segment_id}"
CAMPAIGNS = "/environments/{environment_id}/campaigns"
CAMPAIGN = CAMPAIGNS + "/{campaign_id}"
TEMPLATE = "/environments/{environment_id}/templates/{template_id}"
# §5: the fields the page names for a template write (what a stricter document might allow).
TEMPLATE_FIELDS = ("subject", "body", "from_identity_id", "preheader_text", "body_json")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _op(body: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if body:
        op["requestBody"] = _body(body)
    return op


SCHEMAS: dict[str, Any] = {
    # §4 "Filter {field, operator, value, inverse}; values are strings" (+ value2 for bw).
    "Filter": {"type": "object", "required": ["field", "operator", "value"], "properties": {
        "field": {"type": "string"}, "operator": {"type": "string"},
        "value": {"type": "string"}, "value2": {"type": "string"},
        "inverse": {"type": "boolean"}}},
    "Filters": {"type": "object", "maxProperties": 1, "properties": {
        "and": {"type": "array", "items": _ref("Filter")},
        "or": {"type": "array", "items": _ref("Filter")}}},
    # §4 leaves: event-like activities (custom events, attribute_change, ...), and segments.
    "EventLeaf": {"type": "object", "required": ["event"], "additionalProperties": False,
                  "properties": {
                      "event": {"type": "object", "required": ["type", "name"], "properties": {
                          "type": {"type": "string", "enum": [
                              "event", "attribute_change", "sent_email", "opened_email",
                              "delivered_action", "clicked_action", "device_change",
                              "relationship", "related_object_attribute",
                              "relationship_attribute", "optout"]},
                          "name": {"type": "string"}, "filters": _ref("Filters")}},
                      "times": {"type": "integer", "minimum": 1},
                      "within": {"type": "integer", "minimum": 0},
                      "inverse": {"type": "boolean"}}},
    "SegmentLeaf": {"type": "object", "required": ["segment"], "additionalProperties": False,
                    "properties": {
                        "segment": {"type": "object", "required": ["id"],
                                    "properties": {"id": {"type": "integer"}}},
                        "inverse": {"type": "boolean"}}},
    "Leaf": {"oneOf": [_ref("EventLeaf"), _ref("SegmentLeaf")]},
    "OrGroup": {"type": "object", "required": ["or"], "additionalProperties": False,
                "properties": {"or": {"type": "array", "minItems": 1, "items": _ref("Leaf")}}},
    # §4 "an outer and of or groups of leaves; a group of one leaf may be written without its or".
    "Conditions": {"type": "object", "required": ["and"], "additionalProperties": False,
                   "properties": {"and": {"type": "array", "items": {
                       "anyOf": [_ref("OrGroup"), _ref("Leaf")]}}}},
    # §4 create body; manual segments are "static" here; read-back ids are the server's.
    "SegmentFields": {"type": "object", "required": ["name", "type"], "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string"}, "type": {"type": "string", "enum": ["dynamic", "static"]},
        "description": {"type": "string", "nullable": True},
        "tag_ids": {"type": "array", "items": {"type": "string"}},
        "conditions": {"allOf": [_ref("Conditions")], "nullable": True}}},
    "SegmentWrite": {"type": "object", "required": ["segment"],
                     "properties": {"segment": _ref("SegmentFields")}},
    # §5 create: {"campaign": {"name", "type": "none"}}; trigger kinds are set by updates.
    "CampaignCreate": {"type": "object", "required": ["campaign"], "properties": {
        "campaign": {"type": "object", "required": ["name", "type"], "properties": {
            "name": {"type": "string"},
            "type": {"type": "string", "enum": [
                "none", "transactional", "seg_attr", "behavioral", "date", "form", "object",
                "relationship", "webhook", "api_triggered"]}}}}},
    # §5 update: one concern per call, named by update_type.
    "CampaignUpdate": {"type": "object", "required": ["campaign"], "properties": {
        "campaign": {"type": "object", "required": ["update_type"], "properties": {
            "update_type": {"type": "string", "enum": [
                "recipients", "add_actions", "delete_actions", "edges", "exit_conditions",
                "exit_and_conversion", "global_settings"]}}}}},
    # §5 message content: PUT /templates/{template_id} {"template": {subject, body,
    # from_identity_id, preheader_text, body_json (a JSON *string*, for push)}}; the page does
    # not say the list is closed, so other fields are not refused here.
    "TemplateFields": {"type": "object", "properties": {
        "subject": {"type": "string"}, "body": {"type": "string"},
        "from_identity_id": {"type": "integer", "nullable": True},
        "preheader_text": {"type": "string"}, "body_json": {"type": "string"}}},
    "TemplateWrite": {"type": "object", "required": ["template"],
                      "properties": {"template": _ref("TemplateFields")}},
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Journeys (test excerpt from the evidence page)", "version": "test"},
    "servers": [{"url": "https://us.fly.customer.io/v1"}],
    "paths": {
        SEGMENTS: {"get": _op(), "post": _op("SegmentWrite")},
        SEGMENT: {"get": _op(), "put": _op("SegmentWrite"), "delete": _op()},
        CAMPAIGNS: {"get": _op(), "post": _op("CampaignCreate")},
        CAMPAIGN: {"get": _op(), "put": _op("CampaignUpdate"), "delete": _op()},
        CAMPAIGN + "/tags": {"post": _op()},  # D12, like /tags below
        TEMPLATE: {"get": _op(), "put": _op("TemplateWrite")},
        # D12 (route names from the App API reference §10): tags by id, created by name
        "/environments/{environment_id}/tags": {"get": _op(), "post": _op()},
        SEGMENT + "/status": {"get": _op()},
    },
    "components": {"schemas": SCHEMAS},
}

# §4, the live create example (S5, S6), verbatim.
SEGMENT_CREATE_EXAMPLE: dict[str, Any] = {"segment": {
    "type": "dynamic", "name": "Engaged", "description": "…", "tag_ids": ["3"],
    "conditions": {"and": [{"or": [
        {"event": {"type": "event", "name": "feature_used",
                   "filters": {"and": [{"field": "feature", "operator": "eq",
                                        "value": "export", "inverse": False}]}},
         "times": 3, "within": 2592000, "inverse": False}]}]}}}

# §5, the official create example (S1).
CAMPAIGN_CREATE_EXAMPLE: dict[str, Any] = {"campaign": {"name": "Onboarding", "type": "none"}}


def closed_templates() -> dict[str, Any]:
    """A stricter variant: a template write may carry only the fields the page names (§5).
    The codec also sends an email's ``reply_to``, ``recipient`` and ``headers``, an SMS's
    ``image_url``, a webhook's ``method`` and ``url`` (D11, decided) — a document like this one
    must refuse them, field by field."""
    document = copy.deepcopy(DOCUMENT)
    document["components"]["schemas"]["TemplateFields"]["additionalProperties"] = False
    return document


def sender_required() -> dict[str, Any]:
    """A variant requiring ``from_identity_id`` in every template write, which the codec
    sends only for an email's (D11): the other channels' writes lack it."""
    document = copy.deepcopy(DOCUMENT)
    document["components"]["schemas"]["TemplateFields"]["required"] = ["from_identity_id"]
    return document


def write_document(folder: Path, document: dict[str, Any] | None = None) -> Path:
    """Write the document (or a variant) as JSON under ``folder``; returns its path."""
    path = folder / "journeys.openapi.json"
    path.write_text(json.dumps(document or DOCUMENT), encoding="utf-8")
    return path
