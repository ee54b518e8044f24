"""Every rule about members: provisioning by the IdP, changes made in the app, status and timezone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from app.actor import Actor
from app.enums import MemberStatus, Role, TimezoneSource
from app.errors import (
    Forbidden,
    InvalidValue,
    LastOwner,
    MemberAlreadyExists,
    MemberNotFound,
    ScimManaged,
    VersionMismatch,
)
from app.groups.repository import GroupRepository
from app.members.models import Member, MemberEmail, MemberPhone, member_sort_key
from app.members.profile import SCALAR_FIELDS, ChangeReport, ContactValue, MemberProfile
from app.members.repository import MemberRepository
from app.orm import fold, utcnow
from app.validation import is_timezone, required_text, text, timezone
from app.workspaces.repository import WorkspaceRepository

MAX_CONTACTS = 20
LONG_FIELDS = {"profile_url": 1024}


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    member: Member
    created: bool
    report: ChangeReport


# -- queries ------------------------------------------------------------------------------------------


def get_member(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    member_id: UUID,
    include_removed: bool = False,
    for_update: bool = False,
) -> Member:
    """One member with e-mails and phone numbers; removed members are not found unless asked for."""
    actor.require_workspace(workspace_id)
    member = MemberRepository(session).get(workspace_id, member_id, for_update=for_update)
    if member is None or (member.status == MemberStatus.REMOVED and not include_removed):
        raise MemberNotFound(member_id)
    return member


def list_members(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    search: str | None = None,
    statuses: Sequence[MemberStatus] = (MemberStatus.ACTIVE, MemberStatus.INACTIVE),
    group_id: UUID | None = None,
    after: tuple[str, UUID] | None = None,
    limit: int = 50,
    peek: bool = False,
) -> list[Member]:
    """A page of members in stable (name, id) order; removed members only when asked for.

    ``peek`` fetches one row beyond ``limit`` so that a caller can tell whether another page follows.
    """
    actor.require_workspace(workspace_id)
    if not 1 <= limit <= 500:
        raise InvalidValue("page size must be between 1 and 500", field="first")
    _check_search(search)
    return MemberRepository(session).page(
        workspace_id, search=search, statuses=statuses, group_id=group_id, after=after, limit=limit + peek
    )


def count_members(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    search: str | None = None,
    statuses: Sequence[MemberStatus] = (MemberStatus.ACTIVE, MemberStatus.INACTIVE),
    group_id: UUID | None = None,
) -> int:
    """How many members ``list_members`` would list over all pages (one COUNT)."""
    actor.require_workspace(workspace_id)
    _check_search(search)
    return MemberRepository(session).count(workspace_id, search=search, statuses=statuses, group_id=group_id)


def _check_search(search: str | None) -> None:
    if search is not None and len(search) > 255:
        raise InvalidValue("search is longer than 255 characters", field="search")


# -- provisioning (the identity provider) -------------------------------------------------------------


def provision_member(
    session: Session, actor: Actor, *, workspace_id: UUID, profile: MemberProfile
) -> ProvisionResult:
    """The IdP adds a user: create it, revive a removed one, or adopt a matching unmanaged member."""
    actor.require_provisioner(workspace_id)
    _check_profile(profile)
    repo = MemberRepository(session)
    report = ChangeReport()
    found = _provisioning_match(repo, workspace_id, profile)
    member = repo.get(workspace_id, found) if found is not None else None
    if member is None:
        member = Member(
            workspace_id=workspace_id,
            role=Role.MEMBER,
            timezone=WorkspaceRepository(session).default_timezone(workspace_id),
            timezone_source=TimezoneSource.DEFAULT,
            scim_managed=True,
        )
        _apply_profile(session, member, profile, report, new=True)
        _set_contacts(member, profile)
        repo.add(member)
        report.applied.insert(0, "created")
        return ProvisionResult(member, True, report)
    if member.status == MemberStatus.REMOVED:
        member.status = MemberStatus.INACTIVE  # _set_active below decides, as for any update
        report.applied.append("revived a removed member")
    else:
        report.applied.append("adopted an existing member that was not yet managed by the IdP")
    member.scim_managed = True
    _apply_profile(session, member, profile, report)
    _set_active(session, member, profile.active, report)
    _touch(member)
    session.flush()
    return ProvisionResult(member, False, report)


def replace_member(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    member_id: UUID,
    profile: MemberProfile,
    expected_version: int | None = None,
) -> ProvisionResult:
    """The IdP replaces every attribute it owns (SCIM PUT)."""
    return update_member(
        session,
        actor,
        workspace_id=workspace_id,
        member_id=member_id,
        change=lambda _current: profile,
        expected_version=expected_version,
    )


def update_member(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    member_id: UUID,
    change: Callable[[MemberProfile], MemberProfile],
    expected_version: int | None = None,
) -> ProvisionResult:
    """The IdP changes some attributes (SCIM PATCH): ``change`` maps the current profile to the new one."""
    actor.require_provisioner(workspace_id)
    member = get_member(session, actor, workspace_id=workspace_id, member_id=member_id, for_update=True)
    VersionMismatch.check(current=member.version, expected=expected_version)
    current = MemberProfile.from_member(member)
    profile = change(current)
    _check_profile(profile)
    report = ChangeReport()
    if profile.user_name != member.user_name:
        other = MemberRepository(session).get_by_user_name(workspace_id, profile.user_name)
        if other is not None and other.id != member.id:
            raise MemberAlreadyExists(
                workspace_id=workspace_id, user_name=profile.user_name, existing_id=other.id
            )
    timezone_changed = profile.timezone != current.timezone
    _apply_profile(session, member, profile, report, timezone_changed=timezone_changed)
    _set_active(session, member, profile.active, report)
    if profile != current or report.applied:
        member.scim_managed = True
        _touch(member)
    session.flush()
    return ProvisionResult(member, False, report)


def remove_member(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    member_id: UUID,
    expected_version: int | None = None,
) -> Member:
    """The IdP deletes a user: the member is marked REMOVED (history kept) and leaves every group."""
    actor.require_provisioner(workspace_id)
    member = get_member(session, actor, workspace_id=workspace_id, member_id=member_id, for_update=True)
    VersionMismatch.check(current=member.version, expected=expected_version)
    _guard_last_owner(session, member, "remove")
    member.status = MemberStatus.REMOVED
    GroupRepository(session).remove_member_everywhere(member.id)
    _touch(member)
    session.flush()
    return member


# -- changes made in the app -------------------------------------------------------------------------


def invite_member(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    email: str,
    display_name: str | None = None,
    role: Role = Role.MEMBER,
) -> Member:
    """An admin adds a member by e-mail (not managed by the IdP)."""
    actor.require_admin(workspace_id)
    _require_role_grant(actor, role)
    email = _email(email)
    display_name = text(display_name, "displayName")
    repo = MemberRepository(session)
    existing = repo.get_by_user_name(workspace_id, email)
    if existing is not None:
        raise MemberAlreadyExists(workspace_id=workspace_id, user_name=email, existing_id=existing.id)
    workspace = WorkspaceRepository(session).get(workspace_id)
    member = Member(
        workspace_id=workspace_id,
        user_name=email,
        user_name_key=fold(email),
        display_name=display_name,
        role=role,
        status=MemberStatus.ACTIVE,
        timezone=workspace.default_timezone if workspace else None,
        timezone_source=TimezoneSource.DEFAULT,
        scim_managed=False,
    )
    member.sort_key = _sort_key(member)
    _set_contacts(member, MemberProfile(user_name=email, emails=(ContactValue(email, "work", True),)))
    repo.add(member)
    return member


def change_role(session: Session, actor: Actor, *, workspace_id: UUID, member_id: UUID, role: Role) -> Member:
    """An admin changes a member's role; only owners grant or take away ownership."""
    actor.require_admin(workspace_id)
    member = _app_editable(session, actor, workspace_id, member_id)
    _require_role_grant(actor, role)
    if member.role == Role.OWNER and role != Role.OWNER:
        _require_role_grant(actor, Role.OWNER)
        _guard_last_owner(session, member, "demote")
    if member.role != role:
        member.role = role
        _touch(member)
    session.flush()
    return member


