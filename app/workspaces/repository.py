"""Every query on workspaces."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Uuid, bindparam, select
from sqlalchemy.orm import Session

from app.workspaces.models import Workspace

_DEFAULT_TIMEZONE = select(Workspace.default_timezone).where(
    Workspace.id == bindparam("workspace_id", type_=Uuid)
)


class WorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: UUID) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def default_timezone(self, workspace_id: UUID) -> str | None:
        """Only the workspace's default timezone (new members get it), without loading the workspace."""
        return self.session.scalar(_DEFAULT_TIMEZONE, {"workspace_id": workspace_id})

    def get_for_update(self, workspace_id: UUID) -> Workspace | None:
        return self.session.get(Workspace, workspace_id, with_for_update=True)

    def get_by_scim_key(self, key: str) -> Workspace | None:
        return self.session.scalars(select(Workspace).where(Workspace.scim_key == key)).one_or_none()

    def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        self.session.flush()
        return workspace
