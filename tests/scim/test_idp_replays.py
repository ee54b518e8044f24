"""Replays of each IdP's documented sequences (Okta, Microsoft Entra ID, Google Workspace, JumpCloud),
from the vendors' public docs; payloads in samples/. Every dialect rewrite lands in the provisioning log."""

from __future__ import annotations

import uuid

import pytest

from app.members import service as member_service
from tests.factories import SYSTEM, make_member, make_workspace
from tests.scim.helpers import ENTERPRISE, GROUP, LIST, USER, Scim, assert_error, events, sample

OKTA_UA = "Okta SCIM Client 1.0.0"
ENTRA_UA = "Azure AD SCIM Client"


@pytest.fixture
async def ws(db):
    return await make_workspace(db, scim=True)


class TestOkta:
    async def test_user_lifecycle(self, client, db, ws) -> None:
        okta = Scim(client, ws, OKTA_UA)
        lookup = await okta.get('/Users?filter=userName eq "ada.okta@example.com"&startIndex=1&count=100')
        assert lookup.status_code == 200
        assert lookup.json() == {
            "schemas": [LIST],
            "totalResults": 0,
            "startIndex": 1,
            "itemsPerPage": 0,
            "Resources": [],
        }
        created = await okta.post("/Users", sample("okta_create_user.json"))
        assert created.status_code == 201 and created.content
        user = created.json()
        assert "password" not in user and user["groups"] == []
        # Matching is case-insensitive: the next lookup finds it whatever the case.
        again = (
            await okta.get('/Users?filter=userName eq "ADA.OKTA@example.com"&startIndex=1&count=100')
        ).json()
        assert again["totalResults"] == 1 and again["Resources"][0]["id"] == user["id"]
        fetched = (await okta.get(f"/Users/{user['id']}")).json()
        fetched["name"]["familyName"] = "Okta-Updated"
        put = await okta.put(f"/Users/{user['id']}", fetched)
        assert put.status_code == 200 and put.json()["name"]["familyName"] == "Okta-Updated"
        deactivated = await okta.request("PATCH", f"/Users/{user['id']}", sample("okta_deactivate.json"))
        assert deactivated.json()["active"] is False
        assert (await okta.get(f"/Users/{user['id']}")).json()["active"] is False
        dup = await okta.post("/Users", sample("okta_create_user.json"))
        assert_error(dup, 409, "uniqueness")
        missing = await okta.get("/Users/010101")
        assert_error(missing, 404)
        log = await events(db, ws)
        assert [e.operation for e in log] == ["create_user", "replace_user", "patch_user", "create_user"]
        assert {e.idp for e in log} == {"okta"}
        assert log[0].target == "ada.okta@example.com"
        assert {"attribute": "password", "reason": "passwords are never stored"} in log[0].ignored
        assert "deactivated" in log[2].applied
        assert log[3].outcome == "failure" and log[3].error_type == "uniqueness" and log[3].status_code == 409

    async def test_group_push(self, client, db, ws) -> None:
        okta = Scim(client, ws, OKTA_UA)
        a = (await okta.post("/Users", {"userName": "a@x.test"})).json()["id"]
        b = (await okta.post("/Users", {"userName": "b@x.test"})).json()["id"]
        group = (
            await okta.post("/Groups", {"schemas": [GROUP], "displayName": "Push", "members": []})
        ).json()
        path = f"/Groups/{group['id']}"
        renamed = await okta.patch_group(
            group["id"], [{"op": "replace", "value": {"id": group["id"], "displayName": "Pushed"}}]
        )
        assert renamed.json()["displayName"] == "Pushed"
        await okta.patch_group(
            group["id"], [{"op": "add", "path": "members", "value": [{"value": a}, {"value": b}]}]
        )
        delta = await okta.patch_group(
            group["id"],
            [
                {"op": "remove", "path": f'members[value eq "{a}"]'},
                {"op": "add", "path": "members", "value": [{"value": a}]},
                {"op": "remove", "path": f'members[value eq "{b}"]'},
            ],
        )
        assert [m["value"] for m in delta.json()["members"]] == [a]
        pushed = await okta.patch_group(group["id"], [{"op": "replace", "path": "members", "value": []}])
        assert pushed.json()["members"] == []
        assert (await okta.delete(path)).status_code == 204


