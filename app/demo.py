"""The demo workspace behind `roster demo`: "Demo Co", seeded fast enough for 50,000 members.

The workspace, its owner, admin, groups and SCIM switch go through the real services. Members are
inserted in batches with Core statements (one INSERT per table per batch) because the services add them
one at a time; the rows are built exactly as ``provision_member`` (IdP users) and ``invite_member``
(people added in the app) build them, with ``fold`` for every key.

Seeding happens under a temporary name and the workspace is renamed in the last unit of work, so an
interrupted run leaves nothing that looks finished: the next run deletes it and starts again.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.actor import Actor
from app.auth import service as auth_service
from app.enums import MemberStatus, Plan, Role, TimezoneSource
from app.errors import Forbidden, NotFound
from app.groups import service as group_service
from app.groups.models import Group, GroupMembership
from app.members import service as member_service
from app.members.models import Member, MemberEmail, member_sort_key
from app.orm import fold, new_id, utcnow
from app.scim_settings import service as scim_settings
from app.scim_settings.models import ScimToken
from app.workspaces import service as workspace_service
from app.workspaces.models import Workspace

DEMO_NAME = "Demo Co"
SEEDING_NAME = "Demo Co (seeding)"
DOMAIN = "demo.roster.test"
OWNER_EMAIL = f"owner@{DOMAIN}"
ADMIN_EMAIL = f"admin@{DOMAIN}"
MEMBER_EMAIL = f"member@{DOMAIN}"
DEFAULT_TIMEZONE = "Europe/Amsterdam"
MAX_MEMBERS = 50_000
BATCH = 5_000
TOKEN_PREFIX = "roster demo"
# Every run prints a fresh SCIM token (plaintext exists only once); older demo tokens beyond this many
# are revoked so repeated `make run` never hits the live-token limit, while recent ones keep working.
KEEP_DEMO_TOKENS = 4

SYSTEM = Actor.system()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Ada Alan Amara Bao Beatriz Carlos Chen Dana Diego Elif Emeka Farah Grace Hana Ines Ivan Jonas Kai "
    "Lars Leila Lucia Malik Marta Mateo Nadia Noor Olga Omar Priya Rafael Sofia Tariq Ulla Vera Wei "
    "Yara Yusuf Zoe Åsa Émile"
)
LAST = _words(
    "Abe Bauer Costa Dubois Eriksen Fischer García Haddad Ito Jansen Kowalski Larsen Moreau Nakamura "
    "Okafor Petrov Quinn Rossi Santos Tanaka Ueda Varga Weber Xu Yilmaz Zhang Öztürk Novak Silva Berg"
)
TITLES = ("Engineer", "Account Executive", "Support Specialist", "Designer", "Analyst", "Manager")
IDP_TIMEZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/Lisbon",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
)
OWN_TIMEZONES = ("Pacific/Auckland", "Africa/Nairobi", "Europe/Helsinki")
INVALID_IDP_TIMEZONE = "Mars/Olympus_Mons"  # logged and ignored, as the timezone rule says
IDP_GROUPS = ("Engineering", "Sales", "Support")
EVERYONE = "Everyone"  # IdP group of every SCIM-managed member: the large-group case
APP_GROUPS = ("Design Guild", "Book Club")


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """What the member batches need: the workspace and the groups to fill."""

    workspace_id: UUID
    groups: dict[str, UUID]
    token: str


@dataclass(slots=True)
class DemoAccess:
    """Everything `roster demo` prints: sign-in secrets per role, the SCIM key and a token."""

    workspace_id: UUID
    scim_key: str
    scim_token: str
    members: int
    created: bool
    links: dict[str, str | None] = field(default_factory=dict)


# -- units of work ----------------------------------------------------------------------------------------


def find_demo(session: Session) -> UUID | None:
    """The finished demo workspace, if an earlier run made one."""
    return _workspace_with_owner(session, DEMO_NAME)


def start_demo(session: Session) -> DemoPlan:
    """Discard an interrupted run, then create the workspace, owner, admin, groups and SCIM token."""
    unfinished = _workspace_with_owner(session, SEEDING_NAME)
    if unfinished is not None:
        # ON DELETE CASCADE removes members, e-mails, groups, memberships and tokens with it.
        session.execute(delete(Workspace).where(Workspace.id == unfinished))
    created = workspace_service.create_workspace(
        session,
        SYSTEM,
        name=SEEDING_NAME,
        plan=Plan.ENTERPRISE,
        owner_email=OWNER_EMAIL,
        owner_name="Olivia Owner",
        default_timezone=DEFAULT_TIMEZONE,
    )
    workspace_id = created.workspace.id
    owner = Actor.member(workspace_id, created.owner.id, Role.OWNER)
    member_service.invite_member(
        session,
        SYSTEM,
        workspace_id=workspace_id,
        email=ADMIN_EMAIL,
        display_name="Adam Admin",
        role=Role.ADMIN,
    )
    issued = scim_settings.enable_scim(session, owner, workspace_id=workspace_id, token_name=_token_name())
    groups: dict[str, UUID] = {}
    for name in (*IDP_GROUPS, EVERYONE):
        result = group_service.provision_group(
            session, SYSTEM, workspace_id=workspace_id, name=name, external_id=f"okta-{fold(name)}"
        )
        groups[name] = result.group.id
    for name in APP_GROUPS:
        groups[name] = group_service.create_group(session, SYSTEM, workspace_id=workspace_id, name=name).id
    return DemoPlan(workspace_id, groups, issued.plaintext)


def seed_members(session: Session, plan: DemoPlan, *, start: int, stop: int) -> int:
    """Insert demo members ``start`` (inclusive) to ``stop`` (exclusive) with e-mails and memberships."""
    members: list[dict[str, Any]] = []
    emails: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    now = utcnow()
    for index in range(start, stop):
        row = _member_row(plan.workspace_id, index, now)
        members.append(row)
        emails.append(
            {
                "id": new_id(),
                "member_id": row["id"],
                "workspace_id": plan.workspace_id,
                "position": 0,
                "value": row["user_name"],
                "value_key": row["user_name_key"],
                "type": "work",
                "primary": True,
                "display": None,
            }
        )
        for group in _groups_of(index, row["scim_managed"]):
            memberships.append({"group_id": plan.groups[group], "member_id": row["id"], "created_at": now})
    if members:
        session.execute(insert(_table(Member)), members)
        session.execute(insert(_table(MemberEmail)), emails)
    if memberships:
        session.execute(insert(_table(GroupMembership)), memberships)
    _refresh_statistics(session)
    return len(members)


def finish_demo(session: Session, plan: DemoPlan, *, valid_for: timedelta) -> DemoAccess:
    """Name the workspace "Demo Co" (marking the seeding complete) and issue the sign-in links."""
    workspace = session.get(Workspace, plan.workspace_id, with_for_update=True)
    if workspace is None:
        raise NotFound("the demo workspace disappeared while it was being seeded")
    workspace.name = DEMO_NAME
    now = utcnow()
    for group in session.scalars(select(Group).where(Group.workspace_id == plan.workspace_id)):
        group.updated_at = now  # the memberships were added after the groups were created
    session.flush()
    access = DemoAccess(workspace.id, workspace.scim_key, plan.token, _count(session, workspace.id), True)
    access.links = _links(session, workspace.id, valid_for)
    return access


def refresh_demo(session: Session, workspace_id: UUID, *, valid_for: timedelta) -> DemoAccess:
    """For an existing demo: fresh sign-in links and a fresh SCIM token (SCIM is re-enabled if it was off)."""
    workspace = workspace_service.get_workspace(session, SYSTEM, workspace_id=workspace_id)
    owner_id = session.scalar(
        select(Member.id).where(
            Member.workspace_id == workspace_id, Member.user_name_key == fold(OWNER_EMAIL)
        )
    )
    if owner_id is None:
        raise NotFound(f"the demo owner {OWNER_EMAIL} is missing from the demo workspace")
    owner = Actor.member(workspace_id, owner_id, Role.OWNER)
    if workspace.plan != Plan.ENTERPRISE:
        workspace_service.set_plan(session, SYSTEM, workspace_id=workspace_id, plan=Plan.ENTERPRISE)
    if workspace.scim_enabled:
        _revoke_old_demo_tokens(session, workspace_id)
        issued = scim_settings.create_token(session, owner, workspace_id=workspace_id, name=_token_name())
    else:
        issued = scim_settings.enable_scim(
            session, owner, workspace_id=workspace_id, token_name=_token_name()
        )
    access = DemoAccess(
        workspace_id, workspace.scim_key, issued.plaintext, _count(session, workspace_id), False
    )
    access.links = _links(session, workspace_id, valid_for)
    return access


# -- rows -------------------------------------------------------------------------------------------------


def _member_row(workspace_id: UUID, index: int, now: Any) -> dict[str, Any]:
    """Member number ``index`` as the services would have stored it (IdP-provisioned or invited)."""
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    round_ = index // (len(FIRST) * len(LAST))
    scim = index % 3 != 2 or index == 0
    display = f"{first} {last}"
    if index == 0:
        first, last, display, user_name = "Mia", "Member", "Mia Member", MEMBER_EMAIL
    else:
        local = f"{_ascii(first)}.{_ascii(last)}{round_ + 1 if round_ else ''}"
        user_name = f"{local}@{DOMAIN}"
    inactive = index % 11 == 5
    row: dict[str, Any] = {c.name: None for c in Member.__table__.columns}
    row.update(
        id=uuid.uuid4(),
        workspace_id=workspace_id,
        user_name=user_name,
        user_name_key=fold(user_name),
        display_name=display,
        role=Role.MEMBER,
        status=MemberStatus.INACTIVE if inactive else MemberStatus.ACTIVE,
        timezone=DEFAULT_TIMEZONE,
        timezone_source=TimezoneSource.DEFAULT,
        scim_managed=scim,
        sort_key=member_sort_key(user_name=user_name, display_name=display),
        created_at=now,
        updated_at=now,
        version=2 if inactive else 1,  # deactivation is a later change, which bumps the version
    )
    if scim:
        idp_timezone = IDP_TIMEZONES[index % len(IDP_TIMEZONES)]
        row.update(
            external_id=f"00u{index:07d}demo",
            given_name=first,
            family_name=last,
            title=TITLES[index % len(TITLES)],
            department=_department(index),
            employee_number=f"E{index + 1:06d}",
            idp_timezone=idp_timezone,
            timezone=idp_timezone,
            timezone_source=TimezoneSource.IDP,
        )
        if index % 97 == 13:
            row.update(idp_timezone=INVALID_IDP_TIMEZONE, timezone=DEFAULT_TIMEZONE)
            row["timezone_source"] = TimezoneSource.DEFAULT
    if index % 17 == 4:  # this member chose a timezone in the app, which the IdP no longer overrides
        row.update(timezone=OWN_TIMEZONES[index % len(OWN_TIMEZONES)], timezone_source=TimezoneSource.MEMBER)
    return row


def _groups_of(index: int, scim: bool) -> Iterator[str]:
    if scim:
        yield EVERYONE
        yield _department(index)
    elif index % 2 == 0:
        yield APP_GROUPS[0]
    if index % 7 == 0:
        yield APP_GROUPS[1]


def _department(index: int) -> str:
    # Not index % 3: that would follow the every-third-member-is-not-SCIM pattern and leave a group empty.
    return IDP_GROUPS[(index // 2) % len(IDP_GROUPS)]


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


# -- helpers ----------------------------------------------------------------------------------------------


def _workspace_with_owner(session: Session, name: str) -> UUID | None:
    return session.scalar(
        select(Workspace.id)
        .join(Member, Member.workspace_id == Workspace.id)
        .where(Workspace.name == name, Member.user_name_key == fold(OWNER_EMAIL), Member.role == Role.OWNER)
        .order_by(Workspace.created_at)
        .limit(1)
    )


def _count(session: Session, workspace_id: UUID) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.workspace_id == workspace_id, Member.status != MemberStatus.REMOVED)
        )
        or 0
    )


def _links(session: Session, workspace_id: UUID, valid_for: timedelta) -> dict[str, str | None]:
    """A one-time sign-in secret for the owner, the admin and a member; None where sign-in is refused."""
    links: dict[str, str | None] = {}
    for role, email in (("owner", OWNER_EMAIL), ("admin", ADMIN_EMAIL), ("member", MEMBER_EMAIL)):
        try:
            issued = auth_service.issue_login_link(
                session, SYSTEM, workspace_id=workspace_id, email=email, valid_for=valid_for
            )
        except (Forbidden, NotFound):  # deactivated or removed since the demo was seeded
            links[role] = None
        else:
            links[role] = issued.plaintext
    return links


def _table(model: type[Any]) -> Table:
    # Core INSERTs with executemany: the ORM's per-object bookkeeping would dominate 50,000 rows.
    return cast(Table, model.__table__)


def _refresh_statistics(session: Session) -> None:
    """PostgreSQL plans foreign-key checks from table statistics; without fresh ones every later batch
    checks each row by a sequential scan of tables that were empty when planned (measured: 4x slower)."""
    if session.get_bind().dialect.name == "postgresql":
        for table in ("members", "member_emails", "groups", "group_members"):
            session.execute(text(f"ANALYZE {table}"))


def _token_name() -> str:
    return f"{TOKEN_PREFIX} {utcnow():%Y-%m-%d %H:%M:%S}"


def _revoke_old_demo_tokens(session: Session, workspace_id: UUID) -> None:
    now = utcnow()
    live = [
        t
        for t in session.scalars(
            select(ScimToken)
            .where(ScimToken.workspace_id == workspace_id, ScimToken.name.startswith(TOKEN_PREFIX))
            .order_by(ScimToken.created_at)
        )
        if t.is_live(now)
    ]
    for token in live[: max(0, len(live) - (KEEP_DEMO_TOKENS - 1))]:
        token.revoked_at = now
    session.flush()
