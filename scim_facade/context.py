"""Who is calling: the bearer-token check and the per-request SCIM client (actor, URLs, IdP guess)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import Depends, Request

from app.actor import Actor
from app.config import Settings
from app.db import Database, P, T, UnitOfWork
from app.scim_settings import service as scim_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MICROSOFT_GROUP_URN = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


@dataclass(slots=True)
class PendingCheck:
    """A bearer token not yet checked: the URL's workspace key, the token, and where to note the client."""

    key: str
    presented: str | None
    state: Any  # the request's ``state``: ``scim`` is set there once the token is accepted


@dataclass(slots=True)
class ScimClient:
    """One SCIM request: what every action needs, and what the log records.

    The bearer token is checked inside the request's first unit of work (``read`` / ``write``), so that
    a lookup or a write costs one database round instead of two; ``authenticate`` checks it on its own
    for routes that reach no data. Until then ``actor``, ``workspace_id`` and ``token_id`` are unset."""

    db: Database
    settings: Settings
    base_url: str
    method: str
    path: str
    user_agent: str
    query: str
    idp: str = "unknown"
    rewrites: list[str] = field(default_factory=list)
    # What the provisioning log names when the request fails (set as soon as an action knows it).
    target: str | None = None
    caller: Actor | None = None
    pending: PendingCheck | None = None

    @property
    def actor(self) -> Actor:
        if self.caller is None:
            raise RuntimeError("the SCIM bearer token has not been checked yet")
        return self.caller

    @property
    def workspace_id(self) -> UUID:
        workspace_id = self.actor.workspace_id
        assert workspace_id is not None
        return workspace_id

    @property
    def token_id(self) -> UUID:
        token_id = self.actor.token_id
        assert token_id is not None
        return token_id

    def location(self, resource: str, resource_id: UUID | str) -> str:
        return f"{self.base_url}/{resource}/{resource_id}"

    async def authenticate(self) -> None:
        """Check the bearer token now, if no unit of work has checked it yet."""
        if self.pending is not None:
            await self.read(_nothing)

    async def read(self, fn: UnitOfWork[P, T], *args: P.args, **kw: P.kwargs) -> T:
        """``db.read``, checking the bearer token first in the same unit of work when still unchecked."""
        pending = self.pending
        if pending is None:
            return await self.db.read(fn, *args, **kw)
        stale: list[bool] = []

        def checked(session: Session) -> T:
            stale.append(self._check(session, pending))
            return fn(session, *args, **kw)

        try:
            return await self.db.read(checked)
        finally:
            if stale and stale[0]:
                await self.db.write(scim_settings.record_token_use, token_id=self.token_id)

    async def write(self, fn: UnitOfWork[P, T], *args: P.args, **kw: P.kwargs) -> T:
        """``db.write``, checking the bearer token first in the same transaction when still unchecked."""
        pending = self.pending
        if pending is None:
            return await self.db.write(fn, *args, **kw)
        stale: list[bool] = []

        def checked(session: Session) -> T:
            stale.append(self._check(session, pending))
            if stale[0]:
                scim_settings.record_token_use(session, token_id=self.token_id)
            return fn(session, *args, **kw)

        try:
            return await self.db.write(checked)
        except BaseException:
            if stale and stale[0]:  # the token's use was rolled back with the failed change: note it alone
                await self.db.write(scim_settings.record_token_use, token_id=self.token_id)
            raise

    def _check(self, session: Session, pending: PendingCheck) -> bool:
        """Authenticate (raises when refused); returns whether the token's last use should be stored."""
        caller = scim_settings.authenticate(session, scim_key=pending.key, presented=pending.presented)
        assert caller.actor.workspace_id is not None and caller.actor.token_id is not None
        self.caller = caller.actor
        self.pending = None
        pending.state.scim = self
        return caller.stale_last_used


def _nothing(_session: Session) -> None:
    return None


def bearer_token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def guess_idp(user_agent: str, query: str, body: dict[str, Any] | None = None) -> str:
    """The identity provider behind a request, from its User-Agent and its shape."""
    ua = user_agent.lower()
    if "okta" in ua:
        return "okta"
    if "azure" in ua or "microsoft" in ua or "aadoptscim062020" in query.lower():
        return "entra"
    if "google" in ua:
        return "google"
    if "jumpcloud" in ua:
        return "jumpcloud"
    if body is not None and MICROSOFT_GROUP_URN in (body.get("schemas") or []):
        return "entra"
    return "unknown"


async def scim_client(request: Request, key: str) -> ScimClient:
    """The SCIM client of a request; its bearer token is checked by its first unit of work."""
    settings: Settings = request.app.state.settings
    user_agent = request.headers.get("user-agent", "")
    query = request.url.query
    client = ScimClient(
        db=request.app.state.db,
        settings=settings,
        base_url=f"{settings.public_base}/scim/v2/{key}",
        method=request.method,
        path=request.url.path,
        user_agent=user_agent,
        query=query,
        idp=guess_idp(user_agent, query),
        pending=PendingCheck(key, bearer_token(request), request.state),
    )
    request.state.scim_unchecked = client
    return client


async def settle_authentication(request: Request) -> None:
    """Check the bearer token of a request whose route has not reached the database (raises if refused)."""
    client: ScimClient | None = getattr(request.state, "scim_unchecked", None)
    if client is not None:
        await client.authenticate()


ScimClientDep = Annotated[ScimClient, Depends(scim_client)]
