"""Test fixtures: the real app over HTTP (httpx ASGITransport, lifespan run) on a fresh database per test.

``ROSTER_TEST_DATABASE=sqlite`` (default) copies a migrated template file per test.
``ROSTER_TEST_DATABASE=postgresql`` migrates one database per xdist worker (``ROSTER_TEST_PG_URL`` names the
server, default postgresql+asyncpg://postgres@127.0.0.1:5432/test) and truncates every table per test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, make_url, text

from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from app.models import Base

BACKEND = os.environ.get("ROSTER_TEST_DATABASE", "sqlite")
PG_URL = os.environ.get("ROSTER_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


async def _recreate_pg_database(name: str) -> str:
    import asyncpg

    url = make_url(PG_URL)
    conn = await asyncpg.connect(
        user=url.username or "postgres",
        password=url.password,
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def _migrate(url: str) -> None:
    from app.db import Database

    db = Database(url, sqlite_executor="async")
    await db.migrate()
    await db.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a template file for SQLite, a per-worker database for PostgreSQL."""
    if BACKEND == "postgresql":
        # ROSTER_TEST_PG_TAG keeps concurrent test runs (several engineers, one server) apart.
        tag = os.environ.get("ROSTER_TEST_PG_TAG", "")
        url = asyncio.run(_recreate_pg_database(f"roster_test_{tag}{_worker()}"))
        asyncio.run(_migrate(url))
        yield url
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        upgrade(conn)
        conn.commit()
    engine.dispose()
    yield str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if BACKEND == "postgresql":
        return database_template
    target = tmp_path / "test.db"
    shutil.copy(database_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, public_url="http://test", migrate_on_start=False)


def _truncate_all(session) -> None:  # type: ignore[no-untyped-def]
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    session.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        if BACKEND == "postgresql":
            await application.state.db.write(_truncate_all)
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


@pytest.fixture
def db(app: FastAPI):  # type: ignore[no-untyped-def]
    return app.state.db
