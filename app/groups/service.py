"""Every rule about groups and membership, for the IdP and for the app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from app.actor import Actor
from app.errors import GroupAlreadyExists, GroupNotFound, InvalidValue, ScimManaged, VersionMismatch
from app.groups.changes import (
    AddMembers,
    GroupChange,
    RemoveMembers,
    ReplaceMembers,
    SetDisplayName,
    SetExternalId,
)
from app.groups.models import Group
from app.groups.repository import GroupRepository
from app.members.profile import ChangeReport
from app.members.repository import MemberRepository
from app.orm import fold
from app.validation import required_text, text

MAX_MEMBERS_PER_REQUEST = 100_000


@dataclass(frozen=True, slots=True)
class GroupResult:
    group: Group
    created: bool
    report: ChangeReport


# -- queries ------------------------------------------------------------------------------------------


def get_group(
    session: Session, actor: Actor, *, workspace_id: UUID, group_id: UUID, for_update: bool = False
) -> Group:
    """One group (without its members)."""
    actor.require_workspace(workspace_id)
    group = GroupRepository(session).get(workspace_id, group_id, for_update=for_update)
    if group is None:
        raise GroupNotFound(group_id)
    return group


def list_groups(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    search: str | None = None,
    after: tuple[str, UUID] | None = None,
    limit: int = 50,
    peek: bool = False,
) -> list[Group]:
    """A page of groups in (name, id) order; ``peek`` fetches one more row to tell if a page follows."""
    actor.require_workspace(workspace_id)
    if not 1 <= limit <= 500:
        raise InvalidValue("page size must be between 1 and 500", field="first")
    _check_search(search)
    return GroupRepository(session).page(workspace_id, search=search, after=after, limit=limit + peek)


def count_groups(session: Session, actor: Actor, *, workspace_id: UUID, search: str | None = None) -> int:
    """How many groups ``list_groups`` would list over all pages (one COUNT)."""
    actor.require_workspace(workspace_id)
    _check_search(search)
    return GroupRepository(session).count(workspace_id, search=search)


def _check_search(search: str | None) -> None:
    if search is not None and len(search) > 255:
        raise InvalidValue("search is longer than 255 characters", field="search")


def group_members(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    group_id: UUID,
    after: UUID | None = None,
    limit: int = 50,
) -> list[tuple[UUID, str | None, str]]:
    """A page of a group's live members as (id, display name, user name)."""
    get_group(session, actor, workspace_id=workspace_id, group_id=group_id)
    return GroupRepository(session).members_page(group_id, after=after, limit=limit)


# -- the identity provider ----------------------------------------------------------------------------


def provision_group(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    name: str,
    external_id: str | None = None,
    member_ids: Sequence[UUID] = (),
) -> GroupResult:
    """The IdP creates a group; an existing unmanaged group of the same name is adopted, never replaced."""
    actor.require_provisioner(workspace_id)
    name = _name(name)
    external_id = text(external_id, "externalId")
    repo = GroupRepository(session)
    report = ChangeReport()
    group = repo.get_by_name(workspace_id, name)
    if group is not None and group.scim_managed:
        raise GroupAlreadyExists(workspace_id=workspace_id, name=name, existing_id=group.id)
    if group is None:
        group = repo.add(
            Group(
                workspace_id=workspace_id,
                display_name=name,
                name_key=fold(name),
                external_id=external_id,
                scim_managed=True,
            )
        )
        report.applied.append("created")
        _apply(session, group, [AddMembers(tuple(member_ids))], report)
        return GroupResult(group, True, report)
    report.applied.append("adopted an existing group that was not yet managed by the IdP")
    group.scim_managed = True
    changes: list[GroupChange] = [SetDisplayName(name), SetExternalId(external_id)]
    if member_ids:
        changes.append(ReplaceMembers(tuple(member_ids)))
    else:
        report.ignore("members", "no members were sent, so the adopted group keeps its members")
    _apply(session, group, changes, report)
    repo.touch(group)
    session.flush()
    return GroupResult(group, False, report)


def update_group(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    group_id: UUID,
    changes: Sequence[GroupChange],
    expected_version: int | None = None,
) -> GroupResult:
    """The IdP changes a group (SCIM PATCH or PUT): all changes apply, in order, or none do."""
    actor.require_provisioner(workspace_id)
    group = get_group(session, actor, workspace_id=workspace_id, group_id=group_id, for_update=True)
    VersionMismatch.check(current=group.version, expected=expected_version)
    report = ChangeReport()
    group.scim_managed = True
    if _apply(session, group, changes, report):
        GroupRepository(session).touch(group)
    session.flush()
    return GroupResult(group, False, report)


def delete_group(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    group_id: UUID,
    expected_version: int | None = None,
) -> Group:
    """Delete a group: by the IdP, or in the app when the IdP does not manage it. Returns what was deleted."""
    actor.require_workspace(workspace_id)
    group = get_group(session, actor, workspace_id=workspace_id, group_id=group_id, for_update=True)
    if not actor.is_scim:
        actor.require_admin(workspace_id)
        _require_unmanaged(group)
    VersionMismatch.check(current=group.version, expected=expected_version)
    GroupRepository(session).delete(group)
    return group


