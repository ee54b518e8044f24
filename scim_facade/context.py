"""Who is calling: the bearer-token check and the per-request SCIM client (actor, URLs, IdP guess)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from app.actor import Actor
from app.config import Settings
from app.db import Database
from app.scim_settings import service as scim_settings

MICROSOFT_GROUP_URN = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


@dataclass(slots=True)
class ScimClient:
    """One authenticated SCIM request: what every action needs, and what the log records."""

    db: Database
    settings: Settings
    actor: Actor
    workspace_id: UUID
    token_id: UUID
    base_url: str
    method: str
    path: str
    user_agent: str
    query: str
    idp: str = "unknown"
    rewrites: list[str] = field(default_factory=list)
    # What the provisioning log names when the request fails (set as soon as an action knows it).
    target: str | None = None

    def location(self, resource: str, resource_id: UUID | str) -> str:
        return f"{self.base_url}/{resource}/{resource_id}"


def bearer_token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def guess_idp(user_agent: str, query: str, body: dict[str, Any] | None = None) -> str:
    """The identity provider behind a request, from its User-Agent and its shape."""
    ua = user_agent.lower()
    if "okta" in ua:
        return "okta"
    if "azure" in ua or "microsoft" in ua or "aadoptscim062020" in query.lower():
        return "entra"
    if "google" in ua:
        return "google"
    if "jumpcloud" in ua:
        return "jumpcloud"
    if body is not None and MICROSOFT_GROUP_URN in (body.get("schemas") or []):
        return "entra"
    return "unknown"


async def scim_client(request: Request, key: str) -> ScimClient:
    """Authenticate the bearer token against the workspace named by the URL key."""
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    caller = await db.read(scim_settings.authenticate, scim_key=key, presented=bearer_token(request))
    assert caller.actor.workspace_id is not None and caller.actor.token_id is not None
    if caller.stale_last_used:
        await db.write(scim_settings.record_token_use, token_id=caller.actor.token_id)
    user_agent = request.headers.get("user-agent", "")
    query = request.url.query
    client = ScimClient(
        db=db,
        settings=settings,
        actor=caller.actor,
        workspace_id=caller.actor.workspace_id,
        token_id=caller.actor.token_id,
        base_url=f"{settings.public_base}/scim/v2/{key}",
        method=request.method,
        path=request.url.path,
        user_agent=user_agent,
        query=query,
        idp=guess_idp(user_agent, query),
    )
    request.state.scim = client
    return client


ScimClientDep = Annotated[ScimClient, Depends(scim_client)]
