"""SCIM settings and tokens: thin calls into app.scim_settings.service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import strawberry

from app.actor import Actor
from app.scim_settings import service as scim_service
from schema import cursors
from schema.context import Context, Info
from schema.errors import InvalidInput, NotFoundError, PermissionDenied, PlanRequiredError
from schema.types import ScimSettingsResult, ScimSettingsType, ScimTokenCreatedType, ScimTokenType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session  # type hints only: the edge never runs SQL

ScimTokenCreatedResult = Annotated[
    ScimTokenCreatedType | PermissionDenied | PlanRequiredError | InvalidInput | NotFoundError,
    strawberry.union("ScimTokenCreatedResult"),
]
DisableScimResult = Annotated[
    ScimSettingsType | PermissionDenied | PlanRequiredError | InvalidInput | NotFoundError,
    strawberry.union("DisableScimResult"),
]
RevokeScimTokenResult = Annotated[
    ScimTokenType | PermissionDenied | PlanRequiredError | InvalidInput | NotFoundError,
    strawberry.union("RevokeScimTokenResult"),
]


def _settings(ctx: Context, settings: scim_service.ScimSettings) -> ScimSettingsType:
    return ScimSettingsType(
        enabled=settings.workspace.scim_enabled,
        base_url=ctx.scim_base_url(settings.workspace.scim_key),
        tokens=[ScimTokenType.from_model(t) for t in settings.tokens],
    )


Issue = Callable[..., scim_service.IssuedToken]


def _issue_and_read(
    session: Session, actor: Actor, *, issue: Issue, workspace_id: UUID, **kw: Any
) -> tuple[scim_service.IssuedToken, scim_service.ScimSettings]:
    """One unit of work: issue a token, then read the settings it changed (same transaction)."""
    issued = issue(session, actor, workspace_id=workspace_id, **kw)
    return issued, scim_service.get_settings(session, actor, workspace_id=workspace_id)


def _disable_and_read(session: Session, actor: Actor, *, workspace_id: UUID) -> scim_service.ScimSettings:
    """One unit of work: turn SCIM off, then read the revoked tokens."""
    workspace = scim_service.disable_scim(session, actor, workspace_id=workspace_id)
    return scim_service.ScimSettings(
        workspace, scim_service.get_settings(session, actor, workspace_id=workspace_id).tokens
    )


async def _created(ctx: Context, issue: Issue, **kw: Any) -> ScimTokenCreatedType:
    issued, settings = await ctx.command(_issue_and_read, issue=issue, workspace_id=ctx.workspace_id, **kw)
    return ScimTokenCreatedType(
        settings=_settings(ctx, settings),
        token=ScimTokenType.from_model(issued.token),
        plaintext=issued.plaintext,
    )


@strawberry.type
class ScimQueries:
    @strawberry.field(description="SCIM provisioning settings (owners of Enterprise workspaces)")
    async def scim_settings(self, info: Info) -> ScimSettingsResult:
        ctx = info.context
        workspace_id = ctx.workspace_id
        settings = await ctx.db.read(scim_service.get_settings, ctx.member_actor(), workspace_id=workspace_id)
        return _settings(ctx, settings)


@strawberry.type
class ScimMutations:
    @strawberry.mutation(description="Turn SCIM on; returns the first token, shown this once")
    async def enable_scim(self, info: Info) -> ScimTokenCreatedResult:
        return await _created(info.context, scim_service.enable_scim)

    @strawberry.mutation(description="Turn SCIM off; every token is revoked at once")
    async def disable_scim(self, info: Info) -> DisableScimResult:
        ctx = info.context
        return _settings(ctx, await ctx.command(_disable_and_read, workspace_id=ctx.workspace_id))

    @strawberry.mutation(description="Another live token, e.g. to rotate without downtime; shown this once")
    async def create_scim_token(
        self, info: Info, name: str, expires_in_days: int | None = None
    ) -> ScimTokenCreatedResult:
        return await _created(
            info.context, scim_service.create_token, name=name, expires_in_days=expires_in_days
        )

    @strawberry.mutation(description="Revoke one token; the others keep working")
    async def revoke_scim_token(self, info: Info, id: strawberry.ID) -> RevokeScimTokenResult:
        ctx = info.context
        workspace_id = ctx.workspace_id
        token = await ctx.command(
            scim_service.revoke_token, workspace_id=workspace_id, token_id=cursors.parse_id(str(id))
        )
        return ScimTokenType.from_model(token)
