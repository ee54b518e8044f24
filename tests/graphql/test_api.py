"""The GraphQL endpoint itself: exported SDL, GraphiQL, sign-in required, masking of unexpected errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.groups import service as group_service
from schema.api import schema

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "00000000-0000-0000-0000-000000000000"

# Every field but ``viewer``, with made-up arguments: none of them may answer without a signed-in member.
QUERIES = {
    "workspace": "{ workspace { id } }",
    "timezones": "{ timezones }",
    "members": "{ members { totalCount } }",
    "member": f'{{ member(id: "{UNKNOWN}") {{ id }} }}',
    "groups": "{ groups { totalCount } }",
    "group": f'{{ group(id: "{UNKNOWN}") {{ id }} }}',
    "scimSettings": "{ scimSettings { __typename } }",
    "provisioningEvents": "{ provisioningEvents { totalCount } }",
}
MUTATIONS = {
    "enableScim": "enableScim",
    "disableScim": "disableScim",
    "createScimToken": 'createScimToken(name: "x")',
    "revokeScimToken": f'revokeScimToken(id: "{UNKNOWN}")',
    "createApiKey": 'createApiKey(name: "x")',
    "revokeApiKey": f'revokeApiKey(id: "{UNKNOWN}")',
    "setMyTimezone": 'setMyTimezone(timezone: "UTC")',
    "inviteMember": 'inviteMember(email: "x@y.test")',
    "changeMemberRole": f'changeMemberRole(memberId: "{UNKNOWN}", role: ADMIN)',
    "setMemberActive": f'setMemberActive(memberId: "{UNKNOWN}", active: false)',
    "createGroup": 'createGroup(name: "x")',
    "renameGroup": f'renameGroup(id: "{UNKNOWN}", name: "x")',
    "addGroupMembers": 'addGroupMembers(groupId: "bad", memberIds: ["bad"])',
    "removeGroupMembers": f'removeGroupMembers(groupId: "{UNKNOWN}", memberIds: [])',
    "deleteGroup": 'deleteGroup(id: "bad")',
}


def test_exported_sdl_is_current():
    """web/schema.graphql is what the UI builds against: regenerate it with `python -m schema.export`."""
    assert (ROOT / "web" / "schema.graphql").read_text(encoding="utf-8") == schema.as_str() + "\n"


def test_every_field_is_covered_below():
    graphql_schema = schema._schema
    assert set(graphql_schema.query_type.fields) == set(QUERIES) | {"viewer"}  # type: ignore[union-attr]
    assert set(graphql_schema.mutation_type.fields) == set(MUTATIONS)  # type: ignore[union-attr]


async def test_graphiql_is_served(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


class TestNotSignedIn:
    async def test_viewer_is_null(self, anonymous):
        assert await anonymous("{ viewer { role } }") == {"data": {"viewer": None}}

    @pytest.mark.parametrize("name", sorted(QUERIES))
    async def test_queries_are_refused(self, anonymous, name):
        body = await anonymous(QUERIES[name])
        assert body["errors"] == [
            {
                "message": "not signed in",
                "locations": body["errors"][0]["locations"],
                "path": [name],
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]

    @pytest.mark.parametrize("name", sorted(MUTATIONS))
    async def test_mutations_are_refused(self, anonymous, name):
        body = await anonymous(f"mutation {{ {MUTATIONS[name]} {{ __typename }} }}")
        assert body["data"] is None
        assert body["errors"][0]["message"] == "not signed in"
        assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}

    async def test_unknown_cookie_and_api_key_are_anonymous(self, client):
        client.cookies.set("roster_session", "rst_session_forged")
        body = (
            await client.post("/graphql", json={"query": "{ viewer { role } members { totalCount } }"})
        ).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        client.cookies.clear()
        response = await client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"X-API-Key": "rst_key_forged"}
        )
        assert response.json() == {"data": {"viewer": None}}


class TestMalformedRequests:
    async def test_syntax_error_is_reported_not_masked(self, team):
        body = await team.owner("{ members { ")
        assert body["data"] is None if "data" in body else True
        assert "Syntax Error" in body["errors"][0]["message"]

    async def test_unknown_field(self, team):
        body = await team.owner("{ members { passwordHash } }")
        assert "passwordHash" in body["errors"][0]["message"]

    async def test_non_json_body(self, client):
        response = await client.post(
            "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400

    async def test_runaway_nesting_is_refused(self, team):
        nested = "groups { members { nodes { " * 4 + "id" + " } } }" * 4
        body = await team.owner("{ members { nodes { " + nested + " } } }")
        assert body["data"] is None if "data" in body else True
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]

    async def test_wrong_variable_type(self, team):
        body = await team.owner("query($f: Int) { members(first: $f) { totalCount } }", f="many")
        assert body["data"] is None and "many" in body["errors"][0]["message"]


class TestUnexpectedErrorsAreMasked:
    async def test_query(self, team, monkeypatch):
        def boom(*_args, **_kw):  # type: ignore[no-untyped-def]
            raise RuntimeError("SELECT secret FROM internals")

        monkeypatch.setattr(group_service, "list_groups", boom)
        body = await team.owner("{ groups { totalCount } }")
        assert body["errors"][0]["message"] == "Unexpected error."
        assert "secret" not in str(body) and "extensions" not in body["errors"][0]

    async def test_mutation_rolls_back_and_is_masked(self, team, monkeypatch):
        real = group_service.create_group

        def half(session, actor, **kw):  # type: ignore[no-untyped-def]
            real(session, actor, **kw)  # writes the group, then fails inside the same unit of work
            raise RuntimeError("disk on fire at /var/lib/secret")

        monkeypatch.setattr(group_service, "create_group", half)
        body = await team.owner('mutation { createGroup(name: "Eng") { __typename } }')
        assert body["errors"][0]["message"] == "Unexpected error."
        assert "fire" not in str(body)
        monkeypatch.setattr(group_service, "create_group", real)
        assert (await team.owner.data("{ groups { totalCount } }"))["groups"]["totalCount"] == 0