class TestEntra:
    async def test_connection_test_with_random_user_name(self, client, ws) -> None:
        entra = Scim(client, ws, ENTRA_UA)
        response = await entra.get(f'/Users?filter=userName eq "{uuid.uuid4()}"')
        assert response.status_code == 200 and response.json()["totalResults"] == 0

    async def test_create_patch_soft_delete_hard_delete(self, client, db, ws) -> None:
        entra = Scim(client, ws, ENTRA_UA)
        created = await entra.post("/Users", sample("entra_create_user.json"))
        assert created.status_code == 201, created.text
        user = created.json()
        assert user[ENTERPRISE]["manager"]["value"] == "3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0001"
        assert "title" not in user and "employeeNumber" not in user[ENTERPRISE]
        patched = await entra.request("PATCH", f"/Users/{user['id']}", sample("entra_patch_user.json"))
        assert patched.status_code == 200, patched.text
        out = patched.json()
        assert out["emails"][0]["value"] == "updated@contoso.test"
        assert out["phoneNumbers"] == [{"value": "+1 555 0100", "type": "mobile", "primary": False}]
        assert out["name"] == {"familyName": "updatedFamilyName", "givenName": "Dotted"}
        assert out["active"] is False  # soft delete: still readable
        assert out[ENTERPRISE]["division"] == "EMEA"
        assert out[ENTERPRISE]["manager"]["value"] == "3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0002"
        assert (await entra.get(f"/Users/{user['id']}")).status_code == 200
        assert (await entra.delete(f"/Users/{user['id']}")).status_code == 204
        assert_error(await entra.get(f"/Users/{user['id']}"), 404)
        create_event, patch_event, delete_event = await events(db, ws)
        assert create_event.idp == "entra"
        assert any("unknown schema URN" in r for r in create_event.rewrites)
        assert any("null title" in r for r in create_event.rewrites)
        assert any("bare manager id" in r for r in create_event.rewrites)
        assert {"attribute": "roles", "reason": "not supported by Roster"} in create_event.ignored
        rewrites = " | ".join(patch_event.rewrites)
        for expected in (
            "op Replace read as replace",
            "string boolean",
            "dotted key name.givenName",
            "URN-qualified key division",
            "created the missing phoneNumbers entry",
        ):
            assert expected in rewrites, (expected, rewrites)
        assert delete_event.operation == "delete_user"

    async def test_groups_with_microsoft_urn_and_member_removal_dialect(self, client, db, ws) -> None:
        entra = Scim(client, ws, "")
        a = (await entra.post("/Users", {"userName": "ea@x.test"})).json()["id"]
        b = (await entra.post("/Users", {"userName": "eb@x.test"})).json()["id"]
        created = await entra.post("/Groups", sample("entra_create_group.json"))
        assert created.status_code == 201, created.text
        group = created.json()
        await entra.patch_group(
            group["id"], [{"op": "Add", "path": "members", "value": [{"value": a}, {"value": b}]}]
        )
        listed = (
            await entra.get('/Groups?excludedAttributes=members&filter=displayName eq "displayName"')
        ).json()
        assert listed["totalResults"] == 1 and "members" not in listed["Resources"][0]
        removed = await entra.patch_group(
            group["id"], [{"op": "Remove", "path": "members", "value": [{"value": a}]}]
        )
        assert [m["value"] for m in removed.json()["members"]] == [b]
        log = await events(db, ws)
        group_create = next(e for e in log if e.operation == "create_group")
        assert group_create.idp == "entra"  # from the Microsoft group URN, without a User-Agent
        assert any("value list" in r for r in log[-1].rewrites)


class TestGoogle:
    async def test_probe_create_suspend(self, client, ws) -> None:
        google = Scim(client, ws, "Google-Auto-Provisioning")
        probe = await google.get("/Users?count=1")
        assert probe.status_code == 200 and probe.json()["itemsPerPage"] == 1
        user = (
            await google.post("/Users", {"userName": "g@x.test", "name": {"givenName": "G"}, "active": True})
        ).json()
        suspended = await google.put(f"/Users/{user['id']}", {"userName": "g@x.test", "active": False})
        assert suspended.json()["active"] is False
        resumed = await google.patch(
            f"/Users/{user['id']}", [{"op": "replace", "path": "active", "value": True}]
        )
        assert resumed.json()["active"] is True


class TestJumpCloud:
    async def test_connection_test_creates_and_deletes(self, client, db, ws) -> None:
        jc = Scim(client, ws, "JumpCloud SCIM client")
        user = (await jc.post("/Users", {"schemas": [USER], "userName": "jc-test@x.test"})).json()
        group = (await jc.post("/Groups", {"schemas": [GROUP], "displayName": "jc-test-group"})).json()
        assert (await jc.delete(f"/Groups/{group['id']}")).status_code == 204
        assert (await jc.delete(f"/Users/{user['id']}")).status_code == 204
        assert {e.idp for e in await events(db, ws)} == {"jumpcloud"}

    async def test_takeover_of_existing_group_and_member(self, client, db, ws) -> None:
        from app.groups import service as group_service

        existing = await db.write(
            group_service.create_group, ws.owner_actor, workspace_id=ws.id, name="Design"
        )
        invited = await make_member(db, ws, email="dana@x.test", name="Dana")
        jc = Scim(client, ws, "JumpCloud")
        adopted = await jc.post("/Users", {"userName": "dana@x.test", "name": {"givenName": "Dana"}})
        assert adopted.status_code == 201 and adopted.json()["id"] == str(invited.id)
        taken = await jc.post("/Groups", {"displayName": "design", "members": [{"value": str(invited.id)}]})
        assert taken.status_code == 201 and taken.json()["id"] == str(existing.id)
        member = await db.read(member_service.get_member, SYSTEM, workspace_id=ws.id, member_id=invited.id)
        assert member.scim_managed
        removed = await jc.patch_group(
            str(existing.id),
            [{"op": "remove", "path": "members", "value": [{"value": str(invited.id)}]}],
        )
        assert removed.json()["members"] == []
