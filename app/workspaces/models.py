"""Workspace table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Enum, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import Plan
from app.orm import Base, UTCDateTime, new_id, utcnow


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[Plan] = mapped_column(Enum(Plan, native_enum=False, length=20), default=Plan.FREE)
    default_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Random, public: part of the SCIM base URL. Knowing it grants nothing without a token.
    scim_key: Mapped[str] = mapped_column(String(64), unique=True)
    scim_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
