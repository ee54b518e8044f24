"""The `roster` command, run in-process (in a worker thread: it owns its event loop) and as a subprocess,
against the test's database; sign-in links it prints are redeemed through the app over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from uuid import UUID

import httpx
import pytest

from app import cli, demo
from app.actor import Actor
from app.auth import service as auth_service
from app.db import Database
from app.enums import MemberStatus, Plan, TimezoneSource
from app.errors import MemberAlreadyExists
from app.groups import service as group_service
from app.members import service as member_service
from app.members.profile import MemberProfile
from app.scim_settings import service as scim_settings
from app.web_session import COOKIE
from app.workspaces import service as workspace_service
from app.workspaces.models import Workspace
from tests.factories import make_member, make_workspace

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = Actor.system()
PUBLIC = "http://test"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> dict[str, str]:
    """The CLI's environment: the test's database and the public URL the test client uses."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ROSTER_PUBLIC_URL", PUBLIC)
    return {**os.environ, "PYTHONPATH": str(ROOT)}


async def roster(*argv: str) -> Result:
    """Run `roster ARGV` in-process; a thread, because the command runs its own event loop."""

    def run() -> Result:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
        return Result(code, out.getvalue(), err.getvalue())

    return await asyncio.to_thread(run)


def roster_process(env: dict[str, str], *argv: str) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *argv], env=env, capture_output=True, text=True, timeout=120
    )
    return Result(done.returncode, done.stdout, done.stderr)


async def redeem(client: httpx.AsyncClient, link: str) -> httpx.Response:
    assert link.startswith(f"{PUBLIC}/auth/link/rst_link_"), link
    return await client.get(urlparse(link).path)


async def sign_in_as(client: httpx.AsyncClient, db: Database, link: str) -> Actor:
    """Redeem the link and return who the resulting session cookie authenticates."""
    response = await redeem(client, link)
    assert response.status_code == 303, response.text
    cookie = response.cookies[COOKIE]
    return await db.read(auth_service.authenticate_session, token=cookie)


async def workspaces(db: Database) -> list[Workspace]:
    from sqlalchemy import select

    return await db.read(lambda s: list(s.scalars(select(Workspace))))


def scim_key(base_url: str) -> str:
    assert base_url.startswith(f"{PUBLIC}/scim/v2/"), base_url
    return base_url.rsplit("/", 1)[1]


class TestWorkspaceCreate:
    async def test_json_output_with_scim(self, client: httpx.AsyncClient, db: Database, cli_env: Any) -> None:
        result = await roster(
            "workspace", "create", "--name", "Acme", "--plan", "enterprise", "--owner-email", "ada@acme.test",
            "--owner-name", "Ada", "--timezone", "Europe/Paris", "--enable-scim", "--json",
        )  # fmt: skip
        assert result.code == 0, result.err
        data = result.json()
        assert (data["name"], data["plan"], data["timezone"]) == ("Acme", "ENTERPRISE", "Europe/Paris")
        assert data["owner"]["email"] == "ada@acme.test"
        workspace_id = UUID(data["workspace_id"])

        actor = await sign_in_as(client, db, data["owner"]["sign_in_link"])
        assert (actor.workspace_id, str(actor.member_id), actor.role) == (
            workspace_id, data["owner"]["id"], "OWNER",
        )  # fmt: skip

        token = data["scim"]["token"]
        assert token.startswith("rst_scim_")
        caller = await db.read(
            scim_settings.authenticate, scim_key=scim_key(data["scim"]["base_url"]), presented=token
        )
        assert caller.actor.workspace_id == workspace_id

    async def test_link_is_one_time(self, client: httpx.AsyncClient, cli_env: Any) -> None:
        result = await roster(
            "workspace",
            "create",
            "--name",
            "Solo",
            "--plan",
            "free",
            "--owner-email",
            "o@solo.test",
            "--json",
        )
        data = result.json()
        assert data["scim"] is None and data["plan"] == "FREE"
        assert (await redeem(client, data["owner"]["sign_in_link"])).status_code == 303
        assert (await redeem(client, data["owner"]["sign_in_link"])).status_code == 410

    async def test_human_output(self, app: Any, cli_env: Any) -> None:
        result = await roster(
            "workspace", "create", "--name", "Acme", "--plan", "ENTERPRISE", "--owner-email", "o@acme.test",
            "--enable-scim",
        )  # fmt: skip
        assert result.code == 0, result.err
        assert "Workspace 'Acme' created" in result.out
        assert f"{PUBLIC}/auth/link/rst_link_" in result.out
        assert f"SCIM base URL: {PUBLIC}/scim/v2/" in result.out and "rst_scim_" in result.out

    async def test_scim_needs_enterprise_is_a_usage_error(self, db: Database, cli_env: Any) -> None:
        result = await roster(
            "workspace",
            "create",
            "--name",
            "A",
            "--plan",
            "pro",
            "--owner-email",
            "o@a.test",
            "--enable-scim",
        )
        assert result.code == 2
        assert "--enable-scim needs --plan enterprise" in result.err
        assert await workspaces(db) == []

    async def test_invalid_timezone_is_refused_and_nothing_is_created(
        self, db: Database, cli_env: Any
    ) -> None:
        result = await roster(
            "workspace", "create", "--name", "A", "--plan", "enterprise", "--owner-email", "o@a.test",
            "--timezone", "Mars/Base", "--enable-scim",
        )  # fmt: skip
        assert result.code == 1
        assert "roster: error: 'Mars/Base' is not an IANA timezone name" in result.err
        assert "Traceback" not in result.err
        assert await workspaces(db) == []

    @pytest.mark.parametrize(
        "argv",
        [
            ["workspace", "create", "--name", "A", "--plan", "gold", "--owner-email", "o@a.test"],
            ["workspace", "create", "--plan", "free", "--owner-email", "o@a.test"],
            ["workspace"],
            ["nonsense"],
        ],
    )
    async def test_bad_arguments_exit_2(self, db: Database, cli_env: Any, argv: list[str]) -> None:
        result = await roster(*argv)
        assert result.code == 2
        assert "usage: roster" in result.err
        assert await workspaces(db) == []


