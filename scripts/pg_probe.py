"""Exit 0 when the PostgreSQL database in the URL answers (creating the database if the server does).

Usage: python scripts/pg_probe.py postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import asyncio
import sys

import asyncpg
from sqlalchemy import make_url


async def probe(raw_url: str) -> str | None:
    """None when the database answers, else why not."""
    url = make_url(raw_url)
    params = {
        "user": url.username or "postgres",
        "password": url.password,
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "timeout": 3,
    }
    database = url.database or "postgres"
    try:
        conn = await asyncpg.connect(database=database, **params)
    except asyncpg.InvalidCatalogNameError:
        try:  # the server answers but the database is missing: make it
            admin = await asyncpg.connect(database="postgres", **params)
            try:
                await admin.execute(f'CREATE DATABASE "{database}"')
            finally:
                await admin.close()
            conn = await asyncpg.connect(database=database, **params)
        except Exception as exc:
            return f"cannot create database {database!r}: {exc}"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def main() -> int:
    problem = asyncio.run(probe(sys.argv[1]))
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
