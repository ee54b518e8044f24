"""Searching groups with a transport-neutral filter (SCIM ``GET /Groups?filter=``); never loads members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, SQLColumnExpression, exists, func, select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.enums import MemberStatus
from app.groups.models import Group, GroupMembership
from app.members.models import Member
from app.querying import Compiler, Field, Filter, MultiValued, SortSpec, order_by, page_with_total

# Attributes whose equality matches at most one group of a workspace (unique index).
UNIQUE = frozenset({"id", "display_name"})

FIELDS: dict[str, Field] = {
    "id": Field(Group.id, "uuid"),
    "external_id": Field(Group.external_id, case_exact=True),
    "display_name": Field(Group.display_name, key=Group.name_key),
    "created_at": Field(Group.created_at, "datetime"),
    "updated_at": Field(Group.updated_at, "datetime"),
}

_MEMBER_FIELDS: dict[str, Field] = {
    "value": Field(GroupMembership.member_id, "uuid"),
    "display": Field(Member.display_name),
}

SORTABLE: dict[str, tuple[SQLColumnExpression[Any], bool]] = {
    "display_name": (Group.name_key, True),
    "external_id": (Group.external_id, True),
    "created_at": (Group.created_at, False),
    "updated_at": (Group.updated_at, False),
    "id": (Group.id, False),
}


def _some_member(cond: ColumnElement[bool]) -> ColumnElement[bool]:
    # Removed members are not members any more, as in every group listing.
    return exists(
        select(GroupMembership.member_id)
        .join(Member, Member.id == GroupMembership.member_id)
        .where(GroupMembership.group_id == Group.id, Member.status != MemberStatus.REMOVED, cond)
    )


MULTI_VALUED: dict[str, MultiValued] = {"members": MultiValued(_MEMBER_FIELDS, _some_member)}


def search_groups(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    filter: Filter | None,
    sort: SortSpec | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Group]]:
    """Groups matching ``filter``: the total count and one page (members are not loaded)."""
    actor.require_workspace(workspace_id)
    conditions: list[ColumnElement[bool]] = [Group.workspace_id == workspace_id]
    if filter is not None:
        conditions.append(Compiler(session, FIELDS, MULTI_VALUED).compile(filter))
    dialect = session.get_bind().dialect.name
    return page_with_total(
        session,
        count=select(func.count()).select_from(Group).where(*conditions),
        page=select(Group)
        .where(*conditions)
        .order_by(*order_by(sort, SORTABLE, default=Group.created_at, ident=Group.id, dialect=dialect))
        .offset(offset)
        .limit(limit),
        filter=filter,
        unique=UNIQUE,
        offset=offset,
        limit=limit,
    )
