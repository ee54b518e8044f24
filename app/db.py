"""Engines and the unit-of-work runner: the one module that decides how service commands execute.

A unit of work is a synchronous function ``fn(session, *args, **kw)``. ``await db.write(fn, ...)`` runs it
in one transaction and commits; ``await db.read(fn, ...)`` runs it in a read-only transaction. A raised
exception rolls everything back.

Execution, chosen by measurement (shared/STACK-NOTES.md):
* SQLite, default ``thread`` executor: one dedicated writer thread (``BEGIN IMMEDIATE``; SQLite admits a
  single writer anyway) and a small reader pool, over the standard ``sqlite3`` driver. Each unit of work
  is one synchronous call, so it avoids the per-driver-call thread hop of aiosqlite, which measured at
  about half the throughput. ``ROSTER_SQLITE_EXECUTOR=async`` selects aiosqlite instead.
* PostgreSQL: ``AsyncSession.run_sync`` over asyncpg; the server handles concurrency.
Integrity violations raised by concurrent writers become ``AlreadyExists``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session

from app.errors import AlreadyExists
from app.orm import fold

P = ParamSpec("P")
T = TypeVar("T")
UnitOfWork = Callable[Concatenate[Session, P], T]

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()
    dbapi_connection.create_function("roster_fold", 1, _sql_fold, deterministic=True)


def _sql_fold(value: str | None) -> str | None:
    return None if value is None else fold(str(value))


def _sqlite_file(url: URL) -> str | None:
    database = url.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        return database
    return None


def _translate_integrity(exc: IntegrityError) -> AlreadyExists:
    return AlreadyExists("a concurrent change already created this value; retry the request")


class Database:
    """Runs units of work. Built once per process in ``create_app``; stateless across requests."""

    def __init__(self, url: str, *, sqlite_executor: str = "thread", reader_threads: int = 2) -> None:
        self.url = make_url(url)
        self.dialect = self.url.get_backend_name()
        self._async_engine: AsyncEngine | None = None
        self._write_engine: Engine | None = None
        self._read_engine: Engine | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._readers: ThreadPoolExecutor | None = None
        if self.dialect == "sqlite":
            _sqlite_file(self.url)
        if self.dialect == "sqlite" and sqlite_executor == "thread":
            sync_url = self.url.set(drivername="sqlite+pysqlite")
            self._write_engine = self._make_sqlite_engine(sync_url, immediate=True, pool_size=1)
            self._read_engine = self._make_sqlite_engine(sync_url, immediate=False, pool_size=reader_threads)
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="roster-writer")
            self._readers = ThreadPoolExecutor(reader_threads, thread_name_prefix="roster-reader")
        else:
            if self.dialect == "sqlite":
                self.url = self.url.set(drivername="sqlite+aiosqlite")
            elif self.dialect == "postgresql" and self.url.drivername == "postgresql":
                self.url = self.url.set(drivername="postgresql+asyncpg")
            self._async_engine = create_async_engine(self.url, pool_pre_ping=self.dialect != "sqlite")
            if self.dialect == "sqlite":
                event.listen(self._async_engine.sync_engine, "connect", _sqlite_on_connect)

    @staticmethod
    def _make_sqlite_engine(url: URL, *, immediate: bool, pool_size: int) -> Engine:
        engine = create_engine(
            url,
            pool_size=pool_size,
            max_overflow=0,
            connect_args={"check_same_thread": False, "isolation_level": None},
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Straight to the driver: exec_driver_sql's execution context cost more than BEGIN itself.
            conn.connection.driver_connection.execute(begin)

        return engine

    # -- units of work -------------------------------------------------------------------------------

    async def write(self, fn: UnitOfWork[P, T], *args: P.args, **kw: P.kwargs) -> T:
        """Run ``fn`` in one read-write transaction and commit it."""
        try:
            if self._writer is not None:
                loop = asyncio.get_running_loop()
                call = functools.partial(self._run_sync, self._write_engine, True, fn, *args, **kw)
                return await loop.run_in_executor(self._writer, call)
            return await self._run_async(True, fn, *args, **kw)
        except IntegrityError as exc:
            raise _translate_integrity(exc) from exc

    async def read(self, fn: UnitOfWork[P, T], *args: P.args, **kw: P.kwargs) -> T:
        """Run ``fn`` in a transaction that is rolled back: reads only."""
        if self._readers is not None:
            loop = asyncio.get_running_loop()
            call = functools.partial(self._run_sync, self._read_engine, False, fn, *args, **kw)
            return await loop.run_in_executor(self._readers, call)
        return await self._run_async(False, fn, *args, **kw)

    @staticmethod
    def _run_sync(engine: Any, commit: bool, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        with Session(engine, expire_on_commit=False) as session:
            if not commit:
                return fn(session, *args, **kw)  # closing the session rolls the transaction back
            with session.begin():
                return fn(session, *args, **kw)

    async def _run_async(self, commit: bool, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        assert self._async_engine is not None
        async with AsyncSession(self._async_engine, expire_on_commit=False) as session:
            if not commit:
                return await session.run_sync(fn, *args, **kw)
            async with session.begin():
                return await session.run_sync(fn, *args, **kw)

    # -- schema and lifecycle ------------------------------------------------------------------------

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        from app.migrate import upgrade

        if self._write_engine is not None:
            loop = asyncio.get_running_loop()
            engine = self._write_engine

            def run() -> None:
                with engine.connect() as conn:
                    upgrade(conn)
                    conn.commit()

            await loop.run_in_executor(self._writer, run)
            return
        assert self._async_engine is not None
        async with self._async_engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def dispose(self) -> None:
        if self._async_engine is not None:
            await self._async_engine.dispose()
        for engine in (self._write_engine, self._read_engine):
            if engine is not None:
                engine.dispose()
        for pool in (self._writer, self._readers):
            if pool is not None:
                pool.shutdown(wait=True)
