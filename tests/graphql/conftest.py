"""GraphQL test helpers: signed-in clients for several members of one workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.enums import Plan, Role
from tests.factories import WorkspaceFixture, make_member, make_workspace, sign_in

GQL = Callable[..., Awaitable[dict[str, Any]]]


class Gql:
    """A client signed in as one member; ``await gql(query, **variables)`` returns the JSON body."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
async def clients(app: FastAPI) -> AsyncIterator[Callable[[], httpx.AsyncClient]]:
    opened: list[httpx.AsyncClient] = []

    def new() -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        opened.append(client)
        return client

    yield new
    for client in opened:
        await client.aclose()


@pytest.fixture
def as_member(db: Any, clients: Callable[[], httpx.AsyncClient]) -> Callable[..., Awaitable[Gql]]:
    """``await as_member(ws, email)``: a Gql client signed in as that member."""

    async def sign(ws: WorkspaceFixture, email: str) -> Gql:
        client = clients()
        await sign_in(client, db, ws, email)
        return Gql(client)

    return sign


@pytest.fixture
def anonymous(client: httpx.AsyncClient) -> Gql:
    return Gql(client)


class Team:
    """An Enterprise workspace with an owner, an admin and a plain member, each signed in."""

    ws: WorkspaceFixture
    owner: Gql
    admin: Gql
    member: Gql
    admin_id: str
    member_id: str


@pytest.fixture
async def team(db: Any, as_member: Callable[..., Awaitable[Gql]]) -> Team:
    return await make_team(db, as_member, Plan.ENTERPRISE)


async def make_team(db: Any, as_member: Callable[..., Awaitable[Gql]], plan: Plan) -> Team:
    team = Team()
    team.ws = await make_workspace(db, plan=plan)
    admin = await make_member(db, team.ws, email="adam@acme.test", name="Adam Admin", role=Role.ADMIN)
    member = await make_member(db, team.ws, email="mia@acme.test", name="Mia Member")
    team.admin_id, team.member_id = str(admin.id), str(member.id)
    team.owner = await as_member(team.ws, "owner@acme.test")
    team.admin = await as_member(team.ws, "adam@acme.test")
    team.member = await as_member(team.ws, "mia@acme.test")
    return team
