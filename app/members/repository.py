"""Every query on members, their e-mails and phone numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Executable,
    Select,
    Uuid,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from app.enums import MemberStatus, Role
from app.groups.models import GroupMembership
from app.members.models import Member, MemberEmail
from app.orm import fold


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member that a new SCIM user may turn out to be, and why (see ``provisioning_candidates``)."""

    reason: str  # "user_name", "removed_external_id" or "unmanaged_email"
    id: UUID
    scim_managed: bool
    status: MemberStatus
    updated_at: datetime


@cache
def _candidates_statement(by_external_id: bool, by_email: bool) -> Executable:
    """The statement of ``provisioning_candidates`` for one combination of inputs, built once."""
    columns = (Member.id, Member.scim_managed, Member.status, Member.updated_at)
    workspace = bindparam("workspace_id", type_=Uuid)
    branches: list[Select[*tuple[Any, ...]]] = [
        select(literal_column("'user_name'"), *columns).where(
            Member.workspace_id == workspace, Member.user_name_key == bindparam("user_name_key")
        )
    ]
    if by_external_id:
        branches.append(
            select(literal_column("'removed_external_id'"), *columns).where(
                Member.workspace_id == workspace,
                Member.external_id == bindparam("external_id"),
                Member.status == MemberStatus.REMOVED,
            )
        )
    if by_email:
        branches.append(
            select(literal_column("'unmanaged_email'"), *columns)
            .join(MemberEmail, MemberEmail.member_id == Member.id)
            .where(
                MemberEmail.workspace_id == workspace,
                MemberEmail.value_key.in_(bindparam("keys", expanding=True)),
                Member.scim_managed.is_(False),
                Member.status != MemberStatus.REMOVED,
            )
        )
    return union_all(*branches) if len(branches) > 1 else branches[0]


@cache
def _get_statement(contacts: bool, for_update: bool) -> Executable:
    """The statement of ``MemberRepository.get``, built once per variant."""
    stmt = select(Member).where(
        Member.workspace_id == bindparam("workspace_id", type_=Uuid),
        Member.id == bindparam("member_id", type_=Uuid),
    )
    if for_update:
        stmt = stmt.with_for_update(of=Member)
    return _with_contacts(stmt) if contacts else stmt


_EXISTING_IDS = select(Member.id).where(
    Member.workspace_id == bindparam("workspace_id", type_=Uuid),
    Member.id.in_(bindparam("ids", type_=Uuid, expanding=True)),
    Member.status != MemberStatus.REMOVED,
)


