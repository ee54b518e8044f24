"""Every query on groups and memberships. Membership changes are deltas in SQL, never whole groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import ColumnElement, Uuid, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from app.enums import MemberStatus
from app.groups.models import Group, GroupMembership
from app.members.models import Member
from app.orm import fold, utcnow

CHUNK = 500


# Hot statements, built once: a reused statement keeps its cache key instead of recomputing it per call.
_GET = select(Group).where(
    Group.workspace_id == bindparam("workspace_id", type_=Uuid), Group.id == bindparam("group_id", type_=Uuid)
)
_GET_FOR_UPDATE = _GET.with_for_update()
_PRESENT = select(GroupMembership.member_id).where(
    GroupMembership.group_id == bindparam("group_id", type_=Uuid),
    GroupMembership.member_id.in_(bindparam("ids", type_=Uuid, expanding=True)),
)
_MEMBERS_OF_GROUPS = (
    select(GroupMembership.group_id, Member.id, Member.display_name, Member.user_name)
    .join(Member, GroupMembership.member_id == Member.id)
    .where(
        GroupMembership.group_id.in_(bindparam("ids", type_=Uuid, expanding=True)),
        Member.status != MemberStatus.REMOVED,
    )
    .order_by(GroupMembership.group_id, Member.id)
)
_FOR_MEMBERS = (
    select(GroupMembership.member_id, Group)
    .join(Group, Group.id == GroupMembership.group_id)
    .where(GroupMembership.member_id.in_(bindparam("ids", type_=Uuid, expanding=True)))
    .order_by(Group.name_key, Group.id)
)


def _chunks(ids: list[UUID]) -> Iterable[list[UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _page_filters(workspace_id: UUID, search: str | None) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = [Group.workspace_id == workspace_id]
    if search:
        escaped = fold(search).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        filters.append(Group.name_key.like(f"%{escaped}%", escape="\\"))
    return filters


class GroupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, workspace_id: UUID, group_id: UUID, *, for_update: bool = False) -> Group | None:
        """One group; ``for_update`` locks the row (PostgreSQL) so concurrent membership changes serialise."""
        params = {"workspace_id": workspace_id, "group_id": group_id}
        return self.session.scalars(_GET_FOR_UPDATE if for_update else _GET, params).one_or_none()

    def get_by_name(self, workspace_id: UUID, name: str) -> Group | None:
        return self.session.scalars(
            select(Group).where(Group.workspace_id == workspace_id, Group.name_key == fold(name))
        ).one_or_none()

    def add(self, group: Group) -> Group:
        self.session.add(group)
        self.session.flush()
        return group

    def delete(self, group: Group) -> None:
        self.session.execute(delete(GroupMembership).where(GroupMembership.group_id == group.id))
        self.session.delete(group)
        self.session.flush()

    def page(
        self,
        workspace_id: UUID,
        *,
        search: str | None = None,
        after: tuple[str, UUID] | None = None,
        limit: int = 50,
    ) -> list[Group]:
        stmt = select(Group).where(*_page_filters(workspace_id, search))
        if after is not None:
            key, last_id = after
            stmt = stmt.where(or_(Group.name_key > key, and_(Group.name_key == key, Group.id > last_id)))
        return list(self.session.scalars(stmt.order_by(Group.name_key, Group.id).limit(limit)))

    def count(self, workspace_id: UUID, *, search: str | None = None) -> int:
        """How many groups ``page`` would return over all pages."""
        stmt = select(func.count()).select_from(Group).where(*_page_filters(workspace_id, search))
        return self.session.scalar(stmt) or 0

    # -- membership ----------------------------------------------------------------------------------

    def member_ids(self, group_id: UUID) -> set[UUID]:
        return set(
            self.session.scalars(
                select(GroupMembership.member_id).where(GroupMembership.group_id == group_id)
            )
        )

    def present(self, group_id: UUID, member_ids: list[UUID]) -> set[UUID]:
        found: set[UUID] = set()
        for chunk in _chunks(member_ids):
            found.update(self.session.scalars(_PRESENT, {"group_id": group_id, "ids": chunk}))
        return found

    def insert_members(self, group_id: UUID, member_ids: list[UUID]) -> None:
        now = utcnow()
        for chunk in _chunks(member_ids):
            self.session.execute(
                insert(GroupMembership),
                [{"group_id": group_id, "member_id": m, "created_at": now} for m in chunk],
            )

    def delete_members(self, group_id: UUID, member_ids: list[UUID]) -> int:
        removed = 0
        for chunk in _chunks(member_ids):
            result = self.session.execute(
                delete(GroupMembership).where(
                    GroupMembership.group_id == group_id, GroupMembership.member_id.in_(chunk)
                )
            )
            removed += result.rowcount or 0  # type: ignore[attr-defined]
        return removed

    def remove_member_everywhere(self, member_id: UUID) -> None:
        group_ids = list(
            self.session.scalars(
                select(GroupMembership.group_id).where(GroupMembership.member_id == member_id)
            )
        )
        if not group_ids:
            return
        self.session.execute(delete(GroupMembership).where(GroupMembership.member_id == member_id))
        self.session.execute(
            update(Group)
            .where(Group.id.in_(group_ids))
            .values(version=Group.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    def members_page(
        self, group_id: UUID, *, after: UUID | None = None, limit: int | None = None
    ) -> list[tuple[UUID, str | None, str]]:
        """(id, display name, user name) of live members in id order; ``limit=None`` streams all."""
        stmt = (
            select(Member.id, Member.display_name, Member.user_name)
            .join(GroupMembership, GroupMembership.member_id == Member.id)
            .where(GroupMembership.group_id == group_id, Member.status != MemberStatus.REMOVED)
            .order_by(Member.id)
        )
        if after is not None:
            stmt = stmt.where(Member.id > after)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [(row[0], row[1], row[2]) for row in self.session.execute(stmt)]

    def members_of_groups(self, group_ids: list[UUID]) -> dict[UUID, list[tuple[UUID, str | None, str]]]:
        result: dict[UUID, list[tuple[UUID, str | None, str]]] = defaultdict(list)
        for chunk in _chunks(group_ids):
            for group_id, member_id, display, user_name in self.session.execute(
                _MEMBERS_OF_GROUPS, {"ids": chunk}
            ):
                result[group_id].append((member_id, display, user_name))
        return result

    def count_members(self, group_ids: list[UUID]) -> dict[UUID, int]:
        counts: dict[UUID, int] = {}
        for chunk in _chunks(group_ids):
            stmt = (
                select(GroupMembership.group_id, func.count())
                .join(Member, GroupMembership.member_id == Member.id)
                .where(GroupMembership.group_id.in_(chunk), Member.status != MemberStatus.REMOVED)
                .group_by(GroupMembership.group_id)
            )
            counts.update({g: n for g, n in self.session.execute(stmt)})
        return counts

    def for_members(self, member_ids: list[UUID]) -> dict[UUID, list[Group]]:
        """Groups of each member, by member id: one IN query per chunk (DataLoader batches)."""
        result: dict[UUID, list[Group]] = defaultdict(list)
        for chunk in _chunks(member_ids):
            for member_id, group in self.session.execute(_FOR_MEMBERS, {"ids": chunk}):
                result[member_id].append(group)
        return result

    def touch(self, group: Group) -> None:
        group.updated_at = utcnow()
        group.version = (group.version or 1) + 1
