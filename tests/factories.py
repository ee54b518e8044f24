"""Builders for test data, through the real services (as the operator, over the app's database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from app.actor import Actor
from app.auth import service as auth_service
from app.db import Database
from app.enums import Plan, Role
from app.members import service as member_service
from app.members.models import Member
from app.scim_settings import service as scim_settings
from app.workspaces import service as workspace_service
from app.workspaces.models import Workspace

SYSTEM = Actor.system()


@dataclass
class WorkspaceFixture:
    workspace: Workspace
    owner: Member
    scim_token: str | None = None

    @property
    def id(self) -> Any:
        return self.workspace.id

    @property
    def scim_base(self) -> str:
        return f"/scim/v2/{self.workspace.scim_key}"

    @property
    def owner_actor(self) -> Actor:
        return Actor.member(self.workspace.id, self.owner.id, Role.OWNER)

    def scim_headers(self) -> dict[str, str]:
        assert self.scim_token, "workspace made without scim=True"
        return {"Authorization": f"Bearer {self.scim_token}", "Content-Type": "application/scim+json"}


async def make_workspace(
    db: Database,
    *,
    name: str = "Acme",
    plan: Plan = Plan.ENTERPRISE,
    owner_email: str = "owner@acme.test",
    scim: bool = False,
) -> WorkspaceFixture:
    created = await db.write(
        workspace_service.create_workspace,
        SYSTEM,
        name=name,
        plan=plan,
        owner_email=owner_email,
        owner_name="Olive Owner",
    )
    fixture = WorkspaceFixture(created.workspace, created.owner)
    if scim:
        issued = await db.write(scim_settings.enable_scim, fixture.owner_actor, workspace_id=fixture.id)
        fixture.scim_token = issued.plaintext
        fixture.workspace = await db.read(workspace_service.get_workspace, SYSTEM, workspace_id=fixture.id)
    return fixture


async def make_member(
    db: Database, ws: WorkspaceFixture, *, email: str, name: str | None = None, role: Role = Role.MEMBER
) -> Member:
    return await db.write(
        member_service.invite_member, SYSTEM, workspace_id=ws.id, email=email, display_name=name, role=role
    )


async def sign_in(client: httpx.AsyncClient, db: Database, ws: WorkspaceFixture, email: str) -> None:
    """Redeem a fresh sign-in link so that ``client`` carries the member's session cookie."""
    issued = await db.write(
        auth_service.issue_login_link, SYSTEM, workspace_id=ws.id, email=email, valid_for=timedelta(hours=1)
    )
    response = await client.get(f"/auth/link/{issued.plaintext}")
    assert response.status_code == 303, response.text