class TestLoginLink:
    async def test_prints_a_working_link(self, client: httpx.AsyncClient, db: Database, cli_env: Any) -> None:
        ws = await make_workspace(db)
        member = await make_member(db, ws, email="Bea@acme.test")
        result = await roster("login-link", "bea@ACME.test", "--workspace", str(ws.id))
        assert result.code == 0, result.err
        actor = await sign_in_as(client, db, result.out.strip())
        assert actor.member_id == member.id

    async def test_json(self, client: httpx.AsyncClient, db: Database, cli_env: Any) -> None:
        ws = await make_workspace(db)
        result = await roster("login-link", "owner@acme.test", "--workspace", str(ws.id), "--json")
        data = result.json()
        assert data["workspace_id"] == str(ws.id)
        assert (await sign_in_as(client, db, data["sign_in_link"])).member_id == ws.owner.id

    async def test_refusals_exit_1(self, db: Database, cli_env: Any) -> None:
        ws = await make_workspace(db)
        gone = await make_member(db, ws, email="gone@acme.test")
        await db.write(
            member_service.set_member_active, SYSTEM, workspace_id=ws.id, member_id=gone.id, active=False
        )
        cases = {
            ("nobody@acme.test", str(ws.id)): "no member with e-mail 'nobody@acme.test'",
            ("gone@acme.test", str(ws.id)): "deactivated",
            ("owner@acme.test", "00000000-0000-0000-0000-000000000000"): "workspace 00000000",
        }
        for (email, workspace), message in cases.items():
            result = await roster("login-link", email, "--workspace", workspace)
            assert (result.code, result.out) == (1, ""), result
            assert message in result.err

    async def test_malformed_workspace_id_exits_2(self, app: Any, cli_env: Any) -> None:
        result = await roster("login-link", "o@acme.test", "--workspace", "acme")
        assert result.code == 2
        assert "'acme' is not a workspace id" in result.err


