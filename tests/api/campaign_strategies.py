"""Hypothesis strategies for canonical flows (the form of cioctl.state.flows) that the campaign
codec accepts: every step kind, nested branches, exits, flat conditions, every trigger kind."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cioctl.state.canonical import sort_unordered

JSON = dict[str, Any]
SEGMENT_IDS = {"a": 3, "b": 12, "c": 40}
SENDERS = {"Acme <hi@acme.test>": 7}
NAMES = st.text("abcdefghij", min_size=1, max_size=6)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
SECONDS = st.integers(1, 30).map(lambda n: n * 3600)


def attribute_leaf(negated: bool = False) -> st.SearchStrategy[JSON]:
    """Attribute literals; under ``not`` no timestamp (no ``!timestamp_*`` operator, D3)."""
    def leaf(field: str, operator: str, value: object = None) -> JSON:
        node: JSON = {"field": field, "operator": operator}
        if value is not None:
            node["value"] = value
        return {"attribute": node}
    timestamps = st.nothing() if negated else st.builds(
        leaf, st.just("renews_at"), st.sampled_from(["gt", "lt"]), st.integers(0, 2**31))
    return st.one_of(
        timestamps,
        st.builds(leaf, st.just("plan"), st.sampled_from(["eq", "neq", "contains",
                                                          "not_contains"]), NAMES),
        st.builds(leaf, st.sampled_from(["plan", "seats"]),
                  st.sampled_from(["exists", "not_exists"])),
        st.builds(leaf, st.just("seats"), st.sampled_from(["eq", "neq", "gt", "lt", "gte",
                                                           "lte"]), st.integers(-99, 99)),
        st.builds(leaf, st.just("verified"), st.sampled_from(["eq", "neq"]), st.booleans()),
        st.builds(leaf, st.just("plan"), st.just("in"), NAMES.map(lambda v: [v])),
    )


def event_leaf() -> st.SearchStrategy[JSON]:
    return st.builds(
        lambda name, rule, count, within: {"event": {
            "name": name, "count_operator": rule, "count": count, "within_seconds": within,
            "filters": []}},
        st.sampled_from(["feature_used", "logged_in"]),
        st.sampled_from(["at_least", "at_most", "exactly"]), st.integers(1, 5),
        st.none() | SECONDS)


def literal() -> st.SearchStrategy[JSON]:
    segment = st.sampled_from(sorted(SEGMENT_IDS)).map(lambda k: {"segment": {"key": k}})
    base = st.one_of(attribute_leaf(), segment, event_leaf())
    return st.one_of(base, segment.map(lambda s: {"not": s}),
                     attribute_leaf(negated=True).map(lambda a: {"not": a}))


def condition() -> st.SearchStrategy[JSON]:
    return st.one_of(literal(), st.lists(literal(), min_size=1, max_size=3).map(
        lambda parts: {"and": parts}))


CONDITION = condition()
STATES = st.sampled_from(["automatic", "draft", "off"])
FROM = st.sampled_from(["", *SENDERS])
LINK = st.sampled_from(["", "x"])
SUBJECT = TEXT.filter(bool)
KINDS = st.sampled_from(["delay", "message", "wait_until", "attribute_update", "exit"])
KINDS_WITH_BRANCH = st.sampled_from(["delay", "message", "wait_until", "attribute_update",
                                     "exit", "branch"])
MESSAGE_KINDS = st.sampled_from(["email", "sms", "push", "in_app", "webhook"])
MAX_SECONDS = st.none() | SECONDS
VALUES = st.none() | st.booleans() | st.integers() | TEXT


def _message(kind: str, name: str, draw: Any) -> JSON:
    state = draw(STATES)
    text = draw(TEXT)
    content: JSON
    if kind == "email":
        content = {"subject": draw(SUBJECT), "body": text,
                   "preheader_text": draw(TEXT), "from": draw(FROM),
                   "reply_to": "", "recipient": "{{customer.email}}",
                   "headers": [{"name": "X-A", "value": draw(TEXT)}]}
    elif kind == "sms":
        content = {"body": text, "image_url": ""}
    elif kind == "push":
        content = {"title": draw(TEXT), "body": text, "link": draw(LINK)}
    elif kind == "in_app":
        content = {"body": text}
    else:
        content = {"method": "post", "url": "https://x.test/h", "body": text, "headers": []}
    return {"type": kind, "name": name, "content": content | {"sending_state": state}}


@st.composite
def steps(draw: Any, depth: int = 0, names: list[str] | None = None) -> list[JSON]:
    """A step list; ``names`` keeps message ids unique across the whole flow."""
    names = [] if names is None else names
    result: list[JSON] = []
    for _ in range(draw(st.integers(0 if depth else 1, 4 - depth))):
        kind = draw(KINDS_WITH_BRANCH if depth < 2 else KINDS)
        if kind == "message":
            names.append(f"m{len(names)}")
            step = _message(draw(MESSAGE_KINDS), names[-1], draw)
        elif kind == "delay":
            step = {"type": "delay", "seconds": draw(SECONDS)}
        elif kind == "wait_until":
            step = {"type": "wait_until", "condition": draw(CONDITION),
                    "max_seconds": draw(MAX_SECONDS)}
        elif kind == "attribute_update":
            step = {"type": "attribute_update", "field": draw(NAMES),
                    "value": draw(VALUES)}
        elif kind == "exit":
            result.append({"type": "exit"})
            break  # steps after an exit are refused (they can never run)
        else:
            step = {"type": "branch", "condition": draw(CONDITION),
                    "then": draw(steps(depth + 1, names)), "else": draw(steps(depth + 1, names))}
        result.append(step)
        if kind == "branch" and _exits(step["then"]) and _exits(step["else"]):
            break
    return result


def _exits(path: list[JSON]) -> bool:
    return any(s["type"] == "exit" or (s["type"] == "branch" and _exits(s["then"])
                                       and _exits(s["else"])) for s in path)


def trigger() -> st.SearchStrategy[JSON]:
    event = st.builds(lambda name, filters: {"type": "event", "event_name": name,
                                             "filters": filters},
                      st.just("feature_used"), st.lists(st.one_of(
                          st.builds(lambda v: {"field": "feature", "operator": "eq",
                                               "value": v}, NAMES),
                          st.builds(lambda v: {"field": "count", "operator": "gt", "value": v},
                                    st.integers(0, 9))), max_size=2))
    segment = st.sampled_from(sorted(SEGMENT_IDS)).map(
        lambda k: {"type": "segment", "segment_keys": [k]})
    date = st.builds(lambda f, h, m, customer: {
        "type": "date", "date_attribute": "renews_at", "frequency": f, "start_hour": h,
        "start_minutes": m, "timezone": "UTC" if customer else "Europe/Paris",
        "use_customer_timezone": customer},
        st.sampled_from(["once", "monthly", "yearly"]), st.integers(0, 23),
        st.integers(0, 59), st.booleans())
    return st.one_of(event, segment, date)


TRIGGER = trigger()
GOAL = st.none() | st.builds(lambda s: {"type": "event", "event_name": "logged_in",
                                        "within_seconds": s}, SECONDS)
FILTER = st.none() | CONDITION
FLOW_STATES = st.sampled_from(["running", "draft"])
FREQUENCIES = st.sampled_from(["once", "multiple"])


@st.composite
def flows(draw: Any) -> JSON:
    """A canonical flow the campaign codec accepts."""
    goal = draw(GOAL)
    return sort_unordered({
        "name": draw(TEXT.filter(bool)), "description": draw(TEXT),
        "state": draw(FLOW_STATES), "trigger": draw(TRIGGER),
        "filter": draw(FILTER), "goal": goal, "frequency": draw(FREQUENCIES),
        "tags": [], "steps": draw(steps())})
