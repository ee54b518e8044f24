"""SCIM load benchmark: Roster against a minimal "ceiling" server, measured in the same run.

    .venv/bin/python bench/scim_load.py [--users 2000] [--concurrency 16] [--database-url URL] [--json]

Starts `roster serve` (1 worker; SQLite WAL in a temporary directory, or an empty database named by
--database-url) on a free port with a workspace made by `roster workspace create --enable-scim --json`,
then, with aiohttp and 16 requests in flight:
POST /Users x N, GET /Users?filter=userName eq "..." x N, PATCH /Groups/{id} adding every user to one
group in chunks of 100, GET /Groups?excludedAttributes=members x N. The ceiling is a minimal Starlette app
doing one raw aiosqlite INSERT (create) or indexed SELECT (lookup) per request. Reported per phase:
requests/s, p50/p99 latency, server CPU per request (from /proc), and the ratio to the ceiling's
requests/s (writes against the ceiling's INSERT, reads against its SELECT); plus each server's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
SCIM_JSON = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- measuring a server process ------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Phase:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    first_error: str | None = None
    ceiling: str | None = None  # which ceiling phase this one is compared with

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / self.requests if self.requests else float("nan")


Request = Callable[[aiohttp.ClientSession], Awaitable[str | None]]  # returns an error text or None


async def run_phase(
    name: str, session: aiohttp.ClientSession, requests: Sequence[Request], pid: int, concurrency: int
) -> Phase:
    """Run the requests with ``concurrency`` in flight; time each, and the server's CPU over the phase."""
    phase = Phase(name, requests=len(requests))
    queue = iter(requests)

    async def worker() -> None:
        for request in queue:
            started = time.perf_counter()
            try:
                error = await request(session)
            except aiohttp.ClientError as exc:
                error = f"{type(exc).__name__}: {exc}"
            phase.latencies.append(time.perf_counter() - started)
            if error is not None:
                phase.errors += 1
                phase.first_error = phase.first_error or error

    cpu_before, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds = time.perf_counter() - started
    phase.cpu_seconds = cpu_seconds(pid) - cpu_before
    return phase


def expect(status: int, *wanted: int, body: str = "") -> str | None:
    return None if status in wanted else f"HTTP {status}: {body[:300]}"


# -- servers ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"server exited with code {process.returncode} before answering {url}")
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"no answer from {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


CEILING_APP = """
import contextlib, os, uuid, aiosqlite, orjson
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

DB = os.environ["CEILING_DB"]
conn = None

@contextlib.asynccontextmanager
async def lifespan(app):
    global conn
    conn = await aiosqlite.connect(DB, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        await conn.execute("PRAGMA " + pragma)
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, user_name TEXT UNIQUE, body TEXT)"
    )
    yield
    await conn.close()

def reply(data, status=200):
    return Response(orjson.dumps(data), status_code=status, media_type="application/scim+json")

async def create(request):
    body = orjson.loads(await request.body())
    user_id = str(uuid.uuid4())
    await conn.execute("INSERT INTO users VALUES (?, ?, ?)", (user_id, body["userName"], orjson.dumps(body)))
    return reply({**body, "id": user_id}, 201)

async def lookup(request):
    user_name = request.query_params["filter"].split(" eq ", 1)[1].strip('"')
    async with conn.execute("SELECT id, body FROM users WHERE user_name = ?", (user_name,)) as cursor:
        rows = await cursor.fetchall()
    resources = [{**orjson.loads(body), "id": user_id} for user_id, body in rows]
    return reply({"totalResults": len(resources), "Resources": resources})

async def health(request):
    return reply({"status": "ok"})

app = Starlette(routes=[Route("/Users", create, methods=["POST"]), Route("/Users", lookup),
                        Route("/healthz", health)], lifespan=lifespan)
"""


def start_ceiling(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    (workdir / "ceiling_app.py").write_text(CEILING_APP)
    env = {**os.environ, "CEILING_DB": str(workdir / "ceiling.db")}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "ceiling_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=workdir, env=env)


def roster_env(workdir: Path, port: int, database_url: str | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{workdir / 'roster.db'}",
        "ROSTER_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ROSTER_LOG_LEVEL": "warning",
    }


def create_workspace(env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "app.cli", "workspace", "create", "--name", "Bench", "--plan",
               "enterprise", "--owner-email", "owner@bench.test", "--enable-scim", "--json"]  # fmt: skip
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"roster workspace create failed ({done.returncode}): {done.stderr.strip()}")
    return dict(json.loads(done.stdout))