class TestDemo:
    async def test_seeds_once_then_prints_fresh_links(
        self, client: httpx.AsyncClient, db: Database, cli_env: Any
    ) -> None:
        first = await roster("demo", "--members", "12", "--json")
        assert first.code == 0, first.err
        data = first.json()
        assert (data["created"], data["members"], data["name"]) == (True, 14, "Demo Co")
        roles = {}
        for role in ("owner", "admin", "member"):
            roles[role] = (await sign_in_as(client, db, data["sign_in"][role]["link"])).role
        assert roles == {"owner": "OWNER", "admin": "ADMIN", "member": "MEMBER"}

        again = await roster("demo", "--members", "12", "--json")
        second = again.json()
        assert (second["created"], second["members"], second["workspace_id"]) == (
            False,
            14,
            data["workspace_id"],
        )
        assert len(await workspaces(db)) == 1
        assert second["sign_in"]["owner"]["link"] != data["sign_in"]["owner"]["link"]
        assert (await sign_in_as(client, db, second["sign_in"]["member"]["link"])).role == "MEMBER"
        key = scim_key(second["scim"]["base_url"])
        assert key == scim_key(data["scim"]["base_url"])
        for token in (data["scim"]["token"], second["scim"]["token"]):  # the earlier token keeps working
            await db.read(scim_settings.authenticate, scim_key=key, presented=token)

    async def test_demo_data_matches_service_rules(self, app: Any, db: Database, cli_env: Any) -> None:
        result = await roster("demo", "--members", "40", "--json")
        workspace_id = UUID(result.json()["workspace_id"])
        workspace = await db.read(workspace_service.get_workspace, SYSTEM, workspace_id=workspace_id)
        assert (workspace.plan, workspace.scim_enabled) == (Plan.ENTERPRISE, True)
        members = await db.read(member_service.list_members, SYSTEM, workspace_id=workspace_id, limit=500)
        assert len(members) == 42
        assert {m.status for m in members} == {MemberStatus.ACTIVE, MemberStatus.INACTIVE}
        idp = [m for m in members if m.scim_managed and m.timezone_source == TimezoneSource.IDP]
        assert idp and all(m.timezone == m.idp_timezone and m.external_id for m in idp)
        assert any(not m.scim_managed for m in members if m.role == "MEMBER")
        assert all(m.primary_email == m.user_name for m in members)

        # Keys are the services' keys: the same user name in another case is taken, for IdP and app alike.
        managed = idp[0]
        with pytest.raises(MemberAlreadyExists):
            profile = MemberProfile(user_name=managed.user_name.upper())
            await db.write(
                member_service.provision_member, SYSTEM, workspace_id=workspace_id, profile=profile
            )
        invited = next(m for m in members if not m.scim_managed and m.role == "MEMBER")
        with pytest.raises(MemberAlreadyExists):
            await db.write(
                member_service.invite_member,
                SYSTEM,
                workspace_id=workspace_id,
                email=invited.user_name.upper(),
            )

        groups = await db.read(group_service.list_groups, SYSTEM, workspace_id=workspace_id)
        by_name = {g.display_name: g for g in groups}
        assert by_name["Everyone"].scim_managed and not by_name["Book Club"].scim_managed
        counts = await db.read(
            group_service.member_counts, SYSTEM, workspace_id=workspace_id, group_ids=[g.id for g in groups]
        )
        assert counts[by_name["Everyone"].id] == len([m for m in members if m.scim_managed])
        assert all(counts.get(g.id, 0) > 0 for g in groups)

    async def test_interrupted_seeding_is_redone(self, app: Any, db: Database, cli_env: Any) -> None:
        await db.write(demo.start_demo)  # as if a run died after its first unit of work
        result = await roster("demo", "--members", "3", "--json")
        assert result.json()["created"] is True
        assert [w.name for w in await workspaces(db)] == ["Demo Co"]

    @pytest.mark.parametrize("count", ["0", "50001", "many"])
    async def test_member_count_is_bounded(self, db: Database, cli_env: Any, count: str) -> None:
        result = await roster("demo", "--members", count)
        assert result.code == 2
        assert "--members" in result.err
        assert await workspaces(db) == []

    async def test_human_output_says_where_to_click(self, app: Any, cli_env: Any) -> None:
        result = await roster("demo", "--members", "2")
        assert result.code == 0, result.err
        for text in ("owner@demo.roster.test", "admin@demo.roster.test", "member@demo.roster.test"):
            assert text in result.out
        assert result.out.count(f"{PUBLIC}/auth/link/") == 3
        assert "base URL" in result.out and "rst_scim_" in result.out
        assert "seeding members" in result.err


class TestProcess:
    """The real process: exit codes, no tracebacks, and `serve` answering HTTP."""

    async def test_exit_codes(self, app: Any, cli_env: dict[str, str]) -> None:
        assert roster_process(cli_env, "migrate").code == 0
        usage = roster_process(cli_env)
        assert usage.code == 2 and "usage: roster" in usage.err
        refused = roster_process(
            cli_env, "login-link", "x@y.test", "--workspace", "00000000-0000-0000-0000-000000000000"
        )
        assert refused.code == 1 and "Traceback" not in refused.err and "not found" in refused.err
        unreachable = roster_process(
            {**cli_env, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none"}, "migrate"
        )
        assert unreachable.code == 1 and "cannot migrate the database" in unreachable.err
        assert "Traceback" not in unreachable.err
        misconfigured = roster_process({**cli_env, "ROSTER_READER_THREADS": "lots"}, "migrate")
        assert misconfigured.code == 2 and "ROSTER_READER_THREADS" in misconfigured.err

    async def test_reload_with_workers_is_refused(self, app: Any, cli_env: Any) -> None:
        result = await roster("serve", "--reload", "--workers", "2")
        assert result.code == 2 and "cannot be combined" in result.err

    async def test_serve_answers(self, app: Any, cli_env: dict[str, str]) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env={**cli_env, "ROSTER_LOG_LEVEL": "warning"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            body = None
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                deadline = time.monotonic() + 60
                while body is None and server.poll() is None and time.monotonic() < deadline:
                    try:
                        body = (await http.get("/healthz")).json()
                    except httpx.TransportError:
                        await asyncio.sleep(0.1)
            assert body == {"status": "ok"}, (
                server.stderr.read() if server.poll() is not None else "no answer"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
