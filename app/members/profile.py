"""The transport-neutral description of a person that an IdP (or the app) hands to the member service."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from app.members.models import Member


@dataclass(frozen=True, slots=True)
class ContactValue:
    """One entry of a multi-valued contact attribute (e-mail or phone number)."""

    value: str
    type: str | None = None
    primary: bool = False
    display: str | None = None


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """Every attribute of a member that the identity provider owns. ``active`` drives the status."""

    user_name: str
    external_id: str | None = None
    display_name: str | None = None
    nick_name: str | None = None
    formatted_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    middle_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    title: str | None = None
    user_type: str | None = None
    profile_url: str | None = None
    locale: str | None = None
    preferred_language: str | None = None
    timezone: str | None = None
    employee_number: str | None = None
    cost_center: str | None = None
    organization: str | None = None
    division: str | None = None
    department: str | None = None
    manager_value: str | None = None
    manager_display_name: str | None = None
    emails: tuple[ContactValue, ...] = ()
    phone_numbers: tuple[ContactValue, ...] = ()
    active: bool = True

    @classmethod
    def from_member(cls, member: Member) -> MemberProfile:
        """The profile as the IdP last set it; ``timezone`` is the IdP's value, not the effective one."""
        values: dict[str, Any] = {
            f.name: getattr(member, f.name)
            for f in fields(cls)
            if f.name not in ("emails", "phone_numbers", "active", "timezone")
        }
        return cls(
            **values,
            timezone=member.idp_timezone,
            emails=tuple(ContactValue(e.value, e.type, e.primary, e.display) for e in member.emails),
            phone_numbers=tuple(
                ContactValue(p.value, p.type, p.primary, p.display) for p in member.phone_numbers
            ),
            active=member.active,
        )

    def but(self, **changes: Any) -> MemberProfile:
        return replace(self, **changes)


SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in fields(MemberProfile)
    if f.name not in ("emails", "phone_numbers", "active", "timezone", "user_name")
)


@dataclass(slots=True)
class ChangeReport:
    """What a provisioning command applied and what it ignored (and why), for the provisioning log."""

    applied: list[str] = field(default_factory=list)
    ignored: list[dict[str, str]] = field(default_factory=list)

    def ignore(self, attribute: str, reason: str) -> None:
        self.ignored.append({"attribute": attribute, "reason": reason})
