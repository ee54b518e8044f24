"""Across the two edges: SCIM enabled in the UI, provisioning over SCIM, the result read through GraphQL."""

from __future__ import annotations

import json

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENABLE = "mutation { enableScim { ... on ScimTokenCreated { plaintext settings { baseUrl } } } }"


async def test_scim_provisioning_shows_up_in_graphql(team, client):
    created = (await team.owner.data(ENABLE))["enableScim"]
    base = created["settings"]["baseUrl"].removeprefix("http://test")
    headers = {
        "Authorization": f"Bearer {created['plaintext']}",
        "Content-Type": "application/scim+json",
        "User-Agent": "Okta SCIM Client 1.0.0",
    }
    user = {
        "schemas": [USER],
        "userName": "sam@acme.test",
        "name": {"givenName": "Sam", "familyName": "Stone"},
        "emails": [{"value": "sam@acme.test", "type": "work", "primary": True}],
        "active": True,
    }
    response = await client.post(f"{base}/Users", content=json.dumps(user), headers=headers)
    assert response.status_code == 201, response.text
    sam_id = response.json()["id"]
    group = {"schemas": [GROUP], "displayName": "Okta Eng", "members": [{"value": sam_id}]}
    response = await client.post(f"{base}/Groups", content=json.dumps(group), headers=headers)
    assert response.status_code == 201, response.text

    member = (
        await team.member.data(
            "query($id: ID!) { member(id: $id) { userName givenName familyName scimManaged groups "
            "{ displayName scimManaged memberCount } } }",
            id=sam_id,
        )
    )["member"]
    assert member == {
        "userName": "sam@acme.test",
        "givenName": "Sam",
        "familyName": "Stone",
        "scimManaged": True,
        "groups": [{"displayName": "Okta Eng", "scimManaged": True, "memberCount": 1}],
    }
    events = (
        await team.admin.data("{ provisioningEvents { totalCount nodes { method resourceType outcome } } }")
    )["provisioningEvents"]
    assert events["totalCount"] >= 2
    assert {(n["method"], n["resourceType"], n["outcome"]) for n in events["nodes"]} >= {
        ("POST", "User", "success"),
        ("POST", "Group", "success"),
    }
    assert created["plaintext"] not in json.dumps(events)
