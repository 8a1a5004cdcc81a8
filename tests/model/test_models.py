from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from cioctl.model.base import duration_seconds, slugify
from cioctl.model.conditions import AllOf, Condition, EventCondition, Not
from cioctl.model.flows import DateTrigger, Flow
from cioctl.model.segments import Segment
from cioctl.model.steps import BranchStep, message_of, walk_steps

CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)


def test_key_defaults_to_slug_of_name() -> None:
    assert Segment.model_validate({"name": "Pro plan (EU)", "manual": True}).key == "pro_plan_eu"
    assert slugify("  --  ") == "unnamed"


def test_explicit_key_wins() -> None:
    assert Segment.model_validate({"name": "X", "key": "custom", "manual": True}).key == "custom"


def test_models_are_frozen() -> None:
    segment = Segment.model_validate({"name": "X", "manual": True})
    with pytest.raises(ValidationError):
        segment.name = "Y"  # type: ignore[misc]


def test_manual_and_conditions_are_exclusive() -> None:
    with pytest.raises(ValidationError, match="manual segment has no conditions"):
        Segment.model_validate({"name": "X", "manual": True,
                                "conditions": {"segment": "y"}})
    with pytest.raises(ValidationError, match="needs 'conditions'"):
        Segment.model_validate({"name": "X"})


def test_unknown_key_suggests() -> None:
    with pytest.raises(ValidationError, match="did you mean 'description'"):
        Segment.model_validate({"name": "X", "manual": True, "descripton": "d"})


def test_condition_tree_parses_every_kind() -> None:
    tree = CONDITION.validate_python({"all": [
        {"not": {"segment": "a"}},
        {"event": "e", "at_most": 2, "within": "30d",
         "where": [{"property": "p", "operator": "in", "value": ["x"]}]},
    ]})
    assert isinstance(tree, AllOf) and isinstance(tree.all[0], Not)
    event = tree.all[1]
    assert isinstance(event, EventCondition) and event.count_rule == ("at_most", 2)


@pytest.mark.parametrize("bad", [
    {"attribute": "a", "operator": "eq"},
    {"attribute": "a", "operator": "exists", "value": 1},
    {"attribute": "a", "operator": "in", "value": "x"},
    {"event": "e", "at_least": 1, "at_most": 2},
    {"all": []},
    {"nothing": 1},
])
def test_bad_conditions(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CONDITION.validate_python(bad)


def test_flow_steps_and_triggers() -> None:
    flow = Flow.model_validate({
        "name": "F", "trigger": {"date_attribute": "d", "repeat": "yearly", "at": "10:30"},
        "steps": [{"wait": "2h"}, {"branch": {"if": {"segment": "s"},
                                               "then": [{"sms": {"id": "t", "body": "b"}}]}}],
    })
    assert isinstance(flow.trigger, DateTrigger)
    steps = walk_steps(flow.steps)
    assert isinstance(steps[1], BranchStep) and len(steps) == 3
    message = message_of(steps[2])
    assert message is not None and message.id == "t"


def test_durations() -> None:
    assert duration_seconds("5m") == 300 and duration_seconds("2w") == 1209600
    with pytest.raises(ValidationError):
        Flow.model_validate({"name": "F", "trigger": {"event": "e"}, "steps": [{"wait": "5 min"}]})