# -- the app ------------------------------------------------------------------------------------------


def create_group(session: Session, actor: Actor, *, workspace_id: UUID, name: str) -> Group:
    """An admin creates a group in the app."""
    actor.require_admin(workspace_id)
    actor.require_app_user(workspace_id)
    name = _name(name)
    repo = GroupRepository(session)
    existing = repo.get_by_name(workspace_id, name)
    if existing is not None:
        raise GroupAlreadyExists(workspace_id=workspace_id, name=name, existing_id=existing.id)
    return repo.add(Group(workspace_id=workspace_id, display_name=name, name_key=fold(name)))


def change_group(
    session: Session, actor: Actor, *, workspace_id: UUID, group_id: UUID, changes: Sequence[GroupChange]
) -> Group:
    """An admin renames a group or changes its members in the app; IdP-managed groups are refused."""
    actor.require_admin(workspace_id)
    actor.require_app_user(workspace_id)
    group = get_group(session, actor, workspace_id=workspace_id, group_id=group_id, for_update=True)
    _require_unmanaged(group)
    if _apply(session, group, changes, ChangeReport()):
        GroupRepository(session).touch(group)
    session.flush()
    return group


# -- the rules ----------------------------------------------------------------------------------------


def _apply(session: Session, group: Group, changes: Sequence[GroupChange], report: ChangeReport) -> bool:
    """Apply typed changes as SQL deltas; adding a present or removing an absent member is a no-op."""
    repo = GroupRepository(session)
    changed = False
    for change in changes:
        match change:
            case SetDisplayName(name=name):
                name = _name(name)
                if name != group.display_name:
                    other = repo.get_by_name(group.workspace_id, name)
                    if other is not None and other.id != group.id:
                        raise GroupAlreadyExists(
                            workspace_id=group.workspace_id, name=name, existing_id=other.id
                        )
                    group.display_name, group.name_key = name, fold(name)
                    report.applied.append("displayName")
                    changed = True
            case SetExternalId(external_id=external_id):
                if external_id != group.external_id:
                    group.external_id = text(external_id, "externalId")
                    report.applied.append("externalId")
                    changed = True
            case AddMembers(member_ids=ids):
                wanted = _known_members(session, group, ids)
                present = repo.present(group.id, wanted)
                new = [m for m in wanted if m not in present]
                if new:
                    repo.insert_members(group.id, new)
                    report.applied.append(f"added {len(new)} member(s)")
                    changed = True
            case RemoveMembers(member_ids=ids):
                removed = repo.delete_members(group.id, list(dict.fromkeys(ids)))
                if removed:
                    report.applied.append(f"removed {removed} member(s)")
                    changed = True
            case ReplaceMembers(member_ids=ids):
                wanted = _known_members(session, group, ids)
                current = repo.member_ids(group.id)
                gone = [m for m in current if m not in set(wanted)]
                new = [m for m in wanted if m not in current]
                if gone:
                    repo.delete_members(group.id, gone)
                if new:
                    repo.insert_members(group.id, new)
                if gone or new:
                    report.applied.append(f"replaced members (+{len(new)} -{len(gone)})")
                    changed = True
    return changed


def _known_members(session: Session, group: Group, ids: Sequence[UUID]) -> list[UUID]:
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_MEMBERS_PER_REQUEST:
        raise InvalidValue(f"at most {MAX_MEMBERS_PER_REQUEST} members per request", field="members")
    if not wanted:
        return []
    known = MemberRepository(session).existing_ids(group.workspace_id, wanted)
    unknown = [str(m) for m in wanted if m not in known]
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise InvalidValue(f"no such member(s) in this workspace: {shown}", field="members")
    return wanted


def _require_unmanaged(group: Group) -> None:
    if group.scim_managed:
        raise ScimManaged(f"group {group.display_name!r}")


def _name(name: str) -> str:
    return required_text(name, "displayName")


def groups_of_members(
    session: Session, actor: Actor, *, workspace_id: UUID, member_ids: Sequence[UUID]
) -> dict[UUID, list[Group]]:
    """The groups of each member, in name order: one query per 500 members (DataLoaders, SCIM lists)."""
    actor.require_workspace(workspace_id)
    return GroupRepository(session).for_members(list(member_ids))


def members_of_groups(
    session: Session, actor: Actor, *, workspace_id: UUID, group_ids: Sequence[UUID]
) -> dict[UUID, list[tuple[UUID, str | None, str]]]:
    """Every live member of each group as (id, display name, user name), in id order."""
    actor.require_workspace(workspace_id)
    return GroupRepository(session).members_of_groups(list(group_ids))


def member_counts(
    session: Session, actor: Actor, *, workspace_id: UUID, group_ids: Sequence[UUID]
) -> dict[UUID, int]:
    """Live member count of each group, without loading members."""
    actor.require_workspace(workspace_id)
    return GroupRepository(session).count_members(list(group_ids))
