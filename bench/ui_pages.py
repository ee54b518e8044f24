"""Members-page latency at scale: GraphQL queries the web UI makes, against a large demo workspace.

    .venv/bin/python bench/ui_pages.py [--members 20000] [--repeat 20] [--database-url URL]

Seeds `roster demo --members N` into a fresh SQLite file (or the empty database named by
--database-url), starts `roster serve` (1 worker) on a free port, signs in as the demo owner through
the printed one-time link, then times each query the members page sends (first page with totalCount,
a page 100 pages deep reached by cursor, search by name, the status and group filters, the groups
list with member counts). Prints the median and p95 server round trip per query, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
ROSTER = str(Path(sys.executable).with_name("roster"))

MEMBERS = """query($first: Int, $after: String, $search: String, $status: [MemberStatus!], $groupId: ID) {
  members(first: $first, after: $after, search: $search, status: $status, groupId: $groupId) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id userName displayName email role status timezone timezoneSource scimManaged
            groups { id displayName } }
  }
}"""
GROUPS = "{ groups(first: 100) { totalCount nodes { id displayName memberCount scimManaged } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def gql(session: aiohttp.ClientSession, url: str, query: str, **variables: Any) -> dict[str, Any]:
    async with session.post(f"{url}/graphql", json={"query": query, "variables": variables}) as response:
        body = await response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


async def timed(repeat: int, call: Any) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


async def measure(url: str, link: str, repeat: int) -> list[tuple[str, float, float]]:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(link, allow_redirects=False) as response:
            assert response.status == 303, response.status
        first = await gql(session, url, MEMBERS, first=50)
        cursor = first["members"]["pageInfo"]["endCursor"]
        for _ in range(99):  # walk 100 pages deep, as "Next" would
            cursor = (await gql(session, url, MEMBERS, first=50, after=cursor))["members"]["pageInfo"][
                "endCursor"
            ]
        groups = (await gql(session, url, GROUPS))["groups"]["nodes"]
        group_id = groups[0]["id"]
        rows = []
        for name, call in [
            ("members: first page + totalCount", lambda: gql(session, url, MEMBERS, first=50)),
            ("members: page 101 by cursor", lambda: gql(session, url, MEMBERS, first=50, after=cursor)),
            ("members: search 'smith'", lambda: gql(session, url, MEMBERS, first=50, search="smith")),
            ("members: status INACTIVE", lambda: gql(session, url, MEMBERS, first=50, status=["INACTIVE"])),
            ("members: in one group", lambda: gql(session, url, MEMBERS, first=50, groupId=group_id)),
            ("groups: list with member counts", lambda: gql(session, url, GROUPS)),
        ]:
            rows.append((name, *await timed(repeat, call)))
        return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{workdir}/bench.db",
            "ROSTER_PUBLIC_URL": url,
        }
        started = time.perf_counter()
        seeded = subprocess.run(
            [ROSTER, "demo", "--members", str(args.members), "--json"],
            env=env,
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        seed_seconds = time.perf_counter() - started
        link = json.loads(seeded.stdout)["sign_in"]["owner"]["link"]
        server = subprocess.Popen(
            [ROSTER, "serve", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            rows = asyncio.run(measure(url, link, args.repeat))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"demo workspace: {args.members + 2} members, seeded in {seed_seconds:.1f} s")
    print(f"{'query':40} {'median ms':>10} {'p95 ms':>8}")
    for name, median, p95 in rows:
        print(f"{name:40} {median:10.1f} {p95:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
