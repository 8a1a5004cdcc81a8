"""Every key the definitions schema accepts is either applied or explicitly local.

The keys are enumerated from the pydantic models themselves (everything reachable from
``DefinitionsFile``), so a new field without an entry here fails ``test_every_field_is_mapped``.
An *applied* field must round-trip on the embedded workspace through the real client: changing
it shows a change at its canonical path in the plan, apply writes it, and the next plan is
empty (so the workspace stored it). A *local* field is one cioctl itself uses (identity,
validation, plan behaviour) and never sends; each says why. Keys no API can store are rejected
at their line (``unsupported_keys``), and ``test_unsupported_keys_are_rejected`` holds that.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from cioctl.model.workspace import DefinitionsFile
from cioctl.pipeline import validate_workspace
from cioctl.plan.value import Plan
from tests.conftest import WriteWorkspace
from tests.plan.engine_helpers import apply, plan

Field = tuple[str, str]  # (model class, YAML key)

IDENTITY = "identity: the key of the resource (a new value is a new resource)"
CHECKS = "used by validation and `events check` / `events schema` only"
BEHAVIOUR = "how cioctl plans (lifecycle), not a property of the live resource"

LOCAL: dict[Field, str] = {
    ("Event", "name"): IDENTITY, ("Event", "properties"): CHECKS,
    **{("PropertySpec", k): CHECKS for k in ("type", "description", "required", "enum",
                                               "format")},
    ("Attribute", "name"): IDENTITY, ("Attribute", "type"): CHECKS,
    ("Attribute", "format"): CHECKS, ("Attribute", "enum"): CHECKS,
    ("Snippet", "name"): IDENTITY, ("Collection", "name"): IDENTITY,
    **{(kind, "key"): IDENTITY for kind in ("Segment", "Flow", "ReportingWebhook")},
    **{(kind, "previous_names"): IDENTITY for kind in ("Segment", "Flow", "ReportingWebhook")},
    **{(kind, "lifecycle"): BEHAVIOUR for kind in ("Segment", "Flow", "ReportingWebhook",
                                                   "Snippet", "Collection")},
    ("Lifecycle", "ignore_changes"): BEHAVIOUR, ("Lifecycle", "prevent_destroy"): BEHAVIOUR,
}

# (model class, key) → (address, regex a changed canonical path must match)
APPLIED: dict[Field, tuple[str, str]] = {
    ("DefinitionsFile", "events"): ("event:signed_up", "description"),
    ("DefinitionsFile", "attributes"): ("attribute:plan", "description"),
    ("DefinitionsFile", "segments"): ("segment:seg_meta", "name"),
    ("DefinitionsFile", "flows"): ("flow:flow_event", "name"),
    ("DefinitionsFile", "snippets"): ("snippet:footer", "value"),
    ("DefinitionsFile", "reporting_webhooks"): ("reporting_webhook:hook", "endpoint"),
    ("DefinitionsFile", "collections"): ("collection:plans", "data"),
    ("Event", "description"): ("event:signed_up", "description"),
    ("Attribute", "description"): ("attribute:plan", "description"),
    ("Attribute", "sensitive"): ("attribute:tier", "privacy_level"),
    ("Snippet", "value"): ("snippet:footer", "value"),
    ("Collection", "data"): ("collection:plans", r"data\["),
    ("Collection", "data_file"): ("collection:prices", r"data\["),
    ("ReportingWebhook", "name"): ("reporting_webhook:hook", "name"),
    ("ReportingWebhook", "endpoint"): ("reporting_webhook:hook", "endpoint"),
    ("ReportingWebhook", "events"): ("reporting_webhook:hook", r"events\["),
    ("ReportingWebhook", "disabled"): ("reporting_webhook:hook", "disabled"),
    ("ReportingWebhook", "full_resolution"): ("reporting_webhook:hook", "full_resolution"),
    ("ReportingWebhook", "with_content"): ("reporting_webhook:hook", "with_content"),
    ("Segment", "name"): ("segment:seg_meta", "name"),
    ("Segment", "description"): ("segment:seg_meta", "description"),
    ("Segment", "tags"): ("segment:seg_meta", r"tags\["),
    ("Segment", "manual"): ("segment:seg_manual", "manual"),
    ("Segment", "conditions"): ("segment:seg_manual", "conditions"),
    # conditions are planned in the definitions' words of the codec's CNF (one-literal groups
    # unwrapped): a second item turns a lone literal into an all/any
    ("AllOf", "all"): ("segment:seg_all", r"conditions\.all"),
    ("AnyOf", "any"): ("segment:seg_any", r"conditions\.any"),
    ("Not", "not"): ("segment:seg_not", r"conditions\.not\."),
    ("SegmentCondition", "segment"): ("segment:seg_ref", r"conditions\.segment$"),
    ("AttributeCondition", "attribute"): ("segment:seg_attr", r"conditions\.attribute$"),
    ("AttributeCondition", "operator"): ("segment:seg_attr",
                                         r"conditions\.operator"),
    ("AttributeCondition", "value"): ("segment:seg_attr", r"conditions\.value"),
    ("EventCondition", "event"): ("segment:seg_event", r"conditions\.event$"),
    ("EventCondition", "at_least"): ("segment:seg_event", r"conditions\.at_least$"),
    ("EventCondition", "at_most"): ("segment:seg_at_most", r"conditions\.at_most$"),
    # exactly n = at least n and not at least n+1 (two groups on the wire, evidence §4),
    # gathered back into exactly in the definitions' words
    ("EventCondition", "exactly"): ("segment:seg_exactly", r"conditions\.exactly$"),
    ("EventCondition", "within"): ("segment:seg_event", r"conditions\.within"),
    ("EventCondition", "where"): ("segment:seg_event", r"conditions\.where\[0\]"),
    ("PropertyFilter", "property"): ("segment:seg_event", r"where\[0\]\.property"),
    ("PropertyFilter", "operator"): ("segment:seg_event", r"where\[0\]\.operator"),
    ("PropertyFilter", "value"): ("segment:seg_event", r"where\[0\]\.value"),
    ("Flow", "name"): ("flow:flow_event", "name"),
    ("Flow", "description"): ("flow:flow_event", "description"),
    ("Flow", "state"): ("flow:flow_event", "state"),
    ("Flow", "trigger"): ("flow:flow_event", r"trigger\."),
    ("Flow", "filter"): ("flow:flow_event", r"filter\."),
    ("Flow", "frequency"): ("flow:flow_event", "frequency"),
    ("Flow", "goal"): ("flow:flow_event", r"goal\."),
    ("Flow", "tags"): ("flow:flow_event", r"tags\["),
    ("Flow", "steps"): ("flow:flow_event", r"steps\["),
    ("EventTrigger", "event"): ("flow:flow_event", r"trigger\.event$"),
    ("EventTrigger", "where"): ("flow:flow_event", r"trigger\.where\[0\]"),
    ("SegmentTrigger", "segment"): ("flow:flow_seg", r"trigger\.segment$"),
    ("DateTrigger", "date_attribute"): ("flow:flow_date", r"trigger\.date_attribute"),
    ("DateTrigger", "repeat"): ("flow:flow_date", r"trigger\.repeat"),
    ("DateTrigger", "at"): ("flow:flow_date", r"trigger\.at"),
    ("DateTrigger", "timezone"): ("flow:flow_date", r"trigger\.timezone"),
    ("Goal", "event"): ("flow:flow_event", r"goal\.event"),
    ("Goal", "within"): ("flow:flow_event", r"goal\.within"),
    ("WaitStep", "wait"): ("flow:flow_event", r"steps\[0\]\.wait"),
    ("WaitUntilStep", "wait_until"): ("flow:flow_event", r"steps\[1\]\."),
    ("WaitUntil", "condition"): ("flow:flow_event", r"steps\[1\]\.wait_until\.condition\."),
    ("WaitUntil", "max"): ("flow:flow_event", r"steps\[1\]\.wait_until\.max"),
    ("EmailStep", "email"): ("flow:flow_event", r"steps\[2\]\.email\."),
    ("SmsStep", "sms"): ("flow:flow_event", r"steps\[3\]\.sms\."),
    ("PushStep", "push"): ("flow:flow_event", r"steps\[4\]\.push\."),
    ("InAppStep", "in_app"): ("flow:flow_event", r"steps\[5\]\.in_app\."),
    ("WebhookStep", "webhook"): ("flow:flow_event", r"steps\[6\]\.webhook\."),
    ("BranchStep", "branch"): ("flow:flow_event", r"steps\[7\]\."),
    ("Branch", "if"): ("flow:flow_event", r"steps\[7\]\.branch\.if\."),
    ("Branch", "then"): ("flow:flow_event", r"steps\[7\]\.branch\.then\[0\]"),
    ("Branch", "else"): ("flow:flow_event", r"steps\[7\]\.branch\.else\[0\]"),
    ("UpdateAttributeStep", "update_attribute"): ("flow:flow_event", r"steps\[8\]\."),
    ("AttributeUpdate", "name"): ("flow:flow_event", r"steps\[8\]\.update_attribute\.name"),
    ("AttributeUpdate", "value"): ("flow:flow_event", r"steps\[8\]\.update_attribute\.value"),
    # a trailing exit says nothing the wire does not (the path ends at an exit_action):
    # an exit inside a branch is what changes the graph
    ("ExitStep", "exit"): ("flow:flow_date", r"steps\[0\]"),
    ("Email", "id"): ("flow:flow_event", r"steps\[2\]\.email\.id"),
    ("Email", "sending"): ("flow:flow_event", r"steps\[2\]\.email\.sending"),
    ("Email", "subject"): ("flow:flow_event", r"steps\[2\]\.email\.subject"),
    ("Email", "body"): ("flow:flow_event", r"steps\[2\]\.email\.body"),
    ("Email", "body_file"): ("flow:flow_seg", r"steps\[0\]\.email\.body"),
    ("Email", "from"): ("flow:flow_event", r"steps\[2\]\.email\.from"),
    ("Email", "reply_to"): ("flow:flow_event", r"steps\[2\]\.email\.reply_to"),
    ("Email", "to"): ("flow:flow_event", r"steps\[2\]\.email\.to"),
    ("Email", "preheader"): ("flow:flow_event", r"steps\[2\]\.email\.preheader"),
    ("Email", "headers"): ("flow:flow_event", r"steps\[2\]\.email\.headers\."),
    ("Sms", "id"): ("flow:flow_event", r"steps\[3\]\.sms\.id"),
    ("Sms", "sending"): ("flow:flow_event", r"steps\[3\]\.sms\.sending"),
    ("Sms", "body"): ("flow:flow_event", r"steps\[3\]\.sms\.body"),
    ("Sms", "body_file"): ("flow:flow_seg", r"steps\[1\]\.sms\.body"),
    ("Sms", "image_url"): ("flow:flow_event", r"steps\[3\]\.sms\.image_url"),
    ("Push", "id"): ("flow:flow_event", r"steps\[4\]\.push\.id"),
    ("Push", "sending"): ("flow:flow_event", r"steps\[4\]\.push\.sending"),
    ("Push", "body"): ("flow:flow_event", r"steps\[4\]\.push\.body"),
    ("Push", "body_file"): ("flow:flow_seg", r"steps\[2\]\.push\.body"),
    ("Push", "title"): ("flow:flow_event", r"steps\[4\]\.push\.title"),
    ("Push", "link"): ("flow:flow_event", r"steps\[4\]\.push\.link"),
    ("InApp", "id"): ("flow:flow_event", r"steps\[5\]\.in_app\.id"),
    ("InApp", "sending"): ("flow:flow_event", r"steps\[5\]\.in_app\.sending"),
    ("InApp", "body"): ("flow:flow_seg", r"steps\[3\]\.in_app\.body"),
    ("InApp", "body_file"): ("flow:flow_event", r"steps\[5\]\.in_app\.body"),
    ("Webhook", "id"): ("flow:flow_event", r"steps\[6\]\.webhook\.id"),
    ("Webhook", "sending"): ("flow:flow_event", r"steps\[6\]\.webhook\.sending"),
    ("Webhook", "body"): ("flow:flow_event", r"steps\[6\]\.webhook\.body"),
    ("Webhook", "body_file"): ("flow:flow_seg", r"steps\[4\]\.webhook\.body"),
    ("Webhook", "method"): ("flow:flow_event", r"steps\[6\]\.webhook\.method"),
    ("Webhook", "url"): ("flow:flow_event", r"steps\[6\]\.webhook\.url"),
    ("Webhook", "headers"): ("flow:flow_event", r"steps\[6\]\.webhook\.headers\."),
}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold (through lists, dicts, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, dict, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def schema_fields() -> set[Field]:
    """Every (model, YAML key) reachable from a definitions file."""
    found: set[Field] = set()
    pending: list[type[BaseModel]] = [DefinitionsFile]
    seen: set[type[BaseModel]] = set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            found.add((model.__name__, info.alias or name))
            pending.extend(_models_in(info.annotation))
    return found


def test_every_field_is_mapped() -> None:
    fields = schema_fields()
    assert not APPLIED.keys() & LOCAL.keys()
    assert sorted(fields - APPLIED.keys() - LOCAL.keys()) == [], \
        "new definitions fields must be applied (and added to APPLIED) or rejected"
    assert sorted((APPLIED.keys() | LOCAL.keys()) - fields) == [], "stale entries"


def test_unsupported_keys_are_rejected(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({
        "a.yaml": """\
            events: [{name: go}]
            flows:
              - name: F
                trigger: {event: go}
                steps:
                  - sms: {id: s, name: Label, body: hi}
            reporting_webhooks:
              - {name: H, description: d, endpoint: "https://x.test", events: [email_sent]}
            collections:
              - {name: c, url: "https://x.test/c.json"}
            """,
    })
    found = {(p.location.line if p.location else 0, p.message.split(": ", 1)[-1])
             for p in validate_workspace(root, "local", {}).problems}
    assert {line for line, _ in found} == {6, 8, 10}, found
    assert all("is not supported" in message for _, message in found), found


V1 = {
    "data.yaml": """\
        events:
          - {name: signed_up, description: one, properties: {method: {type: string}}}
          - {name: cancelled, properties: {reason: {type: string}}}
        attributes:
          - {name: plan, description: one}
          - {name: tier}
          - {name: renews_at, type: timestamp}
          - {name: trial_ends_at, type: timestamp}
        snippets:
          - {name: footer, value: one}
        collections:
          - {name: plans, data: [{name: a}]}
          - {name: prices, data_file: prices1.json}
        reporting_webhooks:
          - {name: Hook, key: hook, endpoint: "https://one.test", events: [email_sent]}
        """,
    "prices1.json": '[{"p": 1}]',
    "prices2.json": '[{"p": 2}]',
    "t1.html": "one", "t2.html": "two",
    "segments.yaml": """\
        segments:
          - {name: Meta, key: seg_meta, description: one, tags: [a], manual: true}
          - {name: Manual, key: seg_manual, manual: true}
          - {name: All, key: seg_all, conditions: {all: [{attribute: plan, operator: exists}]}}
          - {name: Any, key: seg_any, conditions: {any: [{attribute: plan, operator: exists}]}}
          - {name: Not, key: seg_not, conditions: {not: {segment: seg_all}}}
          - {name: Ref, key: seg_ref, conditions: {segment: seg_all}}
          - {name: Attr, key: seg_attr, conditions: {attribute: plan, operator: eq, value: a}}
          - name: Event
            key: seg_event
            conditions: {event: signed_up, at_least: 2, within: 1d,
                         where: [{property: method, operator: eq, value: x}]}
          - {name: AtMost, key: seg_at_most, conditions: {event: signed_up, at_most: 1}}
          - {name: Exactly, key: seg_exactly, conditions: {event: signed_up, exactly: 1}}
        """,
    "flows.yaml": """\
        flows:
          - name: Flow E
            key: flow_event
            description: one
            state: draft
            trigger: {event: signed_up, where: [{property: method, operator: eq, value: x}]}
            filter: {attribute: plan, operator: exists}
            frequency: once
            goal: {event: cancelled, within: 1d}
            tags: [a]
            steps:
              - wait: 5m
              - wait_until: {condition: {attribute: plan, operator: exists}, max: 1d}
              - email: {id: e1, subject: one, body: one,
                        from: "Embedded Workspace <hello@embedded.cioctl.test>",
                        reply_to: "a@x.test",
                        to: "a@x.test", preheader: one, headers: {X-A: one}, sending: draft}
              - sms: {id: s1, body: one, image_url: "https://x.test/1.png", sending: draft}
              - push: {id: p1, body: one, title: one, link: "https://x.test/1", sending: draft}
              - in_app: {id: i1, body_file: t1.html, sending: draft}
              - webhook: {id: w1, url: "https://x.test/1", method: post, headers: {X-A: one},
                          body: one, sending: draft}
              - branch:
                  if: {attribute: plan, operator: exists}
                  then: [{wait: 1h}]
                  else: [{wait: 2h}]
              - update_attribute: {name: plan, value: one}
          - name: Flow S
            key: flow_seg
            trigger: {segment: seg_all}
            steps:
              - email: {id: e, subject: s, body_file: t1.html}
              - sms: {id: s, body_file: t1.html}
              - push: {id: p, body_file: t1.html}
              - in_app: {id: i, body: one}
              - webhook: {id: w, url: "https://x.test", body_file: t1.html}
          - name: Flow D
            key: flow_date
            trigger: {date_attribute: renews_at, repeat: once, at: "09:00", timezone: UTC}
            steps: [{wait: 1d}]
        """,
}

EDITS = [
    ("data.yaml", "description: one, properties", "description: two, properties"),
    ("data.yaml", "{name: plan, description: one}", "{name: plan, description: two}"),
    ("data.yaml", "{name: tier}", "{name: tier, sensitive: true}"),
    ("data.yaml", "value: one}", "value: two}"),
    ("data.yaml", "[{name: a}]", "[{name: b}]"),
    ("data.yaml", "prices1.json", "prices2.json"),
    ("data.yaml", "{name: Hook, key: hook, endpoint: \"https://one.test\", events: [email_sent]}",
     "{name: Hook Two, key: hook, endpoint: \"https://two.test\", events: [email_opened], "
     "disabled: true, full_resolution: true, with_content: true}"),
    ("segments.yaml", "{name: Meta, key: seg_meta, description: one, tags: [a]",
     "{name: Meta Two, key: seg_meta, description: two, tags: [b]"),
    ("segments.yaml", "{name: Manual, key: seg_manual, manual: true}",
     "{name: Manual, key: seg_manual, conditions: {attribute: tier, operator: exists}}"),
    ("segments.yaml", "{all: [{attribute: plan, operator: exists}]}",
     "{all: [{attribute: plan, operator: exists}, {attribute: tier, operator: exists}]}"),
    ("segments.yaml", "{any: [{attribute: plan, operator: exists}]}",
     "{any: [{attribute: plan, operator: exists}, {attribute: tier, operator: exists}]}"),
    ("segments.yaml", "{not: {segment: seg_all}}", "{not: {segment: seg_any}}"),
    ("segments.yaml", "{segment: seg_all}", "{segment: seg_any}"),
    ("segments.yaml", "{attribute: plan, operator: eq, value: a}",
     "{attribute: tier, operator: neq, value: b}"),
    ("segments.yaml", "{event: signed_up, at_least: 2, within: 1d,",
     "{event: cancelled, at_least: 3, within: 2d,"),
    ("segments.yaml", "[{property: method, operator: eq, value: x}]",
     "[{property: reason, operator: neq, value: y}]"),
    ("segments.yaml", "at_most: 1", "at_most: 2"),
    ("segments.yaml", "exactly: 1", "exactly: 2"),
    ("flows.yaml", "name: Flow E\n", "name: Flow E2\n"),
    ("flows.yaml", "description: one", "description: two"),
    ("flows.yaml", "state: draft", "state: running"),
    ("flows.yaml", "{event: signed_up, where: [{property: method, operator: eq, value: x}]}",
     "{event: cancelled, where: [{property: reason, operator: eq, value: x}]}"),
    ("flows.yaml", "filter: {attribute: plan, operator: exists}",
     "filter: {attribute: tier, operator: exists}"),
    ("flows.yaml", "frequency: once", "frequency: multiple"),
    ("flows.yaml", "{event: cancelled, within: 1d}", "{event: signed_up, within: 2d}"),
    ("flows.yaml", "tags: [a]", "tags: [b]"),
    ("flows.yaml", "- wait: 5m", "- wait: 10m"),
    ("flows.yaml", "{condition: {attribute: plan, operator: exists}, max: 1d}",
     "{condition: {attribute: tier, operator: exists}, max: 2d}"),
    # `from` names a sender identity (D11); the embedded workspace has one
    ("flows.yaml", "{id: e1, subject: one, body: one,\n", "{id: e2, subject: two, body: two,\n"),
    ("flows.yaml", "from: \"Embedded Workspace <hello@embedded.cioctl.test>\",\n",
     "from: \"\",\n"),
    ("flows.yaml", "reply_to: \"a@x.test\",\n", "reply_to: \"b@x.test\",\n"),
    ("flows.yaml", "to: \"a@x.test\", preheader: one, headers: {X-A: one}, sending: draft}",
     "to: \"b@x.test\", preheader: two, headers: {X-A: two}, sending: \"off\"}"),
    ("flows.yaml", "{id: s1, body: one, image_url: \"https://x.test/1.png\", sending: draft}",
     "{id: s2, body: two, image_url: \"https://x.test/2.png\", sending: \"off\"}"),
    ("flows.yaml", "{id: p1, body: one, title: one, link: \"https://x.test/1\", sending: draft}",
     "{id: p2, body: two, title: two, link: \"https://x.test/2\", sending: \"off\"}"),
    ("flows.yaml", "{id: i1, body_file: t1.html, sending: draft}",
     "{id: i2, body_file: t2.html, sending: \"off\"}"),
    ("flows.yaml", "{id: w1, url: \"https://x.test/1\", method: post, headers: {X-A: one},",
     "{id: w2, url: \"https://x.test/2\", method: put, headers: {X-A: two},"),
    ("flows.yaml", "body: one, sending: draft}", "body: two, sending: \"off\"}"),
    ("flows.yaml", "if: {attribute: plan, operator: exists}",
     "if: {attribute: tier, operator: exists}"),
    ("flows.yaml", "then: [{wait: 1h}]", "then: [{wait: 3h}]"),
    ("flows.yaml", "else: [{wait: 2h}]", "else: [{wait: 4h}]"),
    ("flows.yaml", "{name: plan, value: one}", "{name: tier, value: two}"),
    ("flows.yaml", "trigger: {segment: seg_all}", "trigger: {segment: seg_any}"),
    ("flows.yaml", "{id: e, subject: s, body_file: t1.html}",
     "{id: e, subject: s, body_file: t2.html}"),
    ("flows.yaml", "{id: s, body_file: t1.html}", "{id: s, body_file: t2.html}"),
    ("flows.yaml", "{id: p, body_file: t1.html}", "{id: p, body_file: t2.html}"),
    ("flows.yaml", "{id: i, body: one}", "{id: i, body: two}"),
    ("flows.yaml", "url: \"https://x.test\", body_file: t1.html}",
     "url: \"https://x.test\", body_file: t2.html}"),
    ("flows.yaml", "{date_attribute: renews_at, repeat: once, at: \"09:00\", timezone: UTC}",
     "{date_attribute: trial_ends_at, repeat: monthly, at: \"10:30\", timezone: customer}"),
    ("flows.yaml", "steps: [{wait: 1d}]",
     "steps: [{branch: {if: {attribute: plan, operator: exists}, then: [{exit: true}]}}, "
     "{wait: 1d}]"),
]


def _changed_paths(the_plan: Plan) -> dict[str, list[str]]:
    paths: dict[str, list[str]] = {}
    for change in the_plan.changes:
        paths.setdefault(change.address, []).extend(f.path for f in change.fields)
    return paths


def test_every_applied_field_round_trips(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(V1)
    assert validate_workspace(root, "local", {}).problems == ()
    apply(root)
    assert plan(root).changes == (), "v1 does not converge"
    for name, old, new in EDITS:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert validate_workspace(root, "local", {}).problems == ()
    changed = _changed_paths(plan(root))
    missing = [(field, address, pattern) for field, (address, pattern) in APPLIED.items()
               if not any(re.search(pattern, p) for p in changed.get(address, []))]
    assert missing == [], f"edits not planned: {missing}\nplanned: {changed}"
    outcome = apply(root)
    assert outcome.result.ok, [r for r in outcome.result.results if r.status != "applied"]
    after = plan(root)
    assert after.changes == (), [(c.address, [f.path for f in c.fields]) for c in after.changes]


def test_sms_image_url_is_stored_by_the_workspace(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(V1)
    apply(root)
    flow = {c.address: c for c in plan(root).changes}  # nothing to change…
    assert flow == {}
    edited = (root / "flows.yaml").read_text(encoding="utf-8").replace("1.png", "2.png")
    (root / "flows.yaml").write_text(edited, encoding="utf-8")
    change = plan(root).changes[0]
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("steps[3].sms.image_url", "https://x.test/1.png", "https://x.test/2.png")]
    apply(root)
    assert plan(root).changes == ()
