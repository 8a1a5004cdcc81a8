from __future__ import annotations

import pytest

from cioctl.graph import DependencyCycleError, order_changes
from cioctl.kinds.registry import Kind, Surface
from cioctl.plan.change import Action, Change
from cioctl.state.resource import Resource


def change(action: Action, kind: Kind, key: str, depends: tuple[str, ...] = ()) -> Change:
    return Change(action, kind, key, key, Surface.JOURNEYS, "service_account",
                  depends_on=depends)


def test_cycle_is_an_error_that_prints_it() -> None:
    changes = [change(Action.CREATE, Kind.SEGMENT, "a", ("segment:b",)),
               change(Action.CREATE, Kind.SEGMENT, "b", ("segment:a",))]
    with pytest.raises(DependencyCycleError, match="segment:a → segment:b → segment:a"):
        order_changes(changes, {})


def test_deletes_wait_for_what_referred_to_them_live() -> None:
    flow = Resource(Kind.FLOW, "f", "F", {"trigger": {"segment": "s"}})
    changes = [change(Action.DELETE, Kind.SEGMENT, "s"), change(Action.DELETE, Kind.FLOW, "f"),
               change(Action.CREATE, Kind.SNIPPET, "n")]
    ordered = order_changes(changes, {flow.ref: flow})
    assert [c.address for c in ordered] == ["snippet:n", "flow:f", "segment:s"]
    assert ordered[2].depends_on == ("flow:f",)
