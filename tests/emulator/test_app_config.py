"""App API: snippets, collections, reporting webhooks, data index and read-only resources."""

from __future__ import annotations

from collections.abc import Callable

from emu_helpers import Api, build_flow, error
from starlette.applications import Starlette

from cioctl.emulator.webhooks import WEBHOOK_EVENTS


def test_snippet_lifecycle(api: Api) -> None:
    created = api("POST", "/v1/snippets", json={"name": " footer ", "value": "Bye "})
    assert created.status_code == 200
    snippet = created.json()["snippet"]
    assert snippet["name"] == "footer" and snippet["value"] == "Bye"
    assert api("GET", "/v1/snippets").json() == {"snippets": [snippet]}
    duplicate = api("POST", "/v1/snippets", json={"name": "footer", "value": "x"})
    assert duplicate.status_code == 422
    assert error(duplicate) == {"detail": "name has already been taken",
                                "source": {"pointer": "/name"}, "status": "422"}
    updated = api("PUT", "/v1/snippets", json={"name": "footer", "value": "Ciao"})
    assert updated.status_code == 200 and updated.json()["snippet"]["value"] == "Ciao"
    assert api("DELETE", "/v1/snippets/footer").status_code == 204
    assert api("DELETE", "/v1/snippets/footer").status_code == 404


def test_snippet_validation(api: Api) -> None:
    blank = api("POST", "/v1/snippets", json={"name": "x"})
    assert blank.status_code == 422 and error(blank)["source"]["pointer"] == "/value"
    assert api("PUT", "/v1/snippets", json={"value": "x"}).status_code == 400
    upsert = api("PUT", "/v1/snippets", json={"name": "new", "value": "v"})
    assert upsert.status_code == 200


def test_snippet_in_use_cannot_be_deleted(api: Api, jwt: str) -> None:
    api("POST", "/v1/snippets", json={"name": "footer", "value": "Bye"})
    api("POST", "/v1/snippets", json={"name": "foot", "value": "x"})
    cid, (aid,) = build_flow(api, jwt, [("email_action", "w", {
        "subject": "Hi", "body": "<p>{{ snippets.footer }}</p>"})])
    in_use = api("DELETE", "/v1/snippets/footer")
    assert in_use.status_code == 400 and set(error(in_use)) == {"detail", "status"}
    assert api("DELETE", "/v1/snippets/foot").status_code == 204
    api("PUT", f"/v1/campaigns/{cid}/actions/{aid}", json={"body": "plain"})
    assert api("DELETE", "/v1/snippets/footer").status_code == 204


def test_collection_lifecycle(api: Api) -> None:
    data = [{"sku": "a", "price": 1}, {"sku": "b", "colour": "red"}]
    created = api("POST", "/v1/collections", json={"name": "products", "data": data})
    assert created.status_code == 200
    collection = created.json()["collection"]
    assert collection["rows"] == 2 and collection["schema"] == ["colour", "price", "sku"]
    cid = collection["id"]
    assert api("GET", "/v1/collections").json() == {"collections": [collection]}
    assert api("GET", f"/v1/collections/{cid}").json() == {"collection": collection}
    assert api("GET", f"/v1/collections/{cid}/content").json() == data
    content = api("PUT", f"/v1/collections/{cid}/content", json=[{"k": 1}])
    assert content.json()["collection"]["rows"] == 1
    renamed = api("PUT", f"/v1/collections/{cid}", json={"name": "items"})
    assert renamed.json()["collection"]["name"] == "items"
    assert api("PUT", "/v1/collections/999", json={"name": "x"}).status_code == 400
    assert api("DELETE", f"/v1/collections/{cid}").status_code == 204
    assert api("GET", f"/v1/collections/{cid}").status_code == 404
    assert api("GET", f"/v1/collections/{cid}/content").status_code == 404
    assert api("DELETE", f"/v1/collections/{cid}").status_code == 404


def test_collection_by_url_and_errors(api: Api) -> None:
    created = api("POST", "/v1/collections",
                  json={"name": "remote", "url": "https://example.test/data.json"})
    assert created.status_code == 200 and created.json()["collection"]["rows"] == 0
    assert api("POST", "/v1/collections", json={"name": "x"}).status_code == 400
    assert api("POST", "/v1/collections", json={"name": "x", "data": [1]}).status_code == 400
    both = {"name": "x", "data": [], "url": "https://example.test"}
    assert api("POST", "/v1/collections", json=both).status_code == 400


