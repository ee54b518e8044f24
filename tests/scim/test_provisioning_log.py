"""Every SCIM write and every rejected request becomes one provisioning event; reads do not."""

from __future__ import annotations

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import Scim, events


@pytest.fixture
async def ws(db):
    return await make_workspace(db, scim=True)


@pytest.fixture
async def scim(client, ws) -> Scim:
    return Scim(client, ws, "Okta SCIM Client")


class TestProvisioningLog:
    async def test_writes_are_logged_reads_are_not(self, scim: Scim, db, ws) -> None:
        user = await scim.create_user("log@x.test", timezone="Nowhere/Special")
        await scim.get(f"/Users/{user['id']}")
        await scim.get("/Users")
        await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "path": "displayName", "value": "L"}])
        group = await scim.create_group("Logged", [user["id"]])
        await scim.delete(f"/Groups/{group['id']}")
        await scim.delete(f"/Users/{user['id']}")
        log = await events(db, ws)
        assert [(e.operation, e.status_code, e.outcome) for e in log] == [
            ("create_user", 201, "success"),
            ("patch_user", 200, "success"),
            ("create_group", 201, "success"),
            ("delete_group", 204, "success"),
            ("delete_user", 204, "success"),
        ]
        create = log[0]
        assert create.idp == "okta" and create.target == "log@x.test" and create.resource_type == "User"
        assert create.resource_id == user["id"] and create.token_id is not None
        assert "created" in create.applied
        assert {
            "attribute": "timezone",
            "reason": "'Nowhere/Special' is not an IANA timezone name",
        } in create.ignored
        assert "displayName" in log[1].applied
        assert log[2].target == "Logged"

    async def test_failures_are_logged_after_rollback(self, scim: Scim, db, ws) -> None:
        user = await scim.create_user("fail@x.test")
        response = await scim.patch(
            f"/Users/{user['id']}",
            [
                {"op": "Replace", "path": "title", "value": "kept?"},
                {"op": "replace", "path": "id", "value": "x"},
            ],
        )
        assert response.status_code == 400
        failure = (await events(db, ws))[-1]
        assert failure.operation == "patch_user" and failure.outcome == "failure"
        assert failure.error_type == "mutability" and failure.status_code == 400
        assert failure.resource_id == user["id"] and "read-only" in failure.detail
        assert "op Replace read as replace" in failure.rewrites
        assert "title" not in (await scim.get(f"/Users/{user['id']}")).json()

    async def test_bad_json_and_not_found_are_logged(self, scim: Scim, db, ws) -> None:
        await scim.client.post(scim.ws.scim_base + "/Users", content=b"nope", headers=scim.headers)
        await scim.delete("/Users/3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000")
        await scim.get("/Users/3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000")  # a read: not logged
        log = await events(db, ws)
        assert [(e.operation, e.status_code, e.error_type) for e in log] == [
            ("create_user", 400, "invalidSyntax"),
            ("delete_user", 404, "MemberNotFound"),
        ]
