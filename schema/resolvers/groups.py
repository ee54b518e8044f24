"""Group queries and mutations: thin calls into app.groups.service."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from app.errors import DomainError, InvalidValue
from app.groups import service as group_service
from app.groups.changes import AddMembers, GroupChange, RemoveMembers, SetDisplayName
from schema import cursors
from schema.context import Info
from schema.errors import (
    AlreadyExistsError,
    InvalidInput,
    NotFoundError,
    PermissionDenied,
    ScimManagedError,
    query_error,
)
from schema.types import DeletedGroupType, GroupConnectionType, GroupEdgeType, GroupType, PageInfoType

MAX_IDS = 1000  # ids per membership mutation; larger changes belong to the identity provider

GroupResult = Annotated[
    GroupType | PermissionDenied | InvalidInput | NotFoundError | AlreadyExistsError | ScimManagedError,
    strawberry.union("GroupResult"),
]
DeleteGroupResult = Annotated[
    DeletedGroupType | PermissionDenied | InvalidInput | NotFoundError | ScimManagedError,
    strawberry.union("DeleteGroupResult"),
]


def _ids(values: list[strawberry.ID], field: str) -> tuple[UUID, ...]:
    if len(values) > MAX_IDS:
        raise InvalidValue(f"at most {MAX_IDS} ids per request", field=field)
    return tuple(cursors.parse_id(str(v), field) for v in values)


@strawberry.type
class GroupQueries:
    @strawberry.field(description="Groups in name order")
    async def groups(
        self, info: Info, first: int | None = 50, after: str | None = None, search: str | None = None
    ) -> GroupConnectionType:
        first = 50 if first is None else first
        ctx = info.context
        workspace_id = ctx.workspace_id
        try:
            position = cursors.decode("group", after)
        except DomainError as exc:
            raise query_error(exc) from exc
        rows = await ctx.query(
            group_service.list_groups,
            workspace_id=workspace_id,
            search=search,
            after=position,
            limit=first,
            peek=True,
        )
        edges = [
            GroupEdgeType(cursor=cursors.encode("group", g.name_key, g.id), node=GroupType.from_model(g))
            for g in rows[:first]
        ]

        async def count() -> int:
            return await ctx.query(group_service.count_groups, workspace_id=workspace_id, search=search)

        return GroupConnectionType(
            edges=edges,
            page_info=PageInfoType(
                has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
            ),
            count=count,
        )

    @strawberry.field(description="One group (null when there is none with this id)")
    async def group(self, info: Info, id: strawberry.ID) -> GroupType | None:
        group = await info.context.lookup(group_service.get_group, str(id), "group_id")
        return None if group is None else GroupType.from_model(group)


@strawberry.type
class GroupMutations:
    @strawberry.mutation(description="Create a group in the app")
    async def create_group(self, info: Info, name: str) -> GroupResult:
        ctx = info.context
        group = await ctx.command(group_service.create_group, workspace_id=ctx.workspace_id, name=name)
        return GroupType.from_model(group)

    @strawberry.mutation(description="Rename a group the identity provider does not manage")
    async def rename_group(self, info: Info, id: strawberry.ID, name: str) -> GroupResult:
        return await _change(info, id, "id", [SetDisplayName(name)])

    @strawberry.mutation(description="Add members to a group; adding a present member is a no-op")
    async def add_group_members(
        self, info: Info, group_id: strawberry.ID, member_ids: list[strawberry.ID]
    ) -> GroupResult:
        info.context.member_actor()
        return await _change(info, group_id, "groupId", [AddMembers(_ids(member_ids, "memberIds"))])

    @strawberry.mutation(description="Remove members from a group; removing an absent member is a no-op")
    async def remove_group_members(
        self, info: Info, group_id: strawberry.ID, member_ids: list[strawberry.ID]
    ) -> GroupResult:
        info.context.member_actor()
        return await _change(info, group_id, "groupId", [RemoveMembers(_ids(member_ids, "memberIds"))])

    @strawberry.mutation(description="Delete a group the identity provider does not manage")
    async def delete_group(self, info: Info, id: strawberry.ID) -> DeleteGroupResult:
        ctx = info.context
        workspace_id = ctx.workspace_id
        group_id = cursors.parse_id(str(id))
        await ctx.command(group_service.delete_group, workspace_id=workspace_id, group_id=group_id)
        return DeletedGroupType(id=strawberry.ID(str(group_id)))


async def _change(info: Info, id: strawberry.ID, field: str, changes: list[GroupChange]) -> GroupType:
    ctx = info.context
    workspace_id = ctx.workspace_id
    group = await ctx.command(
        group_service.change_group,
        workspace_id=workspace_id,
        group_id=cursors.parse_id(str(id), field),
        changes=changes,
    )
    return GroupType.from_model(group)
