"""The viewer, the workspace, timezones and personal API keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.actor import Actor
from app.auth import service as auth_service
from app.members import service as member_service
from app.validation import all_timezones
from app.workspaces import service as workspace_service
from schema import cursors
from schema.context import Info
from schema.errors import InvalidInput, NotFoundError, PermissionDenied
from schema.types import ApiKeyCreatedType, ApiKeyType, MemberType, ViewerType, WorkspaceType

if TYPE_CHECKING:
    from sqlalchemy.orm import Session  # type hints only: the edge never runs SQL

CreateApiKeyResult = Annotated[
    ApiKeyCreatedType | PermissionDenied | InvalidInput, strawberry.union("CreateApiKeyResult")
]
RevokeApiKeyResult = Annotated[
    ApiKeyType | PermissionDenied | InvalidInput | NotFoundError, strawberry.union("RevokeApiKeyResult")
]


def _viewer(session: Session, actor: Actor) -> ViewerType:
    assert actor.workspace_id is not None and actor.member_id is not None
    member = member_service.get_member(
        session, actor, workspace_id=actor.workspace_id, member_id=actor.member_id
    )
    workspace = workspace_service.get_workspace(session, actor, workspace_id=actor.workspace_id)
    keys = auth_service.list_api_keys(session, actor)
    return ViewerType(
        member=MemberType.from_model(member),
        workspace=WorkspaceType.from_model(workspace),
        role=member.role,
        api_keys=[ApiKeyType.from_model(k) for k in keys],
    )


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in member, or null when not signed in")
    async def viewer(self, info: Info) -> ViewerType | None:
        ctx = info.context
        if ctx.actor is None or ctx.actor.member_id is None:
            return None
        return await ctx.query(_viewer)

    @strawberry.field(description="The signed-in member's workspace")
    async def workspace(self, info: Info) -> WorkspaceType | None:
        ctx = info.context
        workspace = await ctx.query(workspace_service.get_workspace, workspace_id=ctx.workspace_id)
        return WorkspaceType.from_model(workspace)

    @strawberry.field(description="Every IANA timezone name, sorted")
    def timezones(self, info: Info) -> list[str]:
        info.context.member_actor()
        return all_timezones()


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="A personal API key for scripts (X-API-Key header); shown this once")
    async def create_api_key(self, info: Info, name: str) -> CreateApiKeyResult:
        key, plaintext = await info.context.command(auth_service.create_api_key, name=name)
        return ApiKeyCreatedType(api_key=ApiKeyType.from_model(key), plaintext=plaintext)

    @strawberry.mutation(description="Revoke one of your own API keys")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> RevokeApiKeyResult:
        ctx = info.context
        ctx.member_actor()
        key = await ctx.command(auth_service.revoke_api_key, key_id=cursors.parse_id(str(id)))
        return ApiKeyType.from_model(key)
