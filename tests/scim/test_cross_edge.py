"""SCIM writes seen through the other edge (GraphQL, API keys), and the reverse."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.actor import Actor
from app.auth import service as auth_service
from app.enums import Role
from app.members import service as member_service
from tests.factories import make_workspace, sign_in
from tests.scim.helpers import Scim

MEMBERS = "{ members(first: 100) { nodes { userName status scimManaged groups { displayName } } } }"


@pytest.fixture
async def ws(db):
    return await make_workspace(db, scim=True)


async def graphql(client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None) -> dict:
    response = await client.post("/graphql", json={"query": query}, headers=headers or {})
    assert response.status_code in (200, 401), response.text
    return response.json()


class TestGraphQLSeesScim:
    async def test_provisioned_member_appears_with_status_and_groups(self, app, client, db, ws) -> None:
        scim = Scim(client, ws)
        user = await scim.create_user("cross@example.com")
        await scim.create_group("Crossers", [user["id"]])
        await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "path": "active", "value": False}])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test"
        ) as browser:
            await sign_in(browser, db, ws, "owner@acme.test")
            data = await graphql(browser, MEMBERS)
        nodes = {n["userName"]: n for n in data["data"]["members"]["nodes"]}
        assert nodes["cross@example.com"] == {
            "userName": "cross@example.com",
            "status": "INACTIVE",
            "scimManaged": True,
            "groups": [{"displayName": "Crossers"}],
        }


class TestTimezoneOwnership:
    async def test_own_timezone_survives_scim_patch_and_put(self, client, db, ws) -> None:
        scim = Scim(client, ws)
        user = await scim.create_user("tz@example.com", timezone="Europe/Paris")
        assert user["timezone"] == "Europe/Paris"
        user_id = uuid.UUID(user["id"])
        actor = Actor.member(ws.id, user_id, Role.MEMBER)
        await db.write(member_service.set_own_timezone, actor, workspace_id=ws.id, timezone_name="Asia/Tokyo")
        patched = await scim.patch(
            f"/Users/{user_id}", [{"op": "replace", "path": "timezone", "value": "America/Chicago"}]
        )
        assert patched.json()["timezone"] == "Asia/Tokyo"
        put = await scim.put(f"/Users/{user_id}", {"userName": "tz@example.com", "timezone": "Europe/Berlin"})
        assert put.json()["timezone"] == "Asia/Tokyo"

    async def test_invalid_idp_timezone_is_ignored_not_an_error(self, client, ws) -> None:
        scim = Scim(client, ws)
        created = await scim.post("/Users", {"userName": "badtz@example.com", "timezone": "Mars/Olympus"})
        assert created.status_code == 201 and created.json()["timezone"] == "UTC"


class TestDeactivationRefusesApiKeys:
    async def test_api_key_refused_at_once(self, client, db, ws) -> None:
        scim = Scim(client, ws)
        user = await scim.create_user("keyed@example.com")
        actor = Actor.member(ws.id, uuid.UUID(user["id"]), Role.MEMBER)
        _, key = await db.write(auth_service.create_api_key, actor, name="script")
        viewer = "{ viewer { member { userName } } }"
        before = await graphql(client, viewer, {"X-API-Key": key})
        assert before["data"]["viewer"] == {"member": {"userName": "keyed@example.com"}}
        await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "value": {"active": False}}])
        after = await client.post("/graphql", json={"query": viewer}, headers={"X-API-Key": key})
        assert after.status_code == 401 or after.json()["data"]["viewer"] is None


class TestTimezoneWithdrawn:
    async def test_removing_the_idp_timezone_restores_the_workspace_default(self, client, ws) -> None:
        scim = Scim(client, ws)
        user = await scim.create_user("tz@x.test", timezone="Asia/Tokyo")
        assert user["timezone"] == "Asia/Tokyo"
        response = await scim.patch(f"/Users/{user['id']}", [{"op": "remove", "path": "timezone"}])
        assert response.status_code == 200, response.text
        assert response.json()["timezone"] == ws.workspace.default_timezone
