"""Typed changes to a group, produced by either edge (a SCIM PATCH becomes a list of these)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class SetDisplayName:
    name: str


@dataclass(frozen=True, slots=True)
class SetExternalId:
    external_id: str | None


@dataclass(frozen=True, slots=True)
class AddMembers:
    member_ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class RemoveMembers:
    member_ids: tuple[UUID, ...]


@dataclass(frozen=True, slots=True)
class ReplaceMembers:
    """The complete new member list; an empty tuple empties the group (only when said explicitly)."""

    member_ids: tuple[UUID, ...]


GroupChange = SetDisplayName | SetExternalId | AddMembers | RemoveMembers | ReplaceMembers
