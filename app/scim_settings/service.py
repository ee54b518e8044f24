"""Every rule about SCIM settings: the switch, the bearer tokens and how a presented token is checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.orm import Session

from app import secrets
from app.actor import Actor
from app.enums import Plan
from app.errors import InvalidValue, PlanRequired, TokenNotFound, Unauthenticated, WorkspaceNotFound
from app.orm import utcnow
from app.scim_settings.models import ScimToken
from app.scim_settings.repository import ScimTokenRepository
from app.validation import required_text
from app.workspaces.models import Workspace
from app.workspaces.repository import WorkspaceRepository

# last_used_at is written at most this often per token, so that reads stay reads under IdP load.
LAST_USED_GRANULARITY = timedelta(seconds=60)
MAX_TOKENS = 20


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as created: the only moment its plaintext exists outside the IdP."""

    token: ScimToken
    plaintext: str


@dataclass(frozen=True, slots=True)
class ScimSettings:
    workspace: Workspace
    tokens: list[ScimToken]


@dataclass(frozen=True, slots=True)
class ScimCaller:
    """A verified SCIM caller: the actor to run services as, and whether to record the token's use."""

    actor: Actor
    workspace: Workspace
    stale_last_used: bool


def get_settings(session: Session, actor: Actor, *, workspace_id: UUID) -> ScimSettings:
    """The SCIM switch and tokens, for owners of Enterprise workspaces."""
    workspace = _workspace(session, workspace_id)
    actor.require_owner(workspace_id)
    if workspace.plan != Plan.ENTERPRISE:
        raise PlanRequired("SCIM provisioning", "Enterprise")
    return ScimSettings(workspace, ScimTokenRepository(session).for_workspace(workspace_id))


def enable_scim(
    session: Session, actor: Actor, *, workspace_id: UUID, token_name: str = "Identity provider"
) -> IssuedToken:
    """An owner of an Enterprise workspace turns SCIM on; the first token is returned, in clear, once."""
    workspace = _require_scim_owner(session, actor, workspace_id)
    if workspace.scim_enabled:
        raise InvalidValue("SCIM is already enabled; create another token to rotate credentials")
    workspace.scim_enabled = True
    return _issue(session, workspace, name=token_name, created_by=actor.member_id, expires_in_days=None)


def disable_scim(session: Session, actor: Actor, *, workspace_id: UUID) -> Workspace:
    """An owner turns SCIM off: every token is revoked at once; members and groups stay as they are."""
    workspace = _workspace(session, workspace_id)
    actor.require_owner(workspace_id)
    workspace.scim_enabled = False
    ScimTokenRepository(session).revoke_all(workspace_id, utcnow())
    session.flush()
    return workspace


def create_token(
    session: Session, actor: Actor, *, workspace_id: UUID, name: str, expires_in_days: int | None = None
) -> IssuedToken:
    """Another live token, e.g. to rotate without downtime; shown once."""
    workspace = _require_scim_owner(session, actor, workspace_id)
    if not workspace.scim_enabled:
        raise InvalidValue("enable SCIM before creating tokens")
    return _issue(session, workspace, name=name, created_by=actor.member_id, expires_in_days=expires_in_days)


def revoke_token(session: Session, actor: Actor, *, workspace_id: UUID, token_id: UUID) -> ScimToken:
    """Revoke one token; the others keep working."""
    _workspace(session, workspace_id)
    actor.require_owner(workspace_id)
    token = ScimTokenRepository(session).get(workspace_id, token_id)
    if token is None:
        raise TokenNotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
    return token


def authenticate(session: Session, *, scim_key: str, presented: str | None) -> ScimCaller:
    """Check a bearer token against the workspace named in the URL. Any failure is the same failure."""
    failure = Unauthenticated("a valid SCIM bearer token for this workspace is required")
    if not presented:
        raise failure
    # One statement: the token, joined to the workspace the URL names (no row when they differ).
    found = ScimTokenRepository(session).by_hash_for_key(secrets.hash_secret(presented), scim_key)
    now = utcnow()
    if found is None:
        raise failure
    token, workspace = found
    if not secrets.matches(presented, token.token_hash) or not token.is_live(now):
        raise failure
    if not workspace.scim_enabled or workspace.plan != Plan.ENTERPRISE:
        raise Unauthenticated("SCIM provisioning is disabled for this workspace")
    stale = token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY
    return ScimCaller(Actor.scim(workspace.id, token.id), workspace, stale)


def workspace_for_key(session: Session, *, scim_key: str) -> UUID | None:
    """The workspace a SCIM base URL names, only to log a rejected request against it (never to answer)."""
    workspace = WorkspaceRepository(session).get_by_scim_key(scim_key)
    return workspace.id if workspace is not None else None


def record_token_use(session: Session, *, token_id: UUID) -> None:
    """Store the time a token was last accepted."""
    ScimTokenRepository(session).mark_used(token_id, utcnow())


def _issue(
    session: Session, workspace: Workspace, *, name: str, created_by: UUID | None, expires_in_days: int | None
) -> IssuedToken:
    name = required_text(name, "name", max_length=100)
    repo = ScimTokenRepository(session)
    now = utcnow()
    live = [t for t in repo.for_workspace(workspace.id) if t.is_live(now)]
    if len(live) >= MAX_TOKENS:
        raise InvalidValue(f"at most {MAX_TOKENS} live tokens; revoke an old one first")
    expires_at: datetime | None = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= 3650:
            raise InvalidValue("expiry must be between 1 and 3650 days", field="expiresInDays")
        expires_at = now + timedelta(days=expires_in_days)
    plaintext = secrets.new_secret("scim")
    token = repo.add(
        ScimToken(
            workspace_id=workspace.id,
            name=name,
            prefix=secrets.visible_prefix(plaintext),
            token_hash=secrets.hash_secret(plaintext),
            created_by=created_by,
            expires_at=expires_at,
        )
    )
    return IssuedToken(token, plaintext)


def _workspace(session: Session, workspace_id: UUID) -> Workspace:
    workspace = WorkspaceRepository(session).get(workspace_id)
    if workspace is None:
        raise WorkspaceNotFound(workspace_id)
    return workspace


def _require_scim_owner(session: Session, actor: Actor, workspace_id: UUID) -> Workspace:
    actor.require_owner(workspace_id)
    workspace = WorkspaceRepository(session).get_for_update(workspace_id)
    if workspace is None:
        raise WorkspaceNotFound(workspace_id)
    if workspace.plan != Plan.ENTERPRISE:
        raise PlanRequired("SCIM provisioning", "Enterprise")
    return workspace
