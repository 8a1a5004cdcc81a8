"""Round trip, as a property: definitions → canonical → import → YAML → load → canonical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cioctl.api.journeys.campaign_codec import campaign_refusals, canonical_flow
from cioctl.api.journeys.wire_values import ValueTypes
from cioctl.definitions.interpolate import Interpolator
from cioctl.definitions.yaml_loader import load_yaml
from cioctl.errors import CioctlError
from cioctl.importer.write import dump
from cioctl.kinds.flow_words import flow_codec, flow_words
from cioctl.model.flows import Flow
from cioctl.state.flows import flow_fields

NAMES = st.sampled_from(["plan", "mrr", "country", "a.b", "x-y"])
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXT = st.text(alphabet=st.sampled_from(list("ab ${}\n\t'\":#-|>{%}é")), max_size=30)
SCALARS = st.one_of(st.booleans(), st.integers(-10**6, 10**6), TEXT,
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
# Within the documented bounds: windows are at least 1s, durations at most 1825d (260w fits).
DURATIONS = st.builds(lambda n, u: f"{n}{u}", st.integers(1, 260), st.sampled_from("smhdw"))


def _comparison(name_key: str) -> st.SearchStrategy[dict[str, Any]]:
    valueless = st.builds(lambda n, o: {name_key: n, "operator": o}, NAMES,
                          st.sampled_from(["exists", "not_exists"]))
    listed = st.builds(lambda n, o, v: {name_key: n, "operator": o, "value": v}, NAMES,
                       st.sampled_from(["in", "not_in"]), st.lists(SCALARS, max_size=3))
    plain = st.builds(lambda n, o, v: {name_key: n, "operator": o, "value": v}, NAMES,
                      st.sampled_from(["eq", "neq", "gt", "lte", "contains", "starts_with"]),
                      SCALARS)
    return st.one_of(valueless, listed, plain)


def _event(draw: st.DrawFn) -> dict[str, Any]:
    node: dict[str, Any] = {"event": draw(NAMES)}
    count = draw(st.sampled_from([None, "at_least", "at_most", "exactly"]))
    if count:
        node[count] = draw(st.integers(0, 50))
    if draw(st.booleans()):
        node["within"] = draw(DURATIONS)
    node["where"] = draw(st.lists(_comparison("property"), max_size=2))
    return node


EVENTS = st.composite(_event)()
LEAVES = st.one_of(_comparison("attribute"), st.builds(lambda k: {"segment": k}, KEYS), EVENTS)
CONDITIONS = st.recursive(LEAVES, lambda children: st.one_of(
    st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=3)),
    st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=3)),
    st.builds(lambda c: {"not": c}, children)), max_leaves=6)


def _message(kind: str, draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {"id": draw(KEYS), "body": draw(TEXT)}
    if draw(st.booleans()):
        body["sending"] = draw(st.sampled_from(["automatic", "draft", "off"]))
    if kind == "email":
        body |= {"subject": draw(TEXT.filter(bool)), "preheader": draw(TEXT),
                 "from": draw(TEXT), "to": draw(st.sampled_from(["{{customer.email}}", "x"])),
                 "headers": draw(st.dictionaries(KEYS, TEXT, max_size=2))}
    if kind == "push":
        body |= {"title": draw(TEXT), "link": draw(TEXT)}
    if kind == "webhook":
        body |= {"url": "https://h.test/" + draw(KEYS),
                 "method": draw(st.sampled_from(["get", "post", "put"])),
                 "headers": draw(st.dictionaries(KEYS, TEXT, max_size=2))}
    return {kind: body}


@st.composite
def _leaf_step(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["wait", "wait_until", "email", "sms", "push", "in_app",
                                 "webhook", "update_attribute", "exit"]))
    if kind == "wait":
        return {"wait": draw(DURATIONS)}
    if kind == "wait_until":
        until: dict[str, Any] = {"condition": draw(CONDITIONS)}
        if draw(st.booleans()):
            until["max"] = draw(DURATIONS)
        return {"wait_until": until}
    if kind == "update_attribute":
        return {"update_attribute": {"name": draw(NAMES), "value": draw(SCALARS)}}
    if kind == "exit":
        return {"exit": True}
    return _message(kind, draw)


STEPS = st.recursive(st.lists(_leaf_step(), min_size=1, max_size=3), lambda inner: st.lists(
    st.one_of(_leaf_step(), st.builds(
        lambda c, t, e: {"branch": {"if": c, "then": t, "else": e}}, CONDITIONS, inner, inner)),
    min_size=1, max_size=3), max_leaves=4)
TRIGGERS = st.one_of(
    st.builds(lambda e, w: {"event": e, "where": w}, NAMES,
              st.lists(_comparison("property"), max_size=2)),
    st.builds(lambda k: {"segment": k}, KEYS),
    st.builds(lambda a, r, h, m, z: {"date_attribute": a, "repeat": r, "at": f"{h:02d}:{m:02d}",
                                     "timezone": z}, NAMES,
              st.sampled_from(["once", "monthly", "yearly"]), st.integers(0, 23),
              st.integers(0, 59), st.sampled_from(["UTC", "customer", "Europe/Berlin"])))


def _load(text: str, tmp: Path) -> Any:
    return load_yaml(tmp / "f.yaml", text, Interpolator("t", {}, {}))


@given(name=TEXT.filter(str.strip), trigger=TRIGGERS, filter_=st.none() | CONDITIONS,
       steps=STEPS, state=st.sampled_from(["running", "draft"]),
       frequency=st.sampled_from(["once", "multiple"]), tags=st.lists(KEYS, max_size=2),
       goal=st.none() | st.builds(lambda e, w: {"event": e, "within": w}, NAMES, DURATIONS))
def test_flow_round_trip(name: str, trigger: dict[str, Any], filter_: dict[str, Any] | None,
                         steps: list[dict[str, Any]], state: str, frequency: str,
                         tags: list[str], goal: dict[str, Any] | None) -> None:
    data: dict[str, Any] = {"name": name[:200], "key": "k", "trigger": trigger,
                            "steps": steps, "state": state, "frequency": frequency,
                            "tags": tags, "filter": filter_, "goal": goal}
    raw = flow_fields(Flow.model_validate(data))
    types = ValueTypes()
    # Plans diff the codec's canonical form said in words (kinds/flow_words): saying it in
    # words and back gives it again, and so does importing the words.
    def again(fields: dict[str, Any]) -> dict[str, Any]:
        try:
            return fields if campaign_refusals(fields, types) else canonical_flow(fields, types)
        except (CioctlError, KeyError):  # refused by checks/expressible (the trigger's filters)
            return fields

    original = again(raw)
    words = flow_words(original)

    assert again(flow_codec(words)) == original
    reloaded = _load(dump({"key": "k", **words}), Path("/nonexistent"))
    assert again(flow_fields(Flow.model_validate(reloaded))) == original
