"""SCIM settings over GraphQL: Enterprise owners only; token plaintext shown once and never again."""

from __future__ import annotations

import json

from app.enums import Plan
from tests.graphql.conftest import make_team

TOKEN = "id name prefix createdAt lastUsedAt expiresAt revokedAt active"
SETTINGS = "enabled baseUrl tokens { " + TOKEN + " }"
ERRORS = "... on Error { __typename message } ... on PlanRequired { plan } ... on InvalidInput { field }"
QUERY = (
    "{ scimSettings { __typename ... on ScimSettings { " + SETTINGS + " } "
    "... on Error { __typename message } ... on PlanRequired { plan } } }"
)
CREATED = (
    "__typename ... on ScimTokenCreated { plaintext token { "
    + TOKEN
    + " } settings { "
    + SETTINGS
    + " } } "
    + ERRORS
)
ENABLE = "mutation { enableScim { " + CREATED + " } }"
DISABLE = "mutation { disableScim { __typename ... on ScimSettings { " + SETTINGS + " } " + ERRORS + " } }"
CREATE = (
    "mutation($name: String!, $days: Int) { createScimToken(name: $name, expiresInDays: $days) { "
    + CREATED
    + " } }"
)
REVOKE = (
    "mutation($id: ID!) { revokeScimToken(id: $id) { __typename ... on ScimToken { "
    + TOKEN
    + " } "
    + ERRORS
    + " } }"
)


class TestScimSettingsQuery:
    async def test_owner_sees_disabled_settings(self, team):
        settings = (await team.owner.data(QUERY))["scimSettings"]
        assert settings == {
            "__typename": "ScimSettings",
            "enabled": False,
            "baseUrl": f"http://test/scim/v2/{team.ws.workspace.scim_key}",
            "tokens": [],
        }

    async def test_admin_and_member_are_denied(self, team):
        for gql in (team.admin, team.member):
            assert (await gql.data(QUERY))["scimSettings"]["__typename"] == "PermissionDenied"

    async def test_pro_owner_needs_enterprise(self, db, as_member):
        pro = await make_team(db, as_member, Plan.PRO)
        result = (await pro.owner.data(QUERY))["scimSettings"]
        assert (result["__typename"], result["plan"]) == ("PlanRequired", "ENTERPRISE")


class TestEnableScim:
    async def test_enable_shows_token_once(self, team, anonymous):
        created = (await team.owner.data(ENABLE))["enableScim"]
        assert created["__typename"] == "ScimTokenCreated"
        plaintext = created["plaintext"]
        assert plaintext.startswith("rst_scim_") and plaintext.startswith(created["token"]["prefix"])
        assert created["settings"]["enabled"] is True and created["token"]["active"] is True
        assert [t["id"] for t in created["settings"]["tokens"]] == [created["token"]["id"]]
        # the plaintext is in no later answer
        later = await team.owner(QUERY)
        assert plaintext not in json.dumps(later)
        assert later["data"]["scimSettings"]["tokens"][0]["prefix"] == created["token"]["prefix"]
        # and it works against SCIM... only as a bearer token, never readable back
        schema = await team.owner('{ __type(name: "ScimToken") { fields { name } } }')
        assert "plaintext" not in json.dumps(schema) and "hash" not in json.dumps(schema).lower()

    async def test_enable_twice_is_invalid(self, team):
        await team.owner.data(ENABLE)
        assert (await team.owner.data(ENABLE))["enableScim"]["__typename"] == "InvalidInput"
        assert len((await team.owner.data(QUERY))["scimSettings"]["tokens"]) == 1

    async def test_admin_denied_and_pro_owner_needs_plan(self, db, team, as_member):
        assert (await team.admin.data(ENABLE))["enableScim"]["__typename"] == "PermissionDenied"
        assert (await team.member.data(ENABLE))["enableScim"]["__typename"] == "PermissionDenied"
        assert (await team.owner.data(QUERY))["scimSettings"]["enabled"] is False
        pro = await make_team(db, as_member, Plan.PRO)
        result = (await pro.owner.data(ENABLE))["enableScim"]
        assert (result["__typename"], result["plan"]) == ("PlanRequired", "ENTERPRISE")
        assert (await pro.owner.data("{ workspace { scimEnabled plan } }"))["workspace"] == {
            "scimEnabled": False,
            "plan": "PRO",
        }


