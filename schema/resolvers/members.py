"""Member queries and mutations: thin calls into app.members.service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID

import strawberry

from app.enums import MemberStatus, Role
from app.errors import DomainError, InvalidValue
from app.members import service as member_service
from schema import cursors
from schema.context import Context, Info
from schema.errors import (
    AlreadyExistsError,
    InvalidInput,
    LastOwnerError,
    NotFoundError,
    PermissionDenied,
    ScimManagedError,
    query_error,
)
from schema.types import MemberConnectionType, MemberEdgeType, MemberType, PageInfoType

DEFAULT_STATUSES = (MemberStatus.ACTIVE, MemberStatus.INACTIVE)

MemberResult = Annotated[
    MemberType | PermissionDenied | InvalidInput | NotFoundError | ScimManagedError | LastOwnerError,
    strawberry.union("MemberResult"),
]
InviteMemberResult = Annotated[
    MemberType | PermissionDenied | InvalidInput | NotFoundError | AlreadyExistsError,
    strawberry.union("InviteMemberResult"),
]


async def member_connection(
    ctx: Context,
    *,
    first: int,
    after: str | None,
    search: str | None = None,
    statuses: Sequence[MemberStatus] | None = None,
    group_id: UUID | None = None,
) -> MemberConnectionType:
    """A page of members and a lazy total; shared by ``members`` and ``Group.members``."""
    workspace_id = ctx.workspace_id
    try:
        position = cursors.decode("member", after)
    except DomainError as exc:
        raise query_error(exc) from exc
    filters = {"search": search, "statuses": tuple(statuses or DEFAULT_STATUSES), "group_id": group_id}
    rows = await ctx.query(
        member_service.list_members,
        workspace_id=workspace_id,
        after=position,
        limit=first,
        peek=True,
        **filters,
    )
    edges = [
        MemberEdgeType(cursor=cursors.encode("member", m.sort_key, m.id), node=MemberType.from_model(m))
        for m in rows[:first]
    ]

    async def count() -> int:
        return await ctx.query(member_service.count_members, workspace_id=workspace_id, **filters)

    return MemberConnectionType(
        edges=edges,
        page_info=PageInfoType(
            has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
        ),
        count=count,
    )


def _id(value: strawberry.ID, field: str) -> UUID:
    return cursors.parse_id(str(value), field)


@strawberry.type
class MemberQueries:
    @strawberry.field(description="Members in name order; by default the active and inactive ones")
    async def members(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        search: str | None = None,
        status: list[MemberStatus] | None = None,
        group_id: strawberry.ID | None = None,
    ) -> MemberConnectionType:
        ctx = info.context
        ctx.member_actor()
        try:
            group = None if group_id is None else _id(group_id, "groupId")
        except InvalidValue as exc:
            raise query_error(exc) from exc
        return await member_connection(
            ctx,
            first=50 if first is None else first,
            after=after,
            search=search,
            statuses=status,
            group_id=group,
        )

    @strawberry.field(description="One member (null when there is none with this id)")
    async def member(self, info: Info, id: strawberry.ID) -> MemberType | None:
        member = await info.context.lookup(member_service.get_member, str(id), "member_id")
        return None if member is None else MemberType.from_model(member)


@strawberry.type
class MemberMutations:
    @strawberry.mutation(description="Set the signed-in member's own timezone (the app then owns it)")
    async def set_my_timezone(self, info: Info, timezone: str) -> MemberResult:
        ctx = info.context
        member = await ctx.command(
            member_service.set_own_timezone, workspace_id=ctx.workspace_id, timezone_name=timezone
        )
        return MemberType.from_model(member)

    @strawberry.mutation(description="Add a member by e-mail (not managed by the identity provider)")
    async def invite_member(
        self, info: Info, email: str, display_name: str | None = None, role: Role | None = Role.MEMBER
    ) -> InviteMemberResult:
        ctx = info.context
        member = await ctx.command(
            member_service.invite_member,
            workspace_id=ctx.workspace_id,
            email=email,
            display_name=display_name,
            role=role or Role.MEMBER,
        )
        return MemberType.from_model(member)

    @strawberry.mutation(description="Change a member's role; only owners grant or remove ownership")
    async def change_member_role(self, info: Info, member_id: strawberry.ID, role: Role) -> MemberResult:
        ctx = info.context
        workspace_id = ctx.workspace_id
        member = await ctx.command(
            member_service.change_role,
            workspace_id=workspace_id,
            member_id=_id(member_id, "memberId"),
            role=role,
        )
        return MemberType.from_model(member)

    @strawberry.mutation(
        description="Deactivate or reactivate a member the identity provider does not manage"
    )
    async def set_member_active(self, info: Info, member_id: strawberry.ID, active: bool) -> MemberResult:
        ctx = info.context
        workspace_id = ctx.workspace_id
        member = await ctx.command(
            member_service.set_member_active,
            workspace_id=workspace_id,
            member_id=_id(member_id, "memberId"),
            active=active,
        )
        return MemberType.from_model(member)
