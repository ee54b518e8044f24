"""Helpers for SCIM tests: a thin client bound to one workspace's base URL and token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from app.actor import Actor
from app.db import Database
from app.provisioning import service as provisioning
from app.provisioning.models import ProvisioningEvent
from tests.factories import WorkspaceFixture

SAMPLES = Path(__file__).parent / "samples"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


class Scim:
    """Requests to ``ws``'s SCIM base URL with its bearer token."""

    def __init__(self, client: httpx.AsyncClient, ws: WorkspaceFixture, user_agent: str = "pytest") -> None:
        self.client, self.ws = client, ws
        self.headers = {**ws.scim_headers(), "User-Agent": user_agent}

    async def request(self, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
        content = None if body is None else json.dumps(body)
        return await self.client.request(
            method, self.ws.scim_base + path, content=content, headers={**self.headers, **headers}
        )

    async def get(self, path: str, **headers: str) -> httpx.Response:
        return await self.request("GET", path, **headers)

    async def post(self, path: str, body: Any, **headers: str) -> httpx.Response:
        return await self.request("POST", path, body, **headers)

    async def put(self, path: str, body: Any, **headers: str) -> httpx.Response:
        return await self.request("PUT", path, body, **headers)

    async def patch(self, path: str, ops: list[dict[str, Any]], **headers: str) -> httpx.Response:
        return await self.request("PATCH", path, {"schemas": [PATCH_OP], "Operations": ops}, **headers)

    async def patch_group(self, group_id: str, ops: list[dict[str, Any]], **headers: str) -> httpx.Response:
        """PATCH a group (answered 204 with its new ETag, no body), then GET it."""
        patched = await self.patch(f"/Groups/{group_id}", ops, **headers)
        assert patched.status_code == 204, patched.text
        assert patched.content == b"" and patched.headers["etag"].startswith('W/"')
        fetched = await self.get(f"/Groups/{group_id}")
        assert fetched.headers["etag"] == patched.headers["etag"]
        return fetched

    async def delete(self, path: str, **headers: str) -> httpx.Response:
        return await self.request("DELETE", path, **headers)

    async def create_user(self, user_name: str, **attrs: Any) -> dict[str, Any]:
        body = {"schemas": [USER], "userName": user_name, "active": True, **attrs}
        response = await self.post("/Users", body)
        assert response.status_code == 201, response.text
        return response.json()

    async def create_group(self, name: str, members: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"schemas": [GROUP], "displayName": name}
        if members is not None:
            body["members"] = [{"value": m} for m in members]
        response = await self.post("/Groups", body)
        assert response.status_code == 201, response.text
        return response.json()


def assert_error(response: httpx.Response, status: int, scim_type: str | None = None) -> dict[str, Any]:
    """A SCIM Error body with this status (as a string) and scimType, served as application/scim+json."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type, body
    assert body["detail"] and "Traceback" not in body["detail"]
    return body


async def events(db: Database, ws: WorkspaceFixture) -> list[ProvisioningEvent]:
    """The workspace's provisioning log, oldest first."""
    found = await db.read(provisioning.list_events, Actor.system(), workspace_id=ws.id, limit=500)
    return list(reversed(found))
