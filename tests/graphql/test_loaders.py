"""DataLoaders keep the statement count of a page fixed, whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from app.groups import service as group_service
from app.groups.changes import AddMembers
from tests.factories import make_member

PAGE = (
    "query($first: Int) { members(first: $first) { nodes { id userName email groups { id displayName } } } }"
)
GROUP_PAGE = "query($first: Int) { groups(first: $first) { nodes { id memberCount } } }"


@contextmanager
def count_statements(db: Any) -> Iterator[list[str]]:
    engines = [e for e in (db._write_engine, db._read_engine) if e is not None]
    if db._async_engine is not None:
        engines.append(db._async_engine.sync_engine)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


async def _populate(db: Any, team: Any, members: int, groups: int) -> None:
    ids = [team.ws.owner.id]
    for i in range(members - 3):
        ids.append((await make_member(db, team.ws, email=f"m{i:03}@acme.test", name=f"M {i:03}")).id)
    actor = team.ws.owner_actor
    for g in range(groups):
        group = await db.write(group_service.create_group, actor, workspace_id=team.ws.id, name=f"G{g}")
        await db.write(
            group_service.change_group,
            actor,
            workspace_id=team.ws.id,
            group_id=group.id,
            changes=[AddMembers(tuple(ids[g % 2 :: 2]))],
        )


async def test_members_with_groups_is_a_fixed_number_of_statements(db, team):
    await _populate(db, team, members=103, groups=4)
    with count_statements(db) as large:
        data = await team.owner.data(PAGE, first=100)
    assert len(data["members"]["nodes"]) == 100
    assert sum(len(n["groups"]) for n in data["members"]["nodes"]) >= 190
    with count_statements(db) as small:
        data = await team.owner.data(PAGE, first=20)
    assert len(data["members"]["nodes"]) == 20
    assert len(large) == len(small), (large, small)
    assert len(large) <= 12, large


async def test_group_member_counts_are_batched(db, team):
    await _populate(db, team, members=10, groups=4)
    with count_statements(db) as four:
        data = await team.owner.data(GROUP_PAGE, first=4)
    assert [n["memberCount"] for n in data["groups"]["nodes"]] == [4, 4, 4, 4]
    with count_statements(db) as one:
        await team.owner.data(GROUP_PAGE, first=1)
    assert len(four) == len(one)
