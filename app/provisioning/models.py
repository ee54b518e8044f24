"""Provisioning log: one row per SCIM write and per rejected SCIM request. Never holds a token."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.orm import Base, UTCDateTime, new_id, utcnow


class ProvisioningEvent(Base):
    __tablename__ = "provisioning_events"
    __table_args__ = (Index("ix_provisioning_events_workspace_at", "workspace_id", "at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    token_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idp: Mapped[str] = mapped_column(String(32), default="unknown")
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    operation: Mapped[str] = mapped_column(String(40))
    resource_type: Mapped[str | None] = mapped_column(String(20), default=None)
    resource_id: Mapped[str | None] = mapped_column(String(64), default=None)
    target: Mapped[str | None] = mapped_column(String(255), default=None)
    status_code: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    error_type: Mapped[str | None] = mapped_column(String(40), default=None)
    detail: Mapped[str | None] = mapped_column(Text, default=None)
    applied: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ignored: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rewrites: Mapped[list[Any]] = mapped_column(JSON, default=list)
