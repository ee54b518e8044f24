"""The per-request GraphQL context: database, actor, settings and DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Request
from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from app.actor import Actor
from app.config import Settings
from app.db import Database
from app.errors import DomainError, InvalidValue, NotFound
from app.web_session import resolve_actor
from schema.cursors import parse_id
from schema.errors import query_error, unauthenticated
from schema.loaders import Loaders, make_loaders

T = TypeVar("T")


class Context(BaseContext):
    """Everything a resolver needs; built once per request."""

    def __init__(self, db: Database, actor: Actor | None, settings: Settings) -> None:
        super().__init__()
        self.db = db
        self.actor = actor
        self.settings = settings
        self.loaders: Loaders = make_loaders(db, actor)

    def member_actor(self) -> Actor:
        """The signed-in member, or the UNAUTHENTICATED GraphQL error the UI redirects on."""
        if self.actor is None or self.actor.workspace_id is None:
            raise unauthenticated()
        return self.actor

    @property
    def workspace_id(self) -> UUID:
        workspace_id = self.member_actor().workspace_id
        assert workspace_id is not None
        return workspace_id

    async def query(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """Run a read unit of work as the signed-in member; domain errors become GraphQL errors."""
        actor = self.member_actor()
        try:
            return await self.db.read(fn, actor, *args, **kw)
        except DomainError as exc:
            raise query_error(exc) from exc

    async def lookup(self, fn: Callable[..., T], raw_id: str, id_kw: str) -> T | None:
        """One object by GraphQL id, or None when the id is malformed or names nothing visible."""
        try:
            object_id = parse_id(raw_id)
        except InvalidValue:
            return None
        actor = self.member_actor()
        try:
            return await self.db.read(fn, actor, workspace_id=self.workspace_id, **{id_kw: object_id})
        except NotFound:
            return None
        except DomainError as exc:
            raise query_error(exc) from exc

    async def command(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """Run one write unit of work as the signed-in member; domain errors reach the exception handlers."""
        actor = self.member_actor()
        return await self.db.write(fn, actor, *args, **kw)

    def scim_base_url(self, scim_key: str) -> str:
        return f"{self.settings.public_base}/scim/v2/{scim_key}"


Info = StrawberryInfo[Context, None]


async def get_context(request: Request) -> Context:
    """FastAPI dependency: the context of one GraphQL request."""
    db: Database = request.app.state.db
    return Context(db, await resolve_actor(request, db), request.app.state.settings)
