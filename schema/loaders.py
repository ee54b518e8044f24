"""Per-request DataLoaders: one batched query per relationship walked, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from uuid import UUID

from strawberry.dataloader import DataLoader

from app.actor import Actor
from app.db import Database
from app.groups import service as group_service
from app.groups.models import Group


@dataclass(frozen=True, slots=True)
class Loaders:
    groups_by_member: DataLoader[UUID, list[Group]]
    member_count_by_group: DataLoader[UUID, int]


async def _groups_by_member(db: Database, actor: Actor | None, member_ids: list[UUID]) -> list[list[Group]]:
    if actor is None or actor.workspace_id is None:
        return [[] for _ in member_ids]
    by_member = await db.read(
        group_service.groups_of_members, actor, workspace_id=actor.workspace_id, member_ids=member_ids
    )
    return [by_member.get(member_id, []) for member_id in member_ids]


async def _member_counts(db: Database, actor: Actor | None, group_ids: list[UUID]) -> list[int]:
    if actor is None or actor.workspace_id is None:
        return [0 for _ in group_ids]
    counts = await db.read(
        group_service.member_counts, actor, workspace_id=actor.workspace_id, group_ids=group_ids
    )
    return [counts.get(group_id, 0) for group_id in group_ids]


def make_loaders(db: Database, actor: Actor | None) -> Loaders:
    """Fresh loaders for one request (their caches must never outlive it)."""
    return Loaders(
        groups_by_member=DataLoader(load_fn=partial(_groups_by_member, db, actor)),
        member_count_by_group=DataLoader(load_fn=partial(_member_counts, db, actor)),
    )
