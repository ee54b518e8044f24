"""Authentication, content types, unknown routes, tenant isolation, discovery and lists."""

from __future__ import annotations

import pytest

from app.scim_settings import service as scim_settings
from tests.factories import make_workspace
from tests.scim.helpers import ENTERPRISE, LIST, USER, Scim, assert_error, events


@pytest.fixture
async def ws(db):
    return await make_workspace(db, scim=True)


@pytest.fixture
async def scim(client, ws) -> Scim:
    return Scim(client, ws)


class TestAuthentication:
    async def _assert_401(self, response) -> None:
        assert_error(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_missing_wrong_and_malformed_tokens(self, client, ws) -> None:
        url = ws.scim_base + "/Users"
        await self._assert_401(await client.get(url))
        await self._assert_401(await client.get(url, headers={"Authorization": "Bearer rst_scim_nope"}))
        await self._assert_401(await client.get(url, headers={"Authorization": f"Basic {ws.scim_token}"}))
        await self._assert_401(await client.post(url, content=b"{}", headers={"Authorization": "Bearer x"}))

    async def test_unknown_key_is_401_too(self, client, ws) -> None:
        await self._assert_401(await client.get("/scim/v2/no-such-key/Users", headers=ws.scim_headers()))

    async def test_revoked_token_and_rotation(self, client, db, ws) -> None:
        second = await db.write(
            scim_settings.create_token, ws.owner_actor, workspace_id=ws.id, name="rotation"
        )
        tokens = await db.read(scim_settings.get_settings, ws.owner_actor, workspace_id=ws.id)
        first = next(t for t in tokens.tokens if t.id != second.token.id)
        await db.write(scim_settings.revoke_token, ws.owner_actor, workspace_id=ws.id, token_id=first.id)
        await self._assert_401(await client.get(ws.scim_base + "/Users", headers=ws.scim_headers()))
        ok = await client.get(
            ws.scim_base + "/Users", headers={"Authorization": f"Bearer {second.plaintext}"}
        )
        assert ok.status_code == 200

    async def test_disabled_scim_is_401(self, client, db, ws) -> None:
        await db.write(scim_settings.disable_scim, ws.owner_actor, workspace_id=ws.id)
        await self._assert_401(await client.get(ws.scim_base + "/Users", headers=ws.scim_headers()))

    async def test_rejections_are_logged_without_the_token(self, client, db, ws) -> None:
        await client.get(ws.scim_base + "/Users", headers={"Authorization": "Bearer rst_scim_wrong"})
        [event] = await events(db, ws)
        assert (
            event.status_code == 401 and event.outcome == "failure" and event.error_type == "Unauthenticated"
        )
        assert "rst_scim" not in repr(vars(event))


class TestTenantIsolation:
    async def test_other_workspace_key_and_ids(self, client, db, ws, scim: Scim) -> None:
        other = await make_workspace(db, name="Other", owner_email="o@other.test", scim=True)
        other_scim = Scim(client, other)
        mine = await scim.create_user("same@example.com")
        theirs = await other_scim.create_user("same@example.com")
        assert mine["id"] != theirs["id"]
        # my token with their key
        response = await client.get(other.scim_base + "/Users", headers=ws.scim_headers())
        assert_error(response, 401)
        # their ids through my base URL
        assert_error(await scim.get(f"/Users/{theirs['id']}"), 404)
        assert_error(
            await scim.patch(f"/Users/{theirs['id']}", [{"op": "replace", "path": "title", "value": "x"}]),
            404,
        )
        assert_error(await scim.delete(f"/Users/{theirs['id']}"), 404)
        group = await other_scim.create_group("Theirs")
        assert_error(await scim.get(f"/Groups/{group['id']}"), 404)
        response = await scim.post("/Groups", {"displayName": "Mine", "members": [{"value": theirs["id"]}]})
        assert_error(response, 400, "invalidValue")
        listed = (await scim.get("/Users?count=100")).json()
        ids = {r["id"] for r in listed["Resources"]}
        assert mine["id"] in ids and theirs["id"] not in ids
        assert {r["userName"] for r in listed["Resources"]} == {"same@example.com", "owner@acme.test"}


class TestProtocol:
    async def test_unknown_route_and_method(self, scim: Scim) -> None:
        assert_error(await scim.get("/Nope"), 404)
        response = await scim.request("DELETE", "/Users")
        assert_error(response, 405)

    async def test_service_provider_config_tells_the_truth(self, scim: Scim, client) -> None:
        spc = (await scim.get("/ServiceProviderConfig")).json()
        assert spc["patch"] == {"supported": True}
        assert spc["bulk"]["supported"] is True and spc["bulk"]["maxOperations"] == 1000
        assert spc["filter"] == {"supported": True, "maxResults": 1000}
        assert spc["changePassword"] == {"supported": False}
        assert spc["sort"]["supported"] and spc["etag"]["supported"]
        assert spc["authenticationSchemes"][0]["type"] == "oauthbearertoken"
        assert_error(await scim.get("/ServiceProviderConfig?filter=x"), 403)

    async def test_resource_types_and_schemas(self, scim: Scim) -> None:
        types = (await scim.get("/ResourceTypes")).json()
        assert types["schemas"] == [LIST] and {t["id"] for t in types["Resources"]} == {"User", "Group"}
        user_type = (await scim.get("/ResourceTypes/User")).json()
        assert user_type["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
        schemas = (await scim.get("/Schemas")).json()
        assert {s["id"] for s in schemas["Resources"]} == {
            USER,
            ENTERPRISE,
            "urn:ietf:params:scim:schemas:core:2.0:Group",
        }
        user_schema = (await scim.get(f"/Schemas/{USER}")).json()
        names = {a["name"] for a in user_schema["attributes"]}
        assert {"userName", "emails", "groups", "timezone"} <= names and "addresses" not in names
        assert_error(await scim.get("/Schemas/urn:nope"), 404)
        assert_error(await scim.get("/ResourceTypes/Nope"), 404)


class TestLists:
    async def test_filter_paging_and_count_zero(self, scim: Scim) -> None:
        for i in range(5):
            await scim.create_user(f"list{i}@example.com")
        page = (await scim.get("/Users?startIndex=2&count=2")).json()
        assert page["totalResults"] == 6 and page["startIndex"] == 2 and page["itemsPerPage"] == 2
        assert len(page["Resources"]) == 2
        only_total = (await scim.get("/Users?count=0")).json()
        assert only_total["totalResults"] == 6 and only_total["Resources"] == []
        found = (await scim.get('/Users?filter=userName eq "LIST3@example.com"')).json()
        assert [r["userName"] for r in found["Resources"]] == ["list3@example.com"]
        assert_error(await scim.get("/Users?startIndex=abc"), 400, "invalidValue")
        assert_error(await scim.get("/Users?filter=userName zz 1"), 400, "invalidFilter")

    async def test_count_is_capped(self, client, db) -> None:
        ws = await make_workspace(db, scim=True)
        client_app = client._transport.app  # the ASGI app the fixture built
        client_app.state.settings.scim_max_results = 2
        scim = Scim(client, ws)
        for i in range(3):
            await scim.create_user(f"cap{i}@example.com")
        page = (await scim.get("/Users?count=50")).json()
        assert page["itemsPerPage"] == 2 and page["totalResults"] == 4

    async def test_search_endpoints(self, scim: Scim) -> None:
        await scim.create_user("searched@example.com")
        await scim.create_group("Searched")
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName sw "search"',
        }
        users = (await scim.post("/Users/.search", body)).json()
        assert [r["userName"] for r in users["Resources"]] == ["searched@example.com"]
        groups = (await scim.post("/Groups/.search", {**body, "filter": 'displayName eq "searched"'})).json()
        assert [r["displayName"] for r in groups["Resources"]] == ["Searched"]
        both = (
            await scim.post(
                "/.search",
                {**body, "filter": 'displayName eq "searched" or userName eq "searched@example.com"'},
            )
        ).json()
        assert both["totalResults"] >= 1

    async def test_group_list_without_members(self, scim: Scim) -> None:
        user = await scim.create_user("gm@example.com")
        await scim.create_group("WithMembers", [user["id"]])
        listed = (await scim.get("/Groups?excludedAttributes=members")).json()
        assert listed["Resources"] and all("members" not in g for g in listed["Resources"])
        full = (await scim.get("/Groups")).json()
        assert full["Resources"][0]["members"][0]["value"] == user["id"]


class TestErrorStatuses:
    async def test_last_owner_cannot_be_deactivated_or_removed(self, scim: Scim, ws) -> None:
        owner = str(ws.owner.id)
        response = await scim.patch(f"/Users/{owner}", [{"op": "replace", "path": "active", "value": False}])
        body = assert_error(response, 400, "mutability")
        assert "last active owner" in body["detail"]
        assert_error(await scim.delete(f"/Users/{owner}"), 400, "mutability")

    async def test_too_many_patch_operations(self, client, db) -> None:
        ws = await make_workspace(db, scim=True)
        client._transport.app.state.settings.scim_bulk_max_operations = 3
        scim = Scim(client, ws)
        user = await scim.create_user("many@x.test")
        ops = [{"op": "replace", "path": "title", "value": str(i)} for i in range(4)]
        assert_error(await scim.patch(f"/Users/{user['id']}", ops), 400, "tooMany")

    async def test_unexpected_error_is_a_plain_500(self, client, db, monkeypatch) -> None:
        from app.members import service as member_service

        ws = await make_workspace(db, scim=True)
        scim = Scim(client, ws)

        def boom(*args, **kwargs):
            raise RuntimeError("secret internals: password=hunter2")

        monkeypatch.setattr(member_service, "provision_member", boom)
        response = await scim.post("/Users", {"userName": "boom@x.test"})
        body = assert_error(response, 500)
        assert "secret" not in response.text and "RuntimeError" not in response.text
        assert body["detail"].startswith("internal server error")
        [event] = await events(db, ws)
        assert event.status_code == 500 and event.error_type == "RuntimeError"
