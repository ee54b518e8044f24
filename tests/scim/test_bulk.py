"""/Bulk: bulkId references, failOnErrors, limits."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import GROUP, USER, Scim, assert_error, events

BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


@pytest.fixture
async def scim(client, db) -> Scim:
    ws = await make_workspace(db, scim=True)
    return Scim(client, ws)


def bulk(*ops: dict, **extra) -> dict:
    return {"schemas": [BULK], "Operations": list(ops), **extra}


class TestBulk:
    async def test_bulk_ids_resolve_in_members_and_paths(self, scim: Scim, db) -> None:
        body = bulk(
            # The group refers to a user created later in the request: it waits for it.
            {
                "method": "POST",
                "path": "/Groups",
                "bulkId": "g",
                "data": {"schemas": [GROUP], "displayName": "Tour", "members": [{"value": "bulkId:u"}]},
            },
            {
                "method": "POST",
                "path": "/Users",
                "bulkId": "u",
                "data": {"schemas": [USER], "userName": "b@x.test"},
            },
            {
                "method": "PATCH",
                "path": "/Users/bulkId:u",
                "data": {"Operations": [{"op": "replace", "path": "title", "value": "Guide"}]},
            },
        )
        response = await scim.post("/Bulk", body)
        assert response.status_code == 200, response.text
        answers = response.json()["Operations"]
        assert [a["status"] for a in answers] == ["201", "201", "200"]
        by_id = {a.get("bulkId"): a for a in answers}
        user_id = by_id["u"]["location"].rsplit("/", 1)[1]
        group = (await scim.get("/Groups/" + by_id["g"]["location"].rsplit("/", 1)[1])).json()
        assert [m["value"] for m in group["members"]] == [user_id]
        assert (await scim.get(f"/Users/{user_id}")).json()["title"] == "Guide"
        logged = [e.operation for e in await events(db, scim.ws)]
        assert logged == ["create_user", "create_group", "patch_user"]

    async def test_errors_are_per_operation_and_fail_on_errors_stops(self, scim: Scim) -> None:
        ops = [
            {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"userName": "dup@x.test"}},
            {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"userName": "dup@x.test"}},
            {"method": "DELETE", "path": "/Users/3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000"},
            {"method": "POST", "path": "/Users", "bulkId": "c", "data": {"userName": "later@x.test"}},
        ]
        answers = (await scim.post("/Bulk", bulk(*ops, failOnErrors=2))).json()["Operations"]
        assert [a["status"] for a in answers] == ["201", "409", "404"]
        assert answers[1]["response"]["scimType"] == "uniqueness"
        assert (await scim.get('/Users?filter=userName eq "later@x.test"')).json()["totalResults"] == 0

    async def test_unresolvable_bulk_id(self, scim: Scim) -> None:
        ops = [
            {
                "method": "POST",
                "path": "/Groups",
                "bulkId": "g",
                "data": {"displayName": "G", "members": [{"value": "bulkId:nope"}]},
            }
        ]
        [answer] = (await scim.post("/Bulk", bulk(*ops))).json()["Operations"]
        assert answer["status"] == "400" and answer["response"]["scimType"] == "invalidValue"

    async def test_too_many_operations_is_413(self, client, db) -> None:
        ws = await make_workspace(db, scim=True)
        client._transport.app.state.settings.scim_bulk_max_operations = 2
        scim = Scim(client, ws)
        ops = [
            {"method": "POST", "path": "/Users", "bulkId": str(i), "data": {"userName": f"{i}@x"}}
            for i in range(3)
        ]
        assert_error(await scim.post("/Bulk", bulk(*ops)), 413)

    async def test_too_large_payload_is_413(self, client, db) -> None:
        ws = await make_workspace(db, scim=True)
        client._transport.app.state.settings.scim_bulk_max_payload = 1024
        scim = Scim(client, ws)
        ops = [{"method": "POST", "path": "/Users", "bulkId": "x", "data": {"userName": "x" * 2000}}]
        assert len(json.dumps(bulk(*ops))) > 1024
        assert_error(await scim.post("/Bulk", bulk(*ops)), 413)

    @pytest.mark.parametrize(
        "body",
        [
            {"Operations": []},
            {"Operations": [{"method": "GET", "path": "/Users"}]},
            {"Operations": [{"method": "POST", "path": "/Users", "data": {"userName": "no-bulk-id"}}]},
            {"Operations": [{"method": "POST", "path": "/Nope", "bulkId": "x", "data": {}}]},
        ],
    )
    async def test_malformed(self, scim: Scim, body: dict) -> None:
        response = await scim.post("/Bulk", {"schemas": [BULK], **body})
        if not body["Operations"]:
            assert_error(response, 400, "invalidSyntax")
            return
        [answer] = response.json()["Operations"]
        assert answer["status"] == "400" and answer["response"]["scimType"] == "invalidSyntax"
