"""Every query on SCIM tokens."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.scim_settings.models import ScimToken
from app.workspaces.models import Workspace

# Built once: a reused statement keeps its cache key, which SQLAlchemy otherwise recomputes per request.
_BY_HASH_FOR_KEY = (
    select(ScimToken, Workspace)
    .join(Workspace, Workspace.id == ScimToken.workspace_id)
    .where(ScimToken.token_hash == bindparam("token_hash"), Workspace.scim_key == bindparam("scim_key"))
)


class ScimTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ScimToken) -> ScimToken:
        self.session.add(token)
        self.session.flush()
        return token

    def get(self, workspace_id: UUID, token_id: UUID) -> ScimToken | None:
        return self.session.scalars(
            select(ScimToken).where(ScimToken.workspace_id == workspace_id, ScimToken.id == token_id)
        ).one_or_none()

    def by_hash(self, token_hash: str) -> ScimToken | None:
        return self.session.scalars(select(ScimToken).where(ScimToken.token_hash == token_hash)).one_or_none()

    def by_hash_for_key(self, token_hash: str, scim_key: str) -> tuple[ScimToken, Workspace] | None:
        """The token with this hash and its workspace, only if the workspace is the one named by the key."""
        params = {"token_hash": token_hash, "scim_key": scim_key}
        row = self.session.execute(_BY_HASH_FOR_KEY, params).one_or_none()
        return None if row is None else (row[0], row[1])

    def for_workspace(self, workspace_id: UUID) -> list[ScimToken]:
        return list(
            self.session.scalars(
                select(ScimToken).where(ScimToken.workspace_id == workspace_id).order_by(ScimToken.created_at)
            )
        )

    def revoke_all(self, workspace_id: UUID, now: datetime) -> None:
        self.session.execute(
            update(ScimToken)
            .where(ScimToken.workspace_id == workspace_id, ScimToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )

    def mark_used(self, token_id: UUID, now: datetime) -> None:
        self.session.execute(
            update(ScimToken)
            .where(ScimToken.id == token_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