def set_member_active(
    session: Session, actor: Actor, *, workspace_id: UUID, member_id: UUID, active: bool
) -> Member:
    """An admin deactivates or reactivates a member the IdP does not manage."""
    actor.require_admin(workspace_id)
    member = _app_editable(session, actor, workspace_id, member_id)
    report = ChangeReport()
    _set_active(session, member, active, report)
    if report.applied:
        _touch(member)
    session.flush()
    return member


def set_own_timezone(session: Session, actor: Actor, *, workspace_id: UUID, timezone_name: str) -> Member:
    """A member sets their own timezone; from now on the app, not the IdP, owns it."""
    actor.require_app_user(workspace_id)
    if actor.member_id is None:
        raise InvalidValue("only a signed-in member has an own timezone")
    member = get_member(session, actor, workspace_id=workspace_id, member_id=actor.member_id)
    member.timezone = timezone(timezone_name)
    member.timezone_source = TimezoneSource.MEMBER
    _touch(member)
    session.flush()
    return member


# -- the rules ----------------------------------------------------------------------------------------


def _apply_profile(
    session: Session,
    member: Member,
    profile: MemberProfile,
    report: ChangeReport,
    *,
    new: bool = False,
    timezone_changed: bool = True,
) -> None:
    """Names, e-mails and every other IdP-owned attribute always follow the IdP."""
    changed = [name for name in SCALAR_FIELDS if getattr(member, name) != getattr(profile, name)]
    for name in changed:
        setattr(member, name, getattr(profile, name))
    if member.user_name != profile.user_name:
        changed.append("user_name")
        member.user_name = profile.user_name
        member.user_name_key = fold(profile.user_name)
    member.sort_key = _sort_key(member)
    if not new:
        current = MemberProfile.from_member(member)
        emails, phones = current.emails != profile.emails, current.phone_numbers != profile.phone_numbers
        changed.extend(["emails"] * emails + ["phone_numbers"] * phones)
        _set_contacts(member, profile, emails=emails, phones=phones)
    else:
        changed.extend(["emails"] * bool(profile.emails) + ["phone_numbers"] * bool(profile.phone_numbers))
        member.status = MemberStatus.ACTIVE if profile.active else MemberStatus.INACTIVE
    report.applied.extend(changed)
    if timezone_changed:
        _apply_idp_timezone(session, member, profile.timezone, report)