def _with_contacts(stmt: Select[Member]) -> Select[Member]:
    return stmt.options(selectinload(Member.emails), selectinload(Member.phone_numbers))


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(
        self, workspace_id: UUID, member_id: UUID, *, contacts: bool = True, for_update: bool = False
    ) -> Member | None:
        """One member; ``for_update`` locks the row (PostgreSQL) so concurrent writers serialise."""
        params = {"workspace_id": workspace_id, "member_id": member_id}
        return self.session.scalars(_get_statement(contacts, for_update), params).one_or_none()

    def get_by_user_name(self, workspace_id: UUID, user_name: str) -> Member | None:
        stmt = select(Member).where(
            Member.workspace_id == workspace_id, Member.user_name_key == fold(user_name)
        )
        return self.session.scalars(_with_contacts(stmt)).one_or_none()

    def provisioning_candidates(
        self, workspace_id: UUID, user_name: str, external_id: str | None, emails: Iterable[str]
    ) -> list[Candidate]:
        """In one statement (each branch indexed): the member with this user name, removed members with
        this externalId, and live unmanaged members with one of these e-mails. Rows only, no contacts."""
        keys = sorted({fold(e) for e in emails})
        params: dict[str, Any] = {"workspace_id": workspace_id, "user_name_key": fold(user_name)}
        if external_id:
            params["external_id"] = external_id
        if keys:
            params["keys"] = keys
        stmt = _candidates_statement(bool(external_id), bool(keys))
        return [Candidate(*row) for row in self.session.execute(stmt, params)]

    def by_email(self, workspace_id: UUID, email: str) -> Member | None:
        """The live member whose e-mail (or user name) is ``email``: used by sign-in."""
        key = fold(email)
        stmt = (
            select(Member)
            .where(
                Member.workspace_id == workspace_id,
                Member.status != MemberStatus.REMOVED,
                or_(
                    Member.user_name_key == key,
                    exists().where(MemberEmail.member_id == Member.id, MemberEmail.value_key == key),
                ),
            )
            .order_by(Member.created_at)
            .limit(1)
        )
        return self.session.scalars(_with_contacts(stmt)).first()

    def count_active_owners(self, workspace_id: UUID, *, excluding: UUID | None = None) -> int:
        stmt = select(func.count()).where(
            Member.workspace_id == workspace_id,
            Member.role == Role.OWNER,
            Member.status == MemberStatus.ACTIVE,
        )
        if excluding is not None:
            stmt = stmt.where(Member.id != excluding)
        return self.session.scalar(stmt) or 0

    def add(self, member: Member) -> Member:
        self.session.add(member)
        self.session.flush()
        return member

    def page(
        self,
        workspace_id: UUID,
        *,
        search: str | None = None,
        statuses: Sequence[MemberStatus] = (),
        group_id: UUID | None = None,
        after: tuple[str, UUID] | None = None,
        limit: int = 50,
    ) -> list[Member]:
        """A page in (sort_key, id) order: keyset pagination stays fast at any depth."""
        stmt = select(Member).where(*_page_filters(workspace_id, search, statuses, group_id))
        if after is not None:
            key, last_id = after
            stmt = stmt.where(or_(Member.sort_key > key, and_(Member.sort_key == key, Member.id > last_id)))
        stmt = stmt.order_by(Member.sort_key, Member.id).limit(limit)
        return list(self.session.scalars(_with_contacts(stmt)))

    def count(
        self,
        workspace_id: UUID,
        *,
        search: str | None = None,
        statuses: Sequence[MemberStatus] = (),
        group_id: UUID | None = None,
    ) -> int:
        """How many members ``page`` would return over all pages."""
        stmt = select(func.count()).select_from(Member)
        return self.session.scalar(stmt.where(*_page_filters(workspace_id, search, statuses, group_id))) or 0

    def many(self, workspace_id: UUID, member_ids: Iterable[UUID]) -> dict[UUID, Member]:
        ids = list(member_ids)
        if not ids:
            return {}
        stmt = select(Member).where(Member.workspace_id == workspace_id, Member.id.in_(ids))
        return {m.id: m for m in self.session.scalars(_with_contacts(stmt))}

    def existing_ids(self, workspace_id: UUID, member_ids: Iterable[UUID]) -> set[UUID]:
        """The ids among ``member_ids`` that are live (not removed) members of the workspace."""
        ids = list(member_ids)
        found: set[UUID] = set()
        for start in range(0, len(ids), 500):
            params = {"workspace_id": workspace_id, "ids": ids[start : start + 500]}
            found.update(self.session.scalars(_EXISTING_IDS, params))
        return found


def _page_filters(
    workspace_id: UUID, search: str | None, statuses: Sequence[MemberStatus], group_id: UUID | None
) -> list[ColumnElement[bool]]:
    """The WHERE clauses shared by a page of members and its count."""
    filters: list[ColumnElement[bool]] = [Member.workspace_id == workspace_id]
    if statuses:
        filters.append(Member.status.in_(list(statuses)))
    if search:
        like = f"%{_escape_like(fold(search))}%"
        filters.append(
            or_(
                Member.sort_key.like(like, escape="\\"),
                Member.user_name_key.like(like, escape="\\"),
                # One pass over the workspace's e-mails, not a correlated probe per member.
                Member.id.in_(
                    select(MemberEmail.member_id).where(
                        MemberEmail.workspace_id == workspace_id,
                        MemberEmail.value_key.like(like, escape="\\"),
                    )
                ),
            )
        )
    if group_id is not None:
        filters.append(
            exists().where(GroupMembership.member_id == Member.id, GroupMembership.group_id == group_id)
        )
    return filters


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
