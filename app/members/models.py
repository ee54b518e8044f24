"""Member, e-mail and phone number tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import MemberStatus, Role, TimezoneSource
from app.orm import Base, UTCDateTime, fold, new_id, utcnow

S = String(255)


def member_sort_key(
    *,
    user_name: str,
    display_name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
) -> str:
    """The folded name members are listed and searched by: display name, given + family, or user name."""
    name = display_name or " ".join(p for p in (given_name, family_name) if p)
    return fold(name or user_name)[:255]


class Member(Base):
    """A person in one workspace."""

    __tablename__ = "members"
    __table_args__ = (
        Index("uq_members_workspace_user_name_key", "workspace_id", "user_name_key", unique=True),
        Index("ix_members_workspace_external_id", "workspace_id", "external_id"),
        Index("ix_members_workspace_status", "workspace_id", "status", "id"),
        Index("ix_members_workspace_sort_key", "workspace_id", "sort_key", "id"),
        Index("ix_members_workspace_created", "workspace_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_name: Mapped[str] = mapped_column(S)
    user_name_key: Mapped[str] = mapped_column(S)
    external_id: Mapped[str | None] = mapped_column(S, default=None)
    display_name: Mapped[str | None] = mapped_column(S, default=None)
    nick_name: Mapped[str | None] = mapped_column(S, default=None)
    formatted_name: Mapped[str | None] = mapped_column(S, default=None)
    given_name: Mapped[str | None] = mapped_column(S, default=None)
    family_name: Mapped[str | None] = mapped_column(S, default=None)
    middle_name: Mapped[str | None] = mapped_column(S, default=None)
    honorific_prefix: Mapped[str | None] = mapped_column(S, default=None)
    honorific_suffix: Mapped[str | None] = mapped_column(S, default=None)
    title: Mapped[str | None] = mapped_column(S, default=None)
    user_type: Mapped[str | None] = mapped_column(S, default=None)
    profile_url: Mapped[str | None] = mapped_column(String(1024), default=None)
    locale: Mapped[str | None] = mapped_column(String(64), default=None)
    preferred_language: Mapped[str | None] = mapped_column(String(64), default=None)
    # Enterprise extension (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User)
    employee_number: Mapped[str | None] = mapped_column(S, default=None)
    cost_center: Mapped[str | None] = mapped_column(S, default=None)
    organization: Mapped[str | None] = mapped_column(S, default=None)
    division: Mapped[str | None] = mapped_column(S, default=None)
    department: Mapped[str | None] = mapped_column(S, default=None)
    manager_value: Mapped[str | None] = mapped_column(S, default=None)
    manager_display_name: Mapped[str | None] = mapped_column(S, default=None)

    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20), default=Role.MEMBER)
    status: Mapped[MemberStatus] = mapped_column(
        Enum(MemberStatus, native_enum=False, length=20), default=MemberStatus.ACTIVE
    )
    # The timezone in force, who set it, and the last value the IdP sent (recorded even when not applied).
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    timezone_source: Mapped[TimezoneSource] = mapped_column(
        Enum(TimezoneSource, native_enum=False, length=20), default=TimezoneSource.DEFAULT
    )
    idp_timezone: Mapped[str | None] = mapped_column(String(255), default=None)
    scim_managed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Folded display name (or user name) for stable, case-insensitive ordering and search in the UI.
    sort_key: Mapped[str] = mapped_column(S, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    emails: Mapped[list[MemberEmail]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="MemberEmail.position"
    )
    phone_numbers: Mapped[list[MemberPhone]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="MemberPhone.position"
    )

    @property
    def active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def primary_email(self) -> str | None:
        emails = self.__dict__.get("emails") or []
        for email in emails:
            if email.primary:
                return email.value
        return emails[0].value if emails else None


class MemberEmail(Base):
    __tablename__ = "member_emails"
    __table_args__ = (Index("ix_member_emails_workspace_value_key", "workspace_id", "value_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    position: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[str] = mapped_column(S)
    value_key: Mapped[str] = mapped_column(S)
    type: Mapped[str | None] = mapped_column(String(64), default=None)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    display: Mapped[str | None] = mapped_column(S, default=None)


class MemberPhone(Base):
    __tablename__ = "member_phone_numbers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[str] = mapped_column(S)
    type: Mapped[str | None] = mapped_column(String(64), default=None)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    display: Mapped[str | None] = mapped_column(S, default=None)
