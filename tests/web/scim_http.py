"""A small SCIM 2.0 client (RFC 7644) over real HTTP, as an identity provider would call Roster."""

from __future__ import annotations

from typing import Any

import httpx

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimHttp:
    """Speaks to one workspace's SCIM base URL with one bearer token."""

    def __init__(self, base_url: str, token: str, user_agent: str = "Okta SCIM Client 1.0.0") -> None:
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/scim+json",
                "Accept": "application/scim+json",
                "User-Agent": user_agent,
            },
            timeout=30,
        )

    def close(self) -> None:
        self.client.close()

    def create_user(
        self, user_name: str, given: str, family: str, *, timezone: str | None = None, expect: int = 201
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schemas": [USER],
            "userName": user_name,
            "externalId": f"ext-{user_name}",
            "name": {"givenName": given, "familyName": family},
            "displayName": f"{given} {family}",
            "emails": [{"value": user_name, "type": "work", "primary": True}],
            "active": True,
        }
        if timezone:
            body["timezone"] = timezone
        response = self.client.post("/Users", json=body)
        assert response.status_code == expect, response.text
        return dict(response.json())

    def create_group(self, name: str, member_ids: list[str]) -> dict[str, Any]:
        body = {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in member_ids]}
        response = self.client.post("/Groups", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def patch_user(self, user_id: str, operations: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.client.patch(f"/Users/{user_id}", json={"schemas": [PATCH], "Operations": operations})
        assert response.status_code in (200, 204), response.text
        return dict(response.json()) if response.content else {}

    def list_users(self) -> httpx.Response:
        return self.client.get("/Users", params={"startIndex": 1, "count": 10})
