"""Searching members with a transport-neutral filter (SCIM ``GET /Users?filter=``), sorted and paged."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    Uuid,
    bindparam,
    exists,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.actor import Actor
from app.enums import MemberStatus
from app.groups.models import Group, GroupMembership
from app.members.models import Member, MemberEmail, MemberPhone
from app.querying import And, Compiler, Each, Field, Filter, MultiValued, SortSpec, order_by, page_with_total

_TEXT_ATTRIBUTES = (
    "display_name",
    "nick_name",
    "formatted_name",
    "given_name",
    "family_name",
    "middle_name",
    "honorific_prefix",
    "honorific_suffix",
    "title",
    "user_type",
    "profile_url",
    "locale",
    "preferred_language",
    "timezone",
    "employee_number",
    "cost_center",
    "organization",
    "division",
    "department",
    "manager_value",
    "manager_display_name",
)

FIELDS: dict[str, Field] = {
    "id": Field(Member.id, "uuid"),
    "external_id": Field(Member.external_id, case_exact=True),
    "user_name": Field(Member.user_name, key=Member.user_name_key),
    **{name: Field(getattr(Member, name)) for name in _TEXT_ATTRIBUTES},
    "active": Field(Member.status == MemberStatus.ACTIVE, "flag"),
    "created_at": Field(Member.created_at, "datetime"),
    "updated_at": Field(Member.updated_at, "datetime"),
}

# Attributes whose equality matches at most one member of a workspace (unique index).
UNIQUE = frozenset({"id", "user_name"})

_EMAIL_FIELDS: dict[str, Field] = {
    "value": Field(MemberEmail.value, key=MemberEmail.value_key),
    "type": Field(MemberEmail.type),
    "primary": Field(MemberEmail.primary, "bool"),
    "display": Field(MemberEmail.display),
}
_PHONE_FIELDS: dict[str, Field] = {
    "value": Field(MemberPhone.value),
    "type": Field(MemberPhone.type),
    "primary": Field(MemberPhone.primary, "bool"),
    "display": Field(MemberPhone.display),
}
_GROUP_FIELDS: dict[str, Field] = {
    "value": Field(GroupMembership.group_id, "uuid"),
    "display": Field(Group.display_name, key=Group.name_key),
}

# The primary e-mail (else the first), as RFC 7644 §3.4.2.3 sorts multi-valued attributes.
_PRIMARY_EMAIL_KEY = (
    select(MemberEmail.value_key)
    .where(MemberEmail.member_id == Member.id)
    .order_by(MemberEmail.primary.desc(), MemberEmail.position)
    .limit(1)
    .correlate(Member)
    .scalar_subquery()
)

SORTABLE: dict[str, tuple[SQLColumnExpression[Any], bool]] = {
    "user_name": (Member.user_name_key, True),
    "display_name": (func.roster_fold(Member.display_name), True),
    "given_name": (func.roster_fold(Member.given_name), True),
    "family_name": (func.roster_fold(Member.family_name), True),
    "primary_email": (_PRIMARY_EMAIL_KEY, True),
    "external_id": (Member.external_id, True),
    "created_at": (Member.created_at, False),
    "updated_at": (Member.updated_at, False),
    "id": (Member.id, False),
}


def _multi_valued(workspace_id: UUID) -> dict[str, MultiValued]:
    def some_email(cond: ColumnElement[bool]) -> ColumnElement[bool]:
        # IN over (workspace_id, value_key) lets an e-mail lookup use its index.
        return Member.id.in_(
            select(MemberEmail.member_id).where(MemberEmail.workspace_id == workspace_id, cond)
        )

    def some_phone(cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(MemberPhone.member_id == Member.id, cond)

    def some_group(cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists(
            select(GroupMembership.group_id)
            .join(Group, Group.id == GroupMembership.group_id)
            .where(GroupMembership.member_id == Member.id, cond)
        )

    return {
        "emails": MultiValued(_EMAIL_FIELDS, some_email),
        "phone_numbers": MultiValued(_PHONE_FIELDS, some_phone),
        "groups": MultiValued(_GROUP_FIELDS, some_group),
    }


def _email_lookup(filter: Filter) -> bool:
    """Whether the filter requires some e-mail to match (a top-level ``emails`` term)."""
    terms = filter.terms if isinstance(filter, And) else (filter,)
    return any(isinstance(term, Each) and term.attribute == "emails" for term in terms)


def search_members(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    filter: Filter | None,
    sort: SortSpec | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Member]]:
    """Members (not removed) matching ``filter``: the total count and one page, with e-mails and phones."""
    actor.require_workspace(workspace_id)
    dialect = session.get_bind().dialect.name
    in_workspace: ColumnElement[bool] = Member.workspace_id == workspace_id
    if dialect == "sqlite" and filter is not None and _email_lookup(filter):
        # Without statistics SQLite would scan the workspace and probe the e-mail list per member;
        # declaring the workspace test unselective makes it start from the e-mail index instead.
        in_workspace = func.likelihood(in_workspace, literal_column("0.9"))
    conditions: list[ColumnElement[bool]] = [in_workspace, Member.status != MemberStatus.REMOVED]
    if filter is not None:
        conditions.append(Compiler(session, FIELDS, _multi_valued(workspace_id)).compile(filter))
    total, page = page_with_total(
        session,
        count=select(func.count()).select_from(Member).where(*conditions),
        page=select(Member)
        .where(*conditions)
        .order_by(*order_by(sort, SORTABLE, default=Member.created_at, ident=Member.id, dialect=dialect))
        .offset(offset)
        .limit(limit),
        filter=filter,
        unique=UNIQUE,
        offset=offset,
        limit=limit,
    )
    return total, _with_contacts(session, page)


# The contacts of a page, by prebuilt statements: in place of selectinload, whose per-query loader set-up
# measured about a quarter of a SCIM lookup's Python time (replacing it cut ~13% of the lookup's CPU).
_PAGE_IDS = bindparam("ids", type_=Uuid, expanding=True)
_EMAILS = (
    select(MemberEmail)
    .where(MemberEmail.member_id.in_(_PAGE_IDS))
    .order_by(MemberEmail.member_id, MemberEmail.position)
)
_PHONES = (
    select(MemberPhone)
    .where(MemberPhone.member_id.in_(_PAGE_IDS))
    .order_by(MemberPhone.member_id, MemberPhone.position)
)


def _with_contacts(session: Session, members: list[Member]) -> list[Member]:
    """Load the e-mails and phone numbers of ``members`` (two queries for the whole page)."""
    if not members:
        return members
    params = {"ids": [m.id for m in members]}
    emails: dict[UUID, list[MemberEmail]] = {m.id: [] for m in members}
    phones: dict[UUID, list[MemberPhone]] = {m.id: [] for m in members}
    for email in session.scalars(_EMAILS, params):
        emails[email.member_id].append(email)
    for phone in session.scalars(_PHONES, params):
        phones[phone.member_id].append(phone)
    for member in members:
        set_committed_value(member, "emails", emails[member.id])
        set_committed_value(member, "phone_numbers", phones[member.id])
    return members
