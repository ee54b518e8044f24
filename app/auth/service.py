"""Sign-in for the UI and scripts: one-time links, session cookies and personal API keys.

Every credential resolves to an Actor only while its member is ACTIVE, so deactivation in the IdP (or
in the app) refuses the member's very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import secrets
from app.actor import Actor
from app.auth.models import ApiKey, BrowserSession, LoginLink
from app.enums import MemberStatus
from app.errors import Forbidden, MemberNotFound, NotFound, Unauthenticated
from app.members.models import Member
from app.members.repository import MemberRepository
from app.orm import utcnow
from app.validation import required_text

MAX_API_KEYS = 20


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    plaintext: str
    member: Member


class LinkRefused(Unauthenticated):
    """The sign-in link cannot be used; ``reason`` is one of: unknown, used, expired, inactive."""

    def __init__(self, reason: str) -> None:
        messages = {
            "unknown": "this sign-in link is not valid",
            "used": "this sign-in link has already been used; ask for a new one",
            "expired": "this sign-in link has expired; ask for a new one",
            "inactive": "your membership of this workspace is deactivated",
        }
        super().__init__(messages[reason])
        self.reason = reason


def issue_login_link(
    session: Session, actor: Actor, *, workspace_id: UUID, email: str, valid_for: timedelta
) -> IssuedSecret:
    """A one-time sign-in secret for the member with this e-mail (operator or workspace admin)."""
    if not actor.is_system:
        actor.require_admin(workspace_id)
    member = MemberRepository(session).by_email(workspace_id, email)
    if member is None:
        raise NotFound(f"no member with e-mail {email!r} in this workspace")
    if member.status != MemberStatus.ACTIVE:
        raise Forbidden("this member is deactivated and cannot sign in")
    plaintext = secrets.new_secret("link")
    session.add(
        LoginLink(
            member_id=member.id, token_hash=secrets.hash_secret(plaintext), expires_at=utcnow() + valid_for
        )
    )
    session.flush()
    return IssuedSecret(plaintext, member)


def redeem_login_link(session: Session, *, link: str, session_ttl: timedelta) -> IssuedSecret:
    """Use a sign-in link once and open a browser session."""
    row = session.scalars(
        select(LoginLink).where(LoginLink.token_hash == secrets.hash_secret(link)).with_for_update()
    ).one_or_none()
    now = utcnow()
    if row is None or not secrets.matches(link, row.token_hash):
        raise LinkRefused("unknown")
    if row.used_at is not None:
        raise LinkRefused("used")
    if row.expires_at <= now:
        raise LinkRefused("expired")
    member = session.get(Member, row.member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise LinkRefused("inactive")
    row.used_at = now
    plaintext = secrets.new_secret("session")
    session.add(
        BrowserSession(
            member_id=member.id, token_hash=secrets.hash_secret(plaintext), expires_at=now + session_ttl
        )
    )
    session.flush()
    return IssuedSecret(plaintext, member)


def authenticate_session(session: Session, *, token: str) -> Actor:
    """The actor behind a session cookie, while the session is live and its member active."""
    row = session.scalars(
        select(BrowserSession).where(BrowserSession.token_hash == secrets.hash_secret(token))
    ).one_or_none()
    if row is None or not secrets.matches(token, row.token_hash):
        raise Unauthenticated("not signed in")
    if row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthenticated("your session has ended; sign in again")
    return _active_actor(session, row.member_id)


def sign_out(session: Session, *, token: str) -> None:
    """End a browser session."""
    row = session.scalars(
        select(BrowserSession).where(BrowserSession.token_hash == secrets.hash_secret(token))
    ).one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def create_api_key(session: Session, actor: Actor, *, name: str) -> tuple[ApiKey, str]:
    """A personal API key for scripts; the plaintext is returned once."""
    if actor.kind != "member" or actor.member_id is None or actor.workspace_id is None:
        raise Forbidden("only a signed-in member can create personal API keys")
    name = required_text(name, "name", max_length=100)
    live = session.scalars(
        select(ApiKey).where(ApiKey.member_id == actor.member_id, ApiKey.revoked_at.is_(None))
    ).all()
    if len(live) >= MAX_API_KEYS:
        raise Forbidden(f"at most {MAX_API_KEYS} live API keys; revoke an old one first")
    plaintext = secrets.new_secret("key")
    key = ApiKey(
        member_id=actor.member_id,
        name=name,
        prefix=secrets.visible_prefix(plaintext),
        token_hash=secrets.hash_secret(plaintext),
    )
    session.add(key)
    session.flush()
    return key, plaintext


def list_api_keys(session: Session, actor: Actor) -> list[ApiKey]:
    """The signed-in member's own API keys."""
    if actor.member_id is None:
        return []
    return list(
        session.scalars(select(ApiKey).where(ApiKey.member_id == actor.member_id).order_by(ApiKey.created_at))
    )


def revoke_api_key(session: Session, actor: Actor, *, key_id: UUID) -> ApiKey:
    """Revoke one of the signed-in member's own API keys."""
    key = session.get(ApiKey, key_id)
    if key is None or key.member_id != actor.member_id:
        raise NotFound(f"API key {key_id} not found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    session.flush()
    return key


def authenticate_api_key(session: Session, *, key: str) -> Actor:
    """The actor behind a personal API key, while the key is live and its member active."""
    row = session.scalars(select(ApiKey).where(ApiKey.token_hash == secrets.hash_secret(key))).one_or_none()
    if row is None or not secrets.matches(key, row.token_hash) or row.revoked_at is not None:
        raise Unauthenticated("the API key is not valid")
    return _active_actor(session, row.member_id)


def _active_actor(session: Session, member_id: UUID) -> Actor:
    member = session.get(Member, member_id)
    if member is None:
        raise MemberNotFound(member_id)
    if member.status != MemberStatus.ACTIVE:
        raise Unauthenticated("your membership of this workspace is deactivated")
    return Actor.member(member.workspace_id, member.id, member.role)