def test_reporting_webhooks_are_unwrapped(api: Api) -> None:
    assert len(WEBHOOK_EVENTS) == 72
    body = {"name": "hook", "endpoint": "https://example.test/hook",
            "events": ["email_sent", "email_opened"]}
    created = api("POST", "/v1/reporting_webhooks", json=body)
    assert created.status_code == 200
    webhook = created.json()
    assert webhook["id"] and webhook["type"] == "webhook" and webhook["full_resolution"] is False
    wid = webhook["id"]
    assert api("GET", "/v1/reporting_webhooks").json() == {"reporting_webhooks": [webhook]}
    assert api("GET", f"/v1/reporting_webhooks/{wid}").json() == webhook
    changed = api("PUT", f"/v1/reporting_webhooks/{wid}", json={**body, "disabled": True})
    assert changed.json()["disabled"] is True
    deleted = api("DELETE", f"/v1/reporting_webhooks/{wid}")
    assert deleted.status_code == 200 and deleted.content == b""
    assert api("GET", f"/v1/reporting_webhooks/{wid}").status_code == 404
    assert api("PUT", f"/v1/reporting_webhooks/{wid}", json=body).status_code == 404
    assert api("DELETE", f"/v1/reporting_webhooks/{wid}").status_code == 404


def test_reporting_webhook_validation(api: Api) -> None:
    base = {"name": "h", "endpoint": "https://example.test"}
    empty = api("POST", "/v1/reporting_webhooks", json={**base, "events": []})
    assert empty.status_code == 400 and error(empty)["source"]["pointer"] == "/events"
    unknown = api("POST", "/v1/reporting_webhooks", json={**base, "events": ["email_sent", "x"]})
    assert error(unknown)["source"]["pointer"] == "/events/1"
    no_endpoint = api("POST", "/v1/reporting_webhooks", json={"name": "h", "events": ["sms_sent"]})
    assert no_endpoint.status_code == 400


def test_data_index_writes(api: Api, jwt: str) -> None:
    attrs = {"attributes": [{"name": "email", "description": "Primary", "privacy_level": 1}]}
    response = api("POST", "/v1/data_index/attributes", json=attrs)
    assert response.status_code == 204 and response.content == b""
    events = {"events": [{"name": "signed_up", "description": "Joined"}]}
    assert api("POST", "/v1/data_index/events", json=events).status_code == 204
    # evidence §6: the attribute list has no description and ``total`` reads 0; the one
    # attribute has it; event names are names only
    read = api("GET", "/v1/environments/1/attributes", token=jwt).json()
    assert read == {"attributes": [{"id": 1, "name": "email",
                                    "metadata": {"privacy_level": 1}}],
                    "meta": {"pagination": {"page": 0, "size": 50, "total": 0}}}
    one = api("GET", "/v1/environments/1/attributes/1", token=jwt).json()["attribute"]
    assert one["description"] == "Primary"
    read = api("GET", "/v1/environments/1/event_names", token=jwt).json()
    assert read == {"event_names": ["signed_up"]}


def test_data_index_422_texts(api: Api) -> None:
    cases = [
        ("attributes", {"attributes": []}, "Empty attributes array"),
        ("attributes", {"attributes": [{"name": f"a{i}"} for i in range(101)]},
         "Too many attributes"),
        ("events", {"events": []}, "Empty events array"),
        ("events", {"events": [{"name": f"e{i}"} for i in range(101)]}, "Too many events"),
    ]
    for kind, body, detail in cases:
        response = api("POST", f"/v1/data_index/{kind}", json=body)
        assert response.status_code == 422
        item = error(response)
        assert item["detail"] == detail and "status" not in item
        assert item["source"]["pointer"] == f"/data/{kind}/{kind}"
    bad = api("POST", "/v1/data_index/events", json={"nope": 1})
    assert bad.status_code == 400 and error(bad) == {"detail": "Invalid request format"}
    hundred = {"events": [{"name": f"e{i}"} for i in range(100)]}
    assert api("POST", "/v1/data_index/events", json=hundred).status_code == 204


def test_privacy_level_feature_off(make_app: Callable[..., Starlette]) -> None:
    api = Api(make_app(privacy_level_feature=False))
    body = {"attributes": [{"name": "a"}, {"name": "b", "privacy_level": 1}]}
    item = error(api("POST", "/v1/data_index/attributes", json=body))
    assert item["detail"] == "Privacy level feature not enabled"
    assert item["source"]["pointer"] == "/data/attributes/attributes[1].privacy_level"


def test_read_only_resources_are_seeded(api: Api) -> None:
    senders = api("GET", "/v1/sender_identities").json()
    # the embedded identity and those the example, the scaffold, the bench and test
    # workspaces name
    assert len(senders["sender_identities"]) == 8 and senders["next"] == ""
    sid = senders["sender_identities"][0]["id"]
    assert api("GET", f"/v1/sender_identities/{sid}").json()["sender_identity"]["id"] == sid
    assert api("GET", f"/v1/sender_identities/{sid}/used_by").json()["campaigns"] == []
    assert api("GET", "/v1/sender_identities/99").status_code == 404
    topics = api("GET", "/v1/subscription_topics").json()["topics"]
    assert [t["identifier"] for t in topics] == ["topic_1", "topic_2"]
    types = api("GET", "/v1/object_types").json()["types"]
    assert types[0]["id"] == "1"
    workspaces = api("GET", "/v1/workspaces").json()["workspaces"]
    assert workspaces[0]["id"] == 1 and workspaces[0]["object_types"] == 1
