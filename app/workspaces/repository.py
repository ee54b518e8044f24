"""Every query on workspaces."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.workspaces.models import Workspace


class WorkspaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: UUID) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def get_for_update(self, workspace_id: UUID) -> Workspace | None:
        return self.session.get(Workspace, workspace_id, with_for_update=True)

    def get_by_scim_key(self, key: str) -> Workspace | None:
        return self.session.scalars(select(Workspace).where(Workspace.scim_key == key)).one_or_none()

    def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        self.session.flush()
        return workspace
