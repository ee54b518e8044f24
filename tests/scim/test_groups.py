"""/Groups CRUD and membership PATCH through HTTP."""

from __future__ import annotations

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import GROUP, Scim, assert_error


@pytest.fixture
async def scim(client, db) -> Scim:
    ws = await make_workspace(db, scim=True)
    return Scim(client, ws)


@pytest.fixture
async def people(scim: Scim) -> list[str]:
    return [(await scim.create_user(f"p{i}@example.com", displayName=f"P{i}"))["id"] for i in range(3)]


def member_ids(group: dict) -> set[str]:
    return {m["value"] for m in group.get("members", [])}


class TestGroupCrud:
    async def test_create_get_members(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Engineering", people[:2])
        assert group["displayName"] == "Engineering"
        assert member_ids(group) == set(people[:2])
        assert {m["display"] for m in group["members"]} == {"P0", "P1"}
        assert all(m["$ref"].endswith(f"/Users/{m['value']}") for m in group["members"])
        fetched = (await scim.get(f"/Groups/{group['id']}")).json()
        assert member_ids(fetched) == set(people[:2])
        user = (await scim.get(f"/Users/{people[0]}")).json()
        assert user["groups"][0]["value"] == group["id"] and user["groups"][0]["display"] == "Engineering"

    async def test_duplicate_name_is_409(self, scim: Scim) -> None:
        await scim.create_group("Ops")
        assert_error(
            await scim.post("/Groups", {"schemas": [GROUP], "displayName": "OPS"}), 409, "uniqueness"
        )

    async def test_unknown_member_is_400(self, scim: Scim) -> None:
        response = await scim.post(
            "/Groups", {"displayName": "G", "members": [{"value": "3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000"}]}
        )
        assert_error(response, 400, "invalidValue")

    async def test_missing_display_name_is_400(self, scim: Scim) -> None:
        assert_error(await scim.post("/Groups", {"schemas": [GROUP]}), 400, "invalidValue")

    async def test_put_without_members_keeps_them(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Keep", people)
        response = await scim.put(f"/Groups/{group['id']}", {"schemas": [GROUP], "displayName": "Kept"})
        assert response.status_code == 200
        assert response.json()["displayName"] == "Kept" and member_ids(response.json()) == set(people)
        response = await scim.put(f"/Groups/{group['id']}", {"displayName": "Kept", "members": []})
        assert member_ids(response.json()) == set()

    async def test_delete(self, scim: Scim) -> None:
        group = await scim.create_group("Temp")
        assert (await scim.delete(f"/Groups/{group['id']}")).status_code == 204
        assert_error(await scim.get(f"/Groups/{group['id']}"), 404)

    async def test_excluded_members(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Big", people)
        fetched = (await scim.get(f"/Groups/{group['id']}?excludedAttributes=members")).json()
        assert "members" not in fetched and fetched["displayName"] == "Big"

    async def test_removed_user_leaves_groups(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Leavers", people)
        await scim.delete(f"/Users/{people[0]}")
        assert member_ids((await scim.get(f"/Groups/{group['id']}")).json()) == set(people[1:])


class TestGroupPatch:
    async def test_pathless_replace_of_name_never_touches_members(
        self, scim: Scim, people: list[str]
    ) -> None:
        group = await scim.create_group("Okta", people)
        response = await scim.patch_group(
            group["id"],
            [{"op": "replace", "value": {"id": group["id"], "displayName": "Okta Renamed"}}],
        )
        assert response.status_code == 200, response.text
        assert response.json()["displayName"] == "Okta Renamed"
        assert member_ids(response.json()) == set(people)

    async def test_add_and_remove_in_one_patch(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Delta", people[:2])
        response = await scim.patch_group(
            group["id"],
            [
                {"op": "remove", "path": f'members[value eq "{people[0]}"]'},
                {"op": "add", "path": "members", "value": [{"value": people[2]}]},
            ],
        )
        assert member_ids(response.json()) == {people[1], people[2]}

    async def test_add_present_and_remove_absent_are_noops(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Idem", people[:1])
        response = await scim.patch_group(
            group["id"],
            [
                {"op": "add", "path": "members", "value": [{"value": people[0]}]},
                {"op": "remove", "path": f'members[value eq "{people[2]}"]'},
                {"op": "remove", "path": 'members[value eq "not-an-id"]'},
            ],
        )
        assert response.status_code == 200
        assert member_ids(response.json()) == {people[0]}
        assert response.json()["meta"]["version"] == group["meta"]["version"]

    async def test_replace_members_with_empty_list_empties(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Empty", people)
        response = await scim.patch_group(group["id"], [{"op": "replace", "path": "members", "value": []}])
        assert member_ids(response.json()) == set()

    async def test_remove_members_without_filter_removes_all(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("All", people)
        response = await scim.patch_group(group["id"], [{"op": "remove", "path": "members"}])
        assert member_ids(response.json()) == set()

    async def test_external_id(self, scim: Scim) -> None:
        group = await scim.create_group("Ext")
        response = await scim.patch_group(group["id"], [{"op": "add", "path": "externalId", "value": "e1"}])
        assert response.json()["externalId"] == "e1"

    async def test_failing_op_rolls_back(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Atomic", people[:1])
        response = await scim.patch(
            f"/Groups/{group['id']}",
            [
                {"op": "add", "path": "members", "value": [{"value": people[1]}]},
                {"op": "replace", "path": "displayName", "value": None},
                {"op": "remove", "path": "displayName"},
            ],
        )
        assert_error(response, 400, "invalidValue")
        assert member_ids((await scim.get(f"/Groups/{group['id']}")).json()) == {people[0]}

    async def test_unsupported_member_filter_is_invalid_path(self, scim: Scim) -> None:
        group = await scim.create_group("Filter")
        response = await scim.patch(
            f"/Groups/{group['id']}", [{"op": "remove", "path": 'members[display eq "x"]'}]
        )
        assert_error(response, 400, "invalidPath")

    async def test_rename_to_taken_name_is_409(self, scim: Scim) -> None:
        await scim.create_group("Taken")
        group = await scim.create_group("Free")
        response = await scim.patch(
            f"/Groups/{group['id']}", [{"op": "replace", "path": "displayName", "value": "taken"}]
        )
        assert_error(response, 409, "uniqueness")

    async def test_if_match(self, scim: Scim) -> None:
        group = await scim.create_group("V")
        op = [{"op": "replace", "path": "displayName", "value": "V2"}]
        assert_error(await scim.patch(f"/Groups/{group['id']}", op, **{"If-Match": 'W/"5"'}), 412)
        assert_error(await scim.delete(f"/Groups/{group['id']}", **{"If-Match": 'W/"5"'}), 412)
        assert (await scim.patch_group(group["id"], op, **{"If-Match": 'W/"1"'})).json()[
            "displayName"
        ] == "V2"


class TestGroupPatchAnswer:
    async def test_patch_answers_204_without_reading_members(self, scim: Scim, people: list[str]) -> None:
        group = await scim.create_group("Quiet", people[:1])
        response = await scim.patch(
            f"/Groups/{group['id']}", [{"op": "add", "path": "members", "value": [{"value": people[1]}]}]
        )
        assert response.status_code == 204 and response.content == b""
        assert response.headers["etag"] == 'W/"2"'

    async def test_patch_with_attributes_answers_200_with_the_projection(
        self, scim: Scim, people: list[str]
    ) -> None:
        group = await scim.create_group("Loud", people[:1])
        ops = [{"op": "add", "path": "members", "value": [{"value": people[1]}]}]
        response = await scim.patch(f"/Groups/{group['id']}?excludedAttributes=members", ops)
        assert response.status_code == 200
        assert response.json()["displayName"] == "Loud" and "members" not in response.json()
        response = await scim.patch(f"/Groups/{group['id']}?attributes=members", ops)
        assert member_ids(response.json()) == set(people[:2])
