"""Settings, read from the environment the same way by the server and every CLI command."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Process configuration. Environment variables win over defaults; nothing is read from disk."""

    model_config = SettingsConfigDict(env_prefix="ROSTER_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default="sqlite+aiosqlite:///./roster.db",
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL: sqlite+aiosqlite:///file.db or postgresql+asyncpg://user@host/db",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="External URL from which SCIM base URLs and sign-in links are built",
    )
    sqlite_executor: str = Field(
        default="thread",
        description="How units of work run on SQLite: 'thread' (writer thread + reader pool) or 'async'",
    )
    # SQLite reader pool. Two, as measured (shared/STACK-NOTES.md): more threads only contend for the GIL
    # with the event loop (4 readers cost ~15% more CPU per SCIM lookup than 2 on two cores).
    reader_threads: int = Field(default=2, ge=1, le=64)
    session_days: int = Field(default=14, ge=1, le=365)
    login_link_minutes: int = Field(default=60 * 24, ge=1, le=60 * 24 * 30)
    cookie_secure: bool = False
    scim_max_results: int = Field(default=1000, ge=1, le=10000)
    scim_bulk_max_operations: int = Field(default=1000, ge=1, le=100000)
    scim_bulk_max_payload: int = Field(default=4 * 1024 * 1024, ge=1024)
    migrate_on_start: bool = True
    log_level: str = "info"

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")
