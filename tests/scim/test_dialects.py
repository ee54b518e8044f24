"""The dialect normaliser: each IdP quirk is accepted and recorded in the provisioning log.

Unquoted filter values in list queries (``filter=userName eq bob``) belong to the filter compiler
(scim_facade/filters.py) and are tested with it."""

from __future__ import annotations

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import ENTERPRISE, GROUP, USER, Scim, events


@pytest.fixture
async def ws(db):
    return await make_workspace(db, scim=True)


@pytest.fixture
async def scim(client, ws) -> Scim:
    return Scim(client, ws)


async def last_rewrites(db, ws) -> str:
    return " | ".join((await events(db, ws))[-1].rewrites)


class TestResourceBodies:
    async def test_pascal_case_names(self, scim: Scim, db, ws) -> None:
        response = await scim.post(
            "/Users",
            {
                "Schemas": [USER],
                "UserName": "pascal@x.test",
                "Emails": [{"Value": "p@x.test", "Primary": "True"}],
                "Active": "False",
            },
        )
        assert response.status_code == 201, response.text
        user = response.json()
        assert user["userName"] == "pascal@x.test" and user["active"] is False
        assert user["emails"] == [{"value": "p@x.test", "primary": True}]
        rewrites = await last_rewrites(db, ws)
        assert "UserName read as userName" in rewrites and "string boolean" in rewrites

    async def test_urn_and_dotted_keys_in_a_body(self, scim: Scim, db, ws) -> None:
        user = await scim.create_user(
            "dots@x.test", **{"name.givenName": "Dot", f"{ENTERPRISE}:costCenter": "C9"}
        )
        assert user["name"] == {"givenName": "Dot"} and user[ENTERPRISE]["costCenter"] == "C9"

    async def test_unknown_schema_urns_are_ignored(self, scim: Scim, db, ws) -> None:
        response = await scim.post(
            "/Users",
            {
                "schemas": [USER, "urn:example:custom:1.0:User"],
                "userName": "urn@x.test",
                "urn:example:custom:1.0:User": {"badge": "7"},
            },
        )
        assert response.status_code == 201 and response.json()["schemas"] == [USER]
        rewrites = await last_rewrites(db, ws)
        assert "ignored unknown schema URN urn:example:custom:1.0:User" in rewrites
        assert "ignored unknown extension" in rewrites


class TestPatchDialect:
    @pytest.fixture
    async def user(self, scim: Scim) -> dict:
        return await scim.create_user("d@x.test", emails=[{"value": "d@x.test", "type": "home"}])

    @pytest.mark.parametrize(
        ("op", "check", "rewrite"),
        [
            (
                {"op": "REPLACE", "path": "title", "value": "T"},
                lambda u: u["title"] == "T",
                "op REPLACE read as replace",
            ),
            (
                {"op": "replace", "path": "active", "value": "false"},
                lambda u: u["active"] is False,
                "string boolean",
            ),
            (
                {"op": "replace", "value": {"name.familyName": "F"}},
                lambda u: u["name"]["familyName"] == "F",
                "dotted key",
            ),
            (
                {"op": "add", "value": {f"{ENTERPRISE}:department": "D"}},
                lambda u: u[ENTERPRISE]["department"] == "D",
                "URN-qualified key department",
            ),
            (
                {"op": "add", "path": 'emails[type eq "work"].value', "value": "w@x.test"},
                lambda u: (
                    {"value": "w@x.test", "type": "work"}
                    in [{k: v for k, v in e.items() if k != "primary"} for e in u["emails"]]
                ),
                "created the missing emails entry",
            ),
            (
                {"op": "replace", "path": "nickName", "value": None},
                lambda u: "nickName" not in u,
                "with null read as remove",
            ),
            (
                {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": "boss"},
                lambda u: u[ENTERPRISE]["manager"]["value"] == "boss",
                "bare manager id",
            ),
            (
                {"op": "replace", "path": "emails[type eq home].value", "value": "h@x.test"},
                lambda u: u["emails"][0]["value"] == "h@x.test",
                "unquoted filter value",
            ),
            (
                {"op": "remove", "path": "emails", "value": [{"value": "d@x.test"}]},
                lambda u: "emails" not in u,
                "value list",
            ),
        ],
    )
    async def test_dialect_accepted_and_recorded(
        self, scim: Scim, db, ws, user: dict, op, check, rewrite
    ) -> None:
        response = await scim.patch(f"/Users/{user['id']}", [op])
        assert response.status_code == 200, response.text
        assert check(response.json()), response.json()
        assert rewrite in await last_rewrites(db, ws)

    async def test_lower_case_operations_key(self, scim: Scim, user: dict) -> None:
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "operations": [{"op": "replace", "path": "title", "value": "X"}],
        }
        response = await scim.request("PATCH", f"/Users/{user['id']}", body)
        assert response.json()["title"] == "X"

    async def test_group_member_removal_by_value_list_removes_only_those(self, scim: Scim, db, ws) -> None:
        a = (await scim.create_user("a@x.test"))["id"]
        b = (await scim.create_user("b@x.test"))["id"]
        group = await scim.create_group("G", [a, b])
        response = await scim.patch_group(
            group["id"], [{"op": "Remove", "path": "members", "value": [{"value": a}]}]
        )
        assert [m["value"] for m in response.json()["members"]] == [b]
        assert "value list" in await last_rewrites(db, ws)

    async def test_microsoft_group_urn(self, scim: Scim, db, ws) -> None:
        body = {
            "schemas": [GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
            "displayName": "MS",
        }
        response = await scim.post("/Groups", body)
        assert response.status_code == 201 and response.json()["schemas"] == [GROUP]
        assert "Microsoft group schema URN" in await last_rewrites(db, ws)