def _apply_idp_timezone(session: Session, member: Member, value: str | None, report: ChangeReport) -> None:
    """The IdP's timezone is recorded always, applied only while the member has not chosen one."""
    member.idp_timezone = value
    if value is None:
        if member.timezone_source == TimezoneSource.IDP:
            # The IdP withdrew its value: the workspace default applies again.
            member.timezone = WorkspaceRepository(session).default_timezone(member.workspace_id)
            member.timezone_source = TimezoneSource.DEFAULT
            report.applied.append("timezone")
        return
    if not is_timezone(value):
        report.ignore("timezone", f"{value!r} is not an IANA timezone name")
        return
    if member.timezone_source == TimezoneSource.MEMBER:
        report.ignore("timezone", "the member set their own timezone in the app, which takes precedence")
        return
    member.timezone = value
    member.timezone_source = TimezoneSource.IDP
    report.applied.append("timezone")


def _set_active(session: Session, member: Member, active: bool, report: ChangeReport) -> None:
    if active and member.status != MemberStatus.ACTIVE:
        member.status = MemberStatus.ACTIVE
        report.applied.append("activated")
    elif not active and member.status == MemberStatus.ACTIVE:
        _guard_last_owner(session, member, "deactivate")
        member.status = MemberStatus.INACTIVE
        report.applied.append("deactivated")


