"""/Users CRUD through HTTP."""

from __future__ import annotations

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import ENTERPRISE, USER, Scim, assert_error


@pytest.fixture
async def scim(client, db) -> Scim:
    ws = await make_workspace(db, scim=True)
    return Scim(client, ws)


class TestCreateUser:
    async def test_created_with_every_attribute(self, scim: Scim) -> None:
        body = {
            "schemas": [USER, ENTERPRISE],
            "userName": "Ada.Lovelace@example.com",
            "externalId": "00u1",
            "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
            "displayName": "Ada L.",
            "nickName": "ada",
            "title": "Countess",
            "userType": "Employee",
            "profileUrl": "https://example.com/ada",
            "locale": "en-GB",
            "preferredLanguage": "en",
            "timezone": "Europe/London",
            "active": True,
            "password": "s3cret!",
            "emails": [{"value": "ada@example.com", "type": "work", "primary": True}],
            "phoneNumbers": [{"value": "+44 20 0000", "type": "mobile"}],
            ENTERPRISE: {
                "employeeNumber": "42",
                "costCenter": "CC1",
                "organization": "Acme",
                "division": "R&D",
                "department": "Engines",
                "manager": {"value": "boss-1", "displayName": "Babbage"},
            },
        }
        response = await scim.post("/Users", body)
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/scim+json"
        user = response.json()
        assert response.headers["location"] == user["meta"]["location"]
        assert response.headers["etag"] == user["meta"]["version"] == 'W/"1"'
        for key in (
            "userName",
            "externalId",
            "name",
            "displayName",
            "nickName",
            "title",
            "userType",
            "profileUrl",
            "locale",
            "preferredLanguage",
            "timezone",
            "emails",
        ):
            assert user[key] == body[key], key
        # primary is a boolean: an unset one reads back as false
        assert user["phoneNumbers"] == [{"value": "+44 20 0000", "type": "mobile", "primary": False}]
        assert "password" not in user
        assert user["active"] is True
        assert user["groups"] == []
        assert user["schemas"] == [USER, ENTERPRISE]
        ext = user[ENTERPRISE]
        assert ext["department"] == "Engines" and ext["employeeNumber"] == "42"
        assert ext["manager"]["value"] == "boss-1" and ext["manager"]["displayName"] == "Babbage"
        assert ext["manager"]["$ref"].endswith("/Users/boss-1")
        again = await scim.get(f"/Users/{user['id']}")
        assert again.status_code == 200
        assert again.json() == user

    async def test_duplicate_user_name_is_409_uniqueness_case_insensitive(self, scim: Scim) -> None:
        await scim.create_user("bob@example.com")
        response = await scim.post("/Users", {"schemas": [USER], "userName": "BOB@example.com"})
        body = assert_error(response, 409, "uniqueness")
        assert "bob@example.com" in body["detail"].lower()

    @pytest.mark.parametrize(
        "body",
        [
            {"userName": "x", "active": 5},
            {"userName": "x", "emails": "x"},
            {"userName": "x", "emails": [{"type": "work"}]},
            {"userName": "x", "name": "Ada"},
            {"userName": 12},
            {"userName": "x" * 300},
            {"userName": "x", "displayName": "y" * 256},
            {"displayName": "no user name"},
            {
                "userName": "x",
                "emails": [{"value": "a@x", "primary": True}, {"value": "b@x", "primary": True}],
            },
        ],
    )
    async def test_bad_values_are_400_invalid_value(self, scim: Scim, body) -> None:
        assert_error(await scim.post("/Users", {"schemas": [USER], **body}), 400, "invalidValue")

    async def test_body_that_is_not_json_is_400_invalid_syntax(self, scim: Scim) -> None:
        response = await scim.client.post(
            scim.ws.scim_base + "/Users", content=b"{nope", headers=scim.headers
        )
        assert_error(response, 400, "invalidSyntax")
        response = await scim.client.post(scim.ws.scim_base + "/Users", content=b"[1]", headers=scim.headers)
        assert_error(response, 400, "invalidSyntax")

    @pytest.mark.parametrize(
        "content_type",
        ["application/json", "application/scim+json; charset=utf-8", "application/json;charset=UTF-8"],
    )
    async def test_json_content_types_are_accepted(self, scim: Scim, content_type: str) -> None:
        response = await scim.client.post(
            scim.ws.scim_base + "/Users",
            content=b'{"userName": "ct@example.com"}',
            headers={**scim.headers, "Content-Type": content_type},
        )
        assert response.status_code == 201, response.text


class TestReadUser:
    async def test_unknown_and_malformed_ids_are_404(self, scim: Scim) -> None:
        assert_error(await scim.get("/Users/3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000"), 404)
        assert_error(await scim.get("/Users/not-a-uuid"), 404)

    async def test_if_none_match_gives_304(self, scim: Scim) -> None:
        user = await scim.create_user("etag@example.com")
        response = await scim.get(f"/Users/{user['id']}", **{"If-None-Match": user["meta"]["version"]})
        assert response.status_code == 304
        response = await scim.get(f"/Users/{user['id']}", **{"If-None-Match": 'W/"999"'})
        assert response.status_code == 200

    async def test_attributes_and_excluded_attributes(self, scim: Scim) -> None:
        user = await scim.create_user("proj@example.com", name={"givenName": "P", "familyName": "Q"})
        only = (await scim.get(f"/Users/{user['id']}?attributes=userName,name.givenName")).json()
        assert only == {
            "schemas": [USER],
            "id": user["id"],
            "userName": "proj@example.com",
            "name": {"givenName": "P"},
        }
        without = (await scim.get(f"/Users/{user['id']}?excludedAttributes=groups,name")).json()
        assert "groups" not in without and "name" not in without and without["userName"] == "proj@example.com"


class TestReplaceUser:
    async def test_put_replaces_and_bumps_version(self, scim: Scim) -> None:
        user = await scim.create_user("put@example.com", displayName="Old", title="T")
        response = await scim.put(
            f"/Users/{user['id']}",
            {"schemas": [USER], "userName": "put@example.com", "displayName": "New", "active": True},
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["displayName"] == "New" and "title" not in updated
        assert updated["meta"]["version"] == 'W/"2"'

    async def test_if_match_mismatch_is_412(self, scim: Scim) -> None:
        user = await scim.create_user("412@example.com")
        body = {"schemas": [USER], "userName": "412@example.com", "displayName": "x"}
        assert_error(await scim.put(f"/Users/{user['id']}", body, **{"If-Match": 'W/"7"'}), 412)
        ok = await scim.put(f"/Users/{user['id']}", body, **{"If-Match": user["meta"]["version"]})
        assert ok.status_code == 200
        assert_error(await scim.delete(f"/Users/{user['id']}", **{"If-Match": 'W/"1"'}), 412)

    async def test_put_to_another_members_user_name_is_409(self, scim: Scim) -> None:
        await scim.create_user("taken@example.com")
        user = await scim.create_user("mine@example.com")
        response = await scim.put(f"/Users/{user['id']}", {"userName": "TAKEN@example.com"})
        assert_error(response, 409, "uniqueness")


class TestDeleteUser:
    async def test_delete_then_404_and_repost_revives(self, scim: Scim) -> None:
        user = await scim.create_user("gone@example.com", externalId="ext-1")
        assert (await scim.delete(f"/Users/{user['id']}")).status_code == 204
        assert_error(await scim.get(f"/Users/{user['id']}"), 404)
        assert_error(await scim.delete(f"/Users/{user['id']}"), 404)
        revived = await scim.create_user("gone@example.com", externalId="ext-1")
        assert revived["id"] == user["id"]
        assert revived["active"] is True
