"""Large pushes: many concurrent SCIM writes all land, exactly once, with no 500s and no lost updates."""

from __future__ import annotations

import asyncio

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import GROUP, USER, Scim

USERS = 300


@pytest.fixture
async def scim(client, db) -> Scim:
    return Scim(client, await make_workspace(db, scim=True))


async def _bounded(limit: int, calls):  # type: ignore[no-untyped-def]
    gate = asyncio.Semaphore(limit)

    async def run(call):  # type: ignore[no-untyped-def]
        async with gate:
            return await call()

    return await asyncio.gather(*(run(call) for call in calls))


class TestBulkPush:
    async def test_hundreds_of_concurrent_creates_all_land(self, scim: Scim) -> None:
        def create(i: int):  # type: ignore[no-untyped-def]
            body = {
                "schemas": [USER],
                "userName": f"user{i:04d}@push.test",
                "name": {"givenName": f"User{i}", "familyName": "Push"},
                "emails": [{"value": f"user{i:04d}@push.test", "type": "work", "primary": True}],
                "active": True,
            }
            return lambda: scim.post("/Users", body)

        responses = await _bounded(16, [create(i) for i in range(USERS)])
        assert sorted({r.status_code for r in responses}) == [201]
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == USERS

        listed = await scim.get('/Users?count=1000&filter=userName sw "user"')
        assert listed.json()["totalResults"] == USERS
        assert {u["id"] for u in listed.json()["Resources"]} == ids

    async def test_concurrent_duplicates_give_one_201_and_409s(self, scim: Scim) -> None:
        body = {"schemas": [USER], "userName": "twin@push.test", "active": True}
        responses = await _bounded(10, [lambda: scim.post("/Users", body) for _ in range(10)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 9
        for response in responses:
            if response.status_code == 409:
                assert response.json()["scimType"] == "uniqueness"

    async def test_concurrent_membership_patches_lose_nothing(self, scim: Scim) -> None:
        users = [await scim.create_user(f"m{i:03d}@push.test") for i in range(120)]
        body = {"schemas": [GROUP], "displayName": "Everyone", "members": []}
        group = (await scim.post("/Groups", body)).json()
        chunks = [users[i : i + 10] for i in range(0, len(users), 10)]

        def add(chunk):  # type: ignore[no-untyped-def]
            ops = [{"op": "add", "path": "members", "value": [{"value": u["id"]} for u in chunk]}]
            return lambda: scim.patch(f"/Groups/{group['id']}", ops)

        responses = await _bounded(6, [add(chunk) for chunk in chunks])
        assert {r.status_code for r in responses} == {204}
        fetched = (await scim.get(f"/Groups/{group['id']}")).json()
        assert {m["value"] for m in fetched["members"]} == {u["id"] for u in users}
        assert fetched["meta"]["version"] == f'W/"{1 + len(chunks)}"'