def _guard_last_owner(session: Session, member: Member, action: str) -> None:
    if (
        member.role == Role.OWNER
        and member.status == MemberStatus.ACTIVE
        and MemberRepository(session).count_active_owners(member.workspace_id, excluding=member.id) == 0
    ):
        raise LastOwner(action)


def _provisioning_match(repo: MemberRepository, workspace_id: UUID, profile: MemberProfile) -> UUID | None:
    """The existing member a new IdP user is, in order of precedence: the member with its user name (a
    live IdP-managed one is a conflict), else the most recently removed member with its externalId, else
    the single unmanaged live member whose e-mail is the user name or the primary e-mail."""
    wanted = {profile.user_name} | {e.value for e in profile.emails if e.primary or len(profile.emails) == 1}
    emails = [email for email in wanted if "@" in email]
    candidates = repo.provisioning_candidates(workspace_id, profile.user_name, profile.external_id, emails)
    for c in candidates:
        if c.reason == "user_name":
            if c.scim_managed and c.status != MemberStatus.REMOVED:
                raise MemberAlreadyExists(
                    workspace_id=workspace_id, user_name=profile.user_name, existing_id=c.id
                )
            return c.id
    removed = [c for c in candidates if c.reason == "removed_external_id"]
    if removed:
        return max(removed, key=lambda c: c.updated_at).id
    adoptable = {c.id for c in candidates if c.reason == "unmanaged_email"}
    return next(iter(adoptable)) if len(adoptable) == 1 else None


def _app_editable(session: Session, actor: Actor, workspace_id: UUID, member_id: UUID) -> Member:
    member = get_member(session, actor, workspace_id=workspace_id, member_id=member_id)
    if member.scim_managed:
        raise ScimManaged("this member")
    return member


def _require_role_grant(actor: Actor, role: Role) -> None:
    if role == Role.OWNER and actor.kind == "member" and actor.role != Role.OWNER:
        raise Forbidden("only owners may grant or remove the owner role")


def _check_profile(profile: MemberProfile) -> None:
    required_text(profile.user_name, "userName")
    for name in SCALAR_FIELDS:
        text(getattr(profile, name), name, max_length=LONG_FIELDS.get(name, 255))
    text(profile.timezone, "timezone")
    for attribute, values in (("emails", profile.emails), ("phoneNumbers", profile.phone_numbers)):
        if len(values) > MAX_CONTACTS:
            raise InvalidValue(f"at most {MAX_CONTACTS} {attribute} are accepted", field=attribute)
        if sum(1 for v in values if v.primary) > 1:
            raise InvalidValue(f"at most one of {attribute} may be primary", field=attribute)
        for v in values:
            required_text(v.value, f"{attribute}.value")
            text(v.type, f"{attribute}.type", max_length=64)
            text(v.display, f"{attribute}.display")


def _email(value: str) -> str:
    value = required_text(value, "email")
    local, _, domain = value.partition("@")
    if not local or "." not in domain or " " in value:
        raise InvalidValue(f"{value!r} is not an e-mail address", field="email")
    return value


def _sort_key(member: Member) -> str:
    return member_sort_key(
        user_name=member.user_name,
        display_name=member.display_name,
        given_name=member.given_name,
        family_name=member.family_name,
    )


def _touch(member: Member) -> None:
    member.updated_at = utcnow()
    member.version = (member.version or 1) + 1


def _set_contacts(
    member: Member, profile: MemberProfile, *, emails: bool = True, phones: bool = True
) -> None:
    """Replace e-mails and/or phone numbers; a pending member gets them without any load."""
    if emails:
        member.emails = [
            MemberEmail(
                workspace_id=member.workspace_id,
                position=i,
                value=e.value,
                value_key=fold(e.value),
                type=e.type,
                primary=e.primary,
                display=e.display,
            )
            for i, e in enumerate(profile.emails)
        ]
    if phones:
        member.phone_numbers = [
            MemberPhone(position=i, value=p.value, type=p.type, primary=p.primary, display=p.display)
            for i, p in enumerate(profile.phone_numbers)
        ]