class TestTokens:
    async def test_rotate_and_revoke_one(self, team):
        first = (await team.owner.data(ENABLE))["enableScim"]
        second = (await team.owner.data(CREATE, name="Rotation", days=30))["createScimToken"]
        assert second["__typename"] == "ScimTokenCreated"
        assert second["token"]["name"] == "Rotation" and second["token"]["expiresAt"] is not None
        assert second["plaintext"] != first["plaintext"]
        assert len(second["settings"]["tokens"]) == 2
        revoked = (await team.owner.data(REVOKE, id=first["token"]["id"]))["revokeScimToken"]
        assert revoked["__typename"] == "ScimToken" and revoked["active"] is False and revoked["revokedAt"]
        tokens = {t["name"]: t["active"] for t in (await team.owner.data(QUERY))["scimSettings"]["tokens"]}
        assert tokens == {"Identity provider": False, "Rotation": True}

    async def test_old_token_stops_working_other_keeps_working(self, team, client):
        first = (await team.owner.data(ENABLE))["enableScim"]
        second = (await team.owner.data(CREATE, name="Rotation"))["createScimToken"]
        await team.owner.data(REVOKE, id=first["token"]["id"])
        url = f"{team.ws.scim_base}/ServiceProviderConfig"
        old = await client.get(url, headers={"Authorization": f"Bearer {first['plaintext']}"})
        new = await client.get(url, headers={"Authorization": f"Bearer {second['plaintext']}"})
        assert old.status_code == 401 and new.status_code == 200

    async def test_create_token_bad_input(self, team):
        assert (await team.owner.data(CREATE, name="x"))["createScimToken"]["__typename"] == "InvalidInput"
        await team.owner.data(ENABLE)
        for name, days, field in (
            ("", None, "name"),
            ("n" * 101, None, "name"),
            ("ok", 0, "expiresInDays"),
            ("ok", 99999, "expiresInDays"),
        ):
            result = (await team.owner.data(CREATE, name=name, days=days))["createScimToken"]
            assert (result["__typename"], result["field"]) == ("InvalidInput", field)
        assert len((await team.owner.data(QUERY))["scimSettings"]["tokens"]) == 1

    async def test_create_and_revoke_need_owner(self, team):
        created = (await team.owner.data(ENABLE))["enableScim"]
        assert (await team.admin.data(CREATE, name="x"))["createScimToken"][
            "__typename"
        ] == "PermissionDenied"
        result = (await team.admin.data(REVOKE, id=created["token"]["id"]))["revokeScimToken"]
        assert result["__typename"] == "PermissionDenied"
        assert (await team.owner.data(QUERY))["scimSettings"]["tokens"][0]["active"] is True

    async def test_revoke_unknown_and_malformed(self, team):
        result = (await team.owner.data(REVOKE, id="00000000-0000-0000-0000-000000000000"))["revokeScimToken"]
        assert result["__typename"] == "NotFoundError"
        result = (await team.owner.data(REVOKE, id="token"))["revokeScimToken"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "id")


class TestDisableScim:
    async def test_disable_revokes_every_token(self, team):
        await team.owner.data(ENABLE)
        await team.owner.data(CREATE, name="Second")
        result = (await team.owner.data(DISABLE))["disableScim"]
        assert result["__typename"] == "ScimSettings" and result["enabled"] is False
        assert [t["active"] for t in result["tokens"]] == [False, False]
        assert (await team.owner.data("{ workspace { scimEnabled } }"))["workspace"]["scimEnabled"] is False

    async def test_admin_may_not_disable(self, team):
        await team.owner.data(ENABLE)
        assert (await team.admin.data(DISABLE))["disableScim"]["__typename"] == "PermissionDenied"
        assert (await team.owner.data(QUERY))["scimSettings"]["enabled"] is True
