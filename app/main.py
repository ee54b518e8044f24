"""The ASGI application: the only module of app/ that knows the two edges, to mount them."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.config import Settings
from app.db import Database
from app.web_session import router as session_router

log = logging.getLogger("roster")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    db = Database(
        settings.database_url,
        sqlite_executor=settings.sqlite_executor,
        reader_threads=settings.reader_threads,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await db.migrate()
        yield
        await db.dispose()

    app = FastAPI(title="Roster", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = db

    from schema.app import mount as mount_graphql
    from scim_facade.app import mount as mount_scim
    from web.app import mount as mount_web

    app.include_router(session_router)
    mount_graphql(app)
    mount_scim(app)
    mount_web(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
