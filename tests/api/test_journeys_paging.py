"""Journeys list paging (evidence §3) and the defensive ``/event_names`` decoding (§6).

Paging requests a page size and follows pages until a short or empty one; ``total`` and
``total_pages`` are never trusted. Scripted transports play the server so each rule is pinned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cioctl.api import campaigns, data_index, segments
from cioctl.api.errors import ApiProtocolError
from cioctl.api.pagination import PAGE_SIZES

from .conftest import WORKSPACE_ID, Recorder, json_response, make_client, token_ok

pytestmark = pytest.mark.anyio
ENV = f"/v1/environments/{WORKSPACE_ID}"
Pages = Callable[[int, int], dict[str, Any]]


def _segment(i: int) -> dict[str, Any]:
    return {"id": i, "name": f"S{i}", "description": "", "type": "manual", "tags": []}


def _serve(pages: Pages) -> Recorder:
    def respond(request: httpx.Request) -> httpx.Response:
        if (ok := token_ok(request)) is not None:
            return ok
        if request.url.path.endswith("/tags"):  # tag names (D12): none here
            return json_response(200, {"tags": []})
        params = request.url.params
        return json_response(200, pages(int(params["page"]), int(params["size"])))

    return Recorder(respond)


def _pages_asked(handler: Recorder) -> list[str | None]:
    return [r.url.params.get("page") for r in handler.requests[1:]
            if not r.url.path.endswith("/tags")]


async def test_a_full_page_then_an_empty_one() -> None:
    size = PAGE_SIZES["segments"]

    def pages(page: int, per: int) -> dict[str, Any]:
        items = [_segment(i + 1) for i in range(per)] if page == 0 else []
        return {"segments": items, "meta": {"total": per, "total_pages": 1}}

    handler = _serve(pages)
    async with make_client(handler) as client:
        listed = await segments.list_journeys_segments(client)
    assert [s.id for s in listed] == list(range(1, size + 1))
    assert _pages_asked(handler) == ["0", "1"]  # exactly full: the empty page ends it


async def test_a_short_page_stops_without_another_request() -> None:
    def pages(page: int, per: int) -> dict[str, Any]:
        count = per if page < 2 else 3
        return {"campaigns": [{"id": page * per + i + 1, "name": f"c{page}-{i}"}
                              for i in range(count)], "meta": {}}

    handler = _serve(pages)
    async with make_client(handler) as client:
        listed = await campaigns.list_journeys_campaigns(client)
    assert len(listed) == 2 * PAGE_SIZES["campaigns"] + 3
    assert _pages_asked(handler) == ["0", "1", "2"]
    assert {r.url.params["size"] for r in handler.requests[1:]} == {"20"}  # §3: 20 a page


async def test_a_lying_total_is_ignored() -> None:
    """The attributes route reports ``total: 0`` (§6); a list that trusted it would be empty."""
    def pages(page: int, per: int) -> dict[str, Any]:
        count = per if page == 0 else 7
        items = [{"id": page * per + i, "name": f"a{page}_{i}",
                  "metadata": {"privacy_level": i % 2}} for i in range(count)]
        return {"attributes": items,
                "meta": {"pagination": {"total": 0}, "total": 0, "total_pages": 0}}

    handler = _serve(pages)
    async with make_client(handler) as client:
        listed = await data_index.list_attributes(client)
    assert len(listed) == PAGE_SIZES["attributes"] + 7
    assert listed[1].privacy_level == 1 and listed[0].description is None


async def test_a_page_base_of_1_costs_a_request_not_a_duplicate() -> None:
    """Page bases other than campaigns' are unknown (§8): a 1-based route answering page 0
    like page 1 is read once, without duplicates."""
    def pages(page: int, per: int) -> dict[str, Any]:
        start = max(page, 1) - 1
        count = per if start == 0 else 5
        return {"segments": [_segment(start * per + i + 1) for i in range(count)]}

    handler = _serve(pages)
    async with make_client(handler) as client:
        listed = await segments.list_journeys_segments(client)
    assert [s.id for s in listed] == list(range(1, PAGE_SIZES["segments"] + 6))
    assert _pages_asked(handler) == ["0", "1", "2"]


async def test_a_route_that_ignores_page_is_an_error_not_a_partial_list() -> None:
    def pages(page: int, per: int) -> dict[str, Any]:
        return {"segments": [_segment(i + 1) for i in range(per)]}

    handler = _serve(pages)
    async with make_client(handler) as client:
        with pytest.raises(ApiProtocolError, match=r"/segments answers the same page"):
            await segments.list_journeys_segments(client)
    assert len([r for r in handler.requests if not r.url.path.endswith("/tags")]) == 4


async def test_an_unpaged_answer_larger_than_the_page_is_the_whole_list() -> None:
    def pages(page: int, per: int) -> dict[str, Any]:
        return {"event_names": [f"e{i}" for i in range(per + 30)]}

    handler = _serve(pages)
    async with make_client(handler) as client:
        events = await data_index.list_events(client)
    assert len(events) == PAGE_SIZES["event_names"] + 30
    assert len(handler.requests) == 2


@pytest.mark.parametrize("body", [
    ["a", "b"],
    [{"name": "a"}, {"name": "b", "description": "B"}],
    {"event_names": ["a", "b"]},
    {"events": [{"name": "a"}, {"name": "b", "description": "B"}], "meta": {"total": 0}},
    {"data": ["a", "b"]},
])
async def test_event_names_shapes_are_read(body: Any) -> None:
    handler = Recorder(lambda r: token_ok(r) or json_response(200, body))
    async with make_client(handler) as client:
        events = await data_index.list_events(client)
    assert [e.name for e in events] == ["a", "b"]
    assert events[0].description is None
    assert handler.paths()[1:] == [f"{ENV}/event_names"]


@pytest.mark.parametrize(("body", "what"), [
    ({"names": ["a"]}, "an object with keys"),
    ("a,b", "a str"),
    ([1, 2], "an item '1'"),
    ([{"title": "a"}], "an item"),
    ({"event_names": [""]}, "an item ''"),
])
async def test_other_event_names_shapes_are_a_clear_protocol_error(body: Any, what: str) -> None:
    handler = Recorder(lambda r: token_ok(r) or json_response(200, body))
    async with make_client(handler) as client:
        with pytest.raises(ApiProtocolError) as info:
            await data_index.list_events(client)
    message = str(info.value)
    assert f"GET {ENV}/event_names" in message and what in message
    assert "expected a list of event names" in message
