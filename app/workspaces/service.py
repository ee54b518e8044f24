"""Every rule about workspaces: creation (with its first owner) and the SCIM switch."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from app.actor import Actor
from app.enums import MemberStatus, Plan, Role, TimezoneSource
from app.errors import Forbidden, InvalidValue, WorkspaceNotFound
from app.members.models import Member, MemberEmail, member_sort_key
from app.orm import fold
from app.scim_settings import service as scim_settings
from app.secrets import new_public_key
from app.validation import required_text, timezone
from app.workspaces.models import Workspace
from app.workspaces.repository import WorkspaceRepository


@dataclass(frozen=True, slots=True)
class CreatedWorkspace:
    workspace: Workspace
    owner: Member


def create_workspace(
    session: Session,
    actor: Actor,
    *,
    name: str,
    plan: Plan,
    owner_email: str,
    owner_name: str | None = None,
    default_timezone: str = "UTC",
) -> CreatedWorkspace:
    """The operator creates a workspace together with its first owner."""
    if not actor.is_system:
        raise Forbidden("only the operator may create workspaces")
    name = required_text(name, "name", max_length=200)
    owner_email = required_text(owner_email, "ownerEmail")
    if "@" not in owner_email:
        raise InvalidValue(f"{owner_email!r} is not an e-mail address", field="ownerEmail")
    workspace = WorkspaceRepository(session).add(
        Workspace(
            name=name, plan=plan, default_timezone=timezone(default_timezone), scim_key=new_public_key()
        )
    )
    owner = Member(
        workspace_id=workspace.id,
        user_name=owner_email,
        user_name_key=fold(owner_email),
        display_name=owner_name,
        role=Role.OWNER,
        status=MemberStatus.ACTIVE,
        timezone=workspace.default_timezone,
        timezone_source=TimezoneSource.DEFAULT,
        sort_key=member_sort_key(user_name=owner_email, display_name=owner_name),
        emails=[
            MemberEmail(
                workspace_id=workspace.id,
                value=owner_email,
                value_key=fold(owner_email),
                type="work",
                primary=True,
            )
        ],
        phone_numbers=[],
    )
    session.add(owner)
    session.flush()
    return CreatedWorkspace(workspace, owner)


def get_workspace(session: Session, actor: Actor, *, workspace_id: UUID) -> Workspace:
    """The actor's workspace."""
    actor.require_workspace(workspace_id)
    workspace = WorkspaceRepository(session).get(workspace_id)
    if workspace is None:
        raise WorkspaceNotFound(workspace_id)
    return workspace


def set_plan(session: Session, actor: Actor, *, workspace_id: UUID, plan: Plan) -> Workspace:
    """The operator changes the plan; leaving Enterprise turns SCIM off and revokes its tokens."""
    if not actor.is_system:
        raise Forbidden("only the operator may change plans")
    workspace = get_workspace(session, actor, workspace_id=workspace_id)
    workspace.plan = plan
    if plan != Plan.ENTERPRISE and workspace.scim_enabled:
        scim_settings.disable_scim(session, actor, workspace_id=workspace_id)
    session.flush()
    return workspace