# -- the workload ------------------------------------------------------------------------------------------


def user_body(i: int) -> dict[str, Any]:
    user_name = f"user{i:06d}@bench.test"
    return {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "externalId": f"00ubench{i:06d}",
        "name": {"givenName": f"Given{i}", "familyName": f"Family{i}", "formatted": f"Given{i} Family{i}"},
        "displayName": f"Given{i} Family{i}",
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "active": True,
    }


def creates(base: str, count: int, ids: dict[int, str]) -> list[Request]:
    def make(i: int) -> Request:
        payload = json.dumps(user_body(i))

        async def request(session: aiohttp.ClientSession) -> str | None:
            async with session.post(f"{base}/Users", data=payload) as response:
                text = await response.text()
                if response.status == 201:
                    ids[i] = json.loads(text)["id"]
                return expect(response.status, 201, body=text)

        return request

    return [make(i) for i in range(count)]


def lookups(base: str, count: int) -> list[Request]:
    def make(i: int) -> Request:
        url = f"{base}/Users?filter=" + quote(f'userName eq "user{i:06d}@bench.test"')

        async def request(session: aiohttp.ClientSession) -> str | None:
            async with session.get(url) as response:
                text = await response.text()
                if response.status == 200 and json.loads(text).get("totalResults") != 1:
                    return f"expected one user, got: {text[:200]}"
                return expect(response.status, 200, body=text)

        return request

    return [make(i) for i in range(count)]


def patches(base: str, group_id: str, member_ids: list[str], chunk: int = 100) -> list[Request]:
    def make(ids: list[str]) -> Request:
        payload = json.dumps(
            {
                "schemas": [PATCH_SCHEMA],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": m} for m in ids]}],
            }
        )

        async def request(session: aiohttp.ClientSession) -> str | None:
            async with session.patch(f"{base}/Groups/{group_id}", data=payload) as response:
                return expect(response.status, 200, 204, body=await response.text())

        return request

    return [make(member_ids[i : i + chunk]) for i in range(0, len(member_ids), chunk)]


def group_lists(base: str, count: int) -> list[Request]:
    url = f"{base}/Groups?excludedAttributes=members"

    async def request(session: aiohttp.ClientSession) -> str | None:
        async with session.get(url) as response:
            text = await response.text()
            if response.status == 200 and '"members"' in text:
                return "members were listed despite excludedAttributes=members"
            return expect(response.status, 200, body=text)

    return [request] * count


async def create_group(session: aiohttp.ClientSession, base: str) -> str:
    body = json.dumps({"schemas": [GROUP_SCHEMA], "displayName": "Everyone (bench)", "externalId": "bench"})
    async with session.post(f"{base}/Groups", data=body) as response:
        text = await response.text()
        if response.status != 201:
            raise SystemExit(f"POST /Groups answered {response.status}: {text[:300]}")
        return str(json.loads(text)["id"])


async def check_facade(session: aiohttp.ClientSession, base: str) -> None:
    """One POST /Users before measuring: the benchmark needs the SCIM facade to answer 201."""
    async with session.post(f"{base}/Users", data=json.dumps(user_body(999_999))) as response:
        if response.status != 201:
            text = await response.text()
            raise SystemExit(
                f"POST /Users answered {response.status}, not 201; is the SCIM facade in? {text[:300]}"
            )


# -- main ----------------------------------------------------------------------------------------------------


