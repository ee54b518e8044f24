"""Who is acting: a signed-in member, an identity provider holding a SCIM token, or the operator's CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from app.enums import Role
from app.errors import Forbidden, NotFound

ActorKind = Literal["member", "scim", "system"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The identity a service command runs as. Every permission check goes through these methods."""

    kind: ActorKind
    workspace_id: UUID | None = None
    member_id: UUID | None = None
    role: Role | None = None
    token_id: UUID | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(kind="system")

    @classmethod
    def scim(cls, workspace_id: UUID, token_id: UUID) -> Actor:
        return cls(kind="scim", workspace_id=workspace_id, token_id=token_id)

    @classmethod
    def member(cls, workspace_id: UUID, member_id: UUID, role: Role) -> Actor:
        return cls(kind="member", workspace_id=workspace_id, member_id=member_id, role=role)

    @property
    def is_scim(self) -> bool:
        return self.kind == "scim"

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    def require_workspace(self, workspace_id: UUID) -> None:
        """Any actor bound to this workspace; other workspaces do not exist for it."""
        if self.kind != "system" and self.workspace_id != workspace_id:
            raise NotFound("not found")

    def require_admin(self, workspace_id: UUID) -> None:
        self.require_workspace(workspace_id)
        if self.kind == "member" and self.role not in (Role.OWNER, Role.ADMIN):
            raise Forbidden("only workspace owners and admins may do this")

    def require_owner(self, workspace_id: UUID) -> None:
        self.require_workspace(workspace_id)
        if self.kind == "scim" or (self.kind == "member" and self.role != Role.OWNER):
            raise Forbidden("only workspace owners may do this")

    def require_provisioner(self, workspace_id: UUID) -> None:
        """The identity provider (or the operator) provisioning this workspace."""
        self.require_workspace(workspace_id)
        if self.kind == "member":
            raise Forbidden("only the identity provider may do this")

    def require_app_user(self, workspace_id: UUID) -> None:
        """A change made in the app (UI or API key), not through SCIM."""
        self.require_workspace(workspace_id)
        if self.kind == "scim":
            raise Forbidden("this change cannot be made over SCIM")
