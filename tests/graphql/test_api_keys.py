"""Personal API keys over GraphQL: created with the plaintext shown once, usable, revocable."""

from __future__ import annotations

import json

from tests.graphql.conftest import Gql

CREATE = (
    "mutation($name: String!) { createApiKey(name: $name) { __typename ... on ApiKeyCreated { plaintext "
    "apiKey { id name prefix createdAt lastUsedAt revokedAt active } } ... on Error { message } "
    "... on InvalidInput { field } } }"
)
REVOKE = (
    "mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on ApiKey { id active revokedAt } "
    "... on Error { message } ... on InvalidInput { field } } }"
)
KEYS = "{ viewer { apiKeys { id name prefix active } } }"


class TestApiKeys:
    async def test_create_use_and_revoke(self, team, clients):
        created = (await team.member.data(CREATE, name="script"))["createApiKey"]
        assert created["__typename"] == "ApiKeyCreated"
        plaintext, key = created["plaintext"], created["apiKey"]
        assert plaintext.startswith(key["prefix"]) and key["active"] is True
        listed = await team.member(KEYS)
        assert listed["data"]["viewer"]["apiKeys"] == [
            {"id": key["id"], "name": "script", "prefix": key["prefix"], "active": True}
        ]
        assert plaintext not in json.dumps(listed)
        script = Gql(clients())
        script.client.headers["X-API-Key"] = plaintext
        assert (await script.data("{ viewer { member { userName } } }"))["viewer"]["member"] == {
            "userName": "mia@acme.test"
        }
        revoked = (await team.member.data(REVOKE, id=key["id"]))["revokeApiKey"]
        assert (revoked["__typename"], revoked["active"]) == ("ApiKey", False)
        assert (await script.data("{ viewer { role } }"))["viewer"] is None

    async def test_keys_are_personal(self, team):
        key = (await team.member.data(CREATE, name="script"))["createApiKey"]["apiKey"]
        assert (await team.owner.data(KEYS))["viewer"]["apiKeys"] == []
        result = (await team.owner.data(REVOKE, id=key["id"]))["revokeApiKey"]
        assert result["__typename"] == "NotFoundError"
        assert (await team.member.data(KEYS))["viewer"]["apiKeys"][0]["active"] is True

    async def test_bad_input(self, team):
        for name in ("", "k" * 101):
            result = (await team.member.data(CREATE, name=name))["createApiKey"]
            assert (result["__typename"], result["field"]) == ("InvalidInput", "name")
        result = (await team.member.data(REVOKE, id="nope"))["revokeApiKey"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "id")
        assert (await team.member.data(KEYS))["viewer"]["apiKeys"] == []