async def benchmark(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    headers = {"Content-Type": SCIM_JSON, "Accept": SCIM_JSON}
    connector = {"limit": args.concurrency}
    phases: list[Phase] = []
    rss: dict[str, float] = {}

    ceiling_port = free_port()
    ceiling = start_ceiling(workdir, ceiling_port)
    try:
        await wait_until_up(f"http://127.0.0.1:{ceiling_port}/healthz", ceiling)
        base = f"http://127.0.0.1:{ceiling_port}"
        async with aiohttp.ClientSession(
            headers=headers, connector=aiohttp.TCPConnector(**connector)
        ) as http:
            print(f"ceiling: {args.users} creates, {args.users} lookups ...", file=sys.stderr)
            phases.append(
                await run_phase(
                    "ceiling INSERT", http, creates(base, args.users, {}), ceiling.pid, args.concurrency
                )
            )
            phases.append(
                await run_phase(
                    "ceiling SELECT", http, lookups(base, args.users), ceiling.pid, args.concurrency
                )
            )
        rss["ceiling"] = peak_rss_mib(ceiling.pid)
    finally:
        stop(ceiling)

    port = free_port()
    env = roster_env(workdir, port, args.database_url)
    workspace = create_workspace(env)
    base = workspace["scim"]["base_url"]
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env, cwd=ROOT
    )
    try:
        await wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        auth = {**headers, "Authorization": f"Bearer {workspace['scim']['token']}"}
        async with aiohttp.ClientSession(headers=auth, connector=aiohttp.TCPConnector(**connector)) as http:
            await check_facade(http, base)
            ids: dict[int, str] = {}
            print(f"roster: {args.users} creates, lookups, group PATCHes, group lists ...", file=sys.stderr)
            create = await run_phase(
                "POST /Users", http, creates(base, args.users, ids), server.pid, args.concurrency
            )
            create.ceiling = "ceiling INSERT"
            lookup = await run_phase(
                "GET /Users?filter=userName eq", http, lookups(base, args.users), server.pid, args.concurrency
            )
            lookup.ceiling = "ceiling SELECT"
            group_id = await create_group(http, base)
            member_ids = [ids[i] for i in sorted(ids)]
            patch = await run_phase(
                "PATCH /Groups add 100 members",
                http,
                patches(base, group_id, member_ids),
                server.pid,
                args.concurrency,
            )
            patch.ceiling = "ceiling INSERT"
            listing = await run_phase(
                "GET /Groups?excludedAttributes=members",
                http,
                group_lists(base, args.users),
                server.pid,
                args.concurrency,
            )
            listing.ceiling = "ceiling SELECT"
            phases += [create, lookup, patch, listing]
            async with http.get(f"{base}/Groups/{group_id}") as response:
                group = await response.json(content_type=None)
                members_in_group = len(group.get("members") or [])
        rss["roster"] = peak_rss_mib(server.pid)
    finally:
        stop(server)
    database = "SQLite WAL" if args.database_url is None else _redacted(args.database_url)
    return {
        "phases": phases,
        "rss": rss,
        "members_in_group": members_in_group,
        "users": args.users,
        "database": database,
    }


def _redacted(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def report(result: dict[str, Any], concurrency: int) -> None:
    phases: list[Phase] = result["phases"]
    by_name = {p.name: p for p in phases}
    print(f"\n{result['users']} users, {concurrency} concurrent requests, 1 worker, {result['database']}\n")
    header = (
        f"{'phase':<40} {'reqs':>6} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/req':>11} {'x ceiling':>10}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        ratio = f"{p.rate / by_name[p.ceiling].rate:.2f}x" if p.ceiling and by_name[p.ceiling].rate else ""
        print(
            f"{p.name:<40} {p.requests:>6} {p.errors:>4} {p.rate:>8.0f} {p.percentile(50):>8.1f} "
            f"{p.percentile(99):>8.1f} {p.cpu_ms_per_request:>11.2f} {ratio:>10}"
        )
    rss = result["rss"]
    print(f"\npeak RSS: roster {rss.get('roster', 0):.0f} MiB, ceiling {rss.get('ceiling', 0):.0f} MiB")
    print(f"group members after the PATCHes: {result['members_in_group']} (expected {result['users']})")
    for p in phases:
        if p.first_error:
            print(f"first error in {p.name!r}: {p.first_error}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000, help="users to create (default 2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument(
        "--database-url",
        help="Roster's database (default: a fresh SQLite file); must be an empty database, e.g. "
        "postgresql+asyncpg://postgres@127.0.0.1:5432/roster_bench after createdb; the ceiling stays SQLite",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.users < 1 or args.concurrency < 1:
        parser.error("--users and --concurrency must be at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    try:
        result = asyncio.run(benchmark(args, workdir))
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        phases = [
            {
                **asdict(p),
                "latencies": None,
                "rate": p.rate,
                "p50_ms": p.percentile(50),
                "p99_ms": p.percentile(99),
                "cpu_ms_per_request": p.cpu_ms_per_request,
            }
            for p in result["phases"]
        ]
        print(json.dumps({**result, "phases": phases}, indent=2))
    else:
        report(result, args.concurrency)
    failed = any(p.errors for p in result["phases"]) or result["members_in_group"] != args.users
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
