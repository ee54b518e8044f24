"""PATCH /Users (RFC 7644 §3.5.2): paths, value filters, extension URNs, atomicity and errors."""

from __future__ import annotations

import pytest

from tests.factories import make_workspace
from tests.scim.helpers import ENTERPRISE, Scim, assert_error


@pytest.fixture
async def scim(client, db) -> Scim:
    ws = await make_workspace(db, scim=True)
    return Scim(client, ws)


@pytest.fixture
async def user(scim: Scim) -> dict:
    return await scim.create_user(
        "patch@example.com",
        name={"givenName": "Pat", "familyName": "Ch"},
        emails=[
            {"value": "pat@work.example", "type": "work", "primary": True},
            {"value": "pat@home.example", "type": "home"},
        ],
    )


async def patched(scim: Scim, user: dict, *ops: dict) -> dict:
    response = await scim.patch(f"/Users/{user['id']}", list(ops))
    assert response.status_code == 200, response.text
    return response.json()


class TestPatchPaths:
    async def test_replace_without_path(self, scim: Scim, user: dict) -> None:
        out = await patched(scim, user, {"op": "replace", "value": {"active": False, "displayName": "P"}})
        assert out["active"] is False and out["displayName"] == "P"
        assert out["name"] == {"givenName": "Pat", "familyName": "Ch"}

    async def test_sub_attribute(self, scim: Scim, user: dict) -> None:
        out = await patched(scim, user, {"op": "replace", "path": "name.givenName", "value": "Patricia"})
        assert out["name"] == {"givenName": "Patricia", "familyName": "Ch"}

    async def test_value_filter_sub_attribute(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim, user, {"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@work.example"}
        )
        assert out["emails"][0] == {"value": "new@work.example", "type": "work", "primary": True}
        assert out["emails"][1]["value"] == "pat@home.example"

    async def test_remove_value_filter(self, scim: Scim, user: dict) -> None:
        out = await patched(scim, user, {"op": "remove", "path": 'emails[type eq "home"]'})
        assert [e["value"] for e in out["emails"]] == ["pat@work.example"]

    async def test_add_to_multi_valued_appends(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim, user, {"op": "add", "path": "phoneNumbers", "value": [{"value": "+1 555", "type": "work"}]}
        )
        assert out["phoneNumbers"] == [{"value": "+1 555", "type": "work", "primary": False}]
        out = await patched(
            scim, user, {"op": "add", "path": "emails", "value": [{"value": "x@y.z", "type": "other"}]}
        )
        assert len(out["emails"]) == 3

    async def test_enterprise_urn_paths(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim,
            user,
            {"op": "add", "path": f"{ENTERPRISE}:department", "value": "Ops"},
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": "m-1"}},
        )
        assert out[ENTERPRISE]["department"] == "Ops"
        assert out[ENTERPRISE]["manager"]["value"] == "m-1"
        out = await patched(scim, user, {"op": "remove", "path": f"{ENTERPRISE}:department"})
        assert "department" not in out[ENTERPRISE]

    async def test_remove_attribute(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim, user, {"op": "remove", "path": "name.familyName"}, {"op": "remove", "path": "emails"}
        )
        assert out["name"] == {"givenName": "Pat"}
        assert "emails" not in out

    async def test_ops_apply_in_order(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim,
            user,
            {"op": "replace", "path": "title", "value": "A"},
            {"op": "replace", "path": "title", "value": "B"},
            {"op": "add", "path": "nickName", "value": "pp"},
        )
        assert out["title"] == "B" and out["nickName"] == "pp"

    async def test_primary_moves(self, scim: Scim, user: dict) -> None:
        out = await patched(
            scim, user, {"op": "replace", "path": 'emails[type eq "home"].primary', "value": True}
        )
        assert [e.get("primary", False) for e in out["emails"]] == [False, True]

    async def test_password_is_accepted_and_never_returned(self, scim: Scim, user: dict) -> None:
        out = await patched(scim, user, {"op": "replace", "path": "password", "value": "hunter2"})
        assert "password" not in out


class TestPatchErrors:
    async def test_failing_op_rolls_back_everything(self, scim: Scim, user: dict) -> None:
        response = await scim.patch(
            f"/Users/{user['id']}",
            [
                {"op": "replace", "path": "displayName", "value": "Changed"},
                {"op": "replace", "path": "active", "value": 5},
            ],
        )
        assert_error(response, 400, "invalidValue")
        current = (await scim.get(f"/Users/{user['id']}")).json()
        assert current.get("displayName") is None and current["meta"]["version"] == user["meta"]["version"]

    @pytest.mark.parametrize("path", ["id", "meta", "groups", "meta.version"])
    async def test_read_only_is_mutability(self, scim: Scim, user: dict, path: str) -> None:
        response = await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "path": path, "value": "x"}])
        assert_error(response, 400, "mutability")

    async def test_changing_id_in_value_is_mutability(self, scim: Scim, user: dict) -> None:
        response = await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "value": {"id": "other"}}])
        assert_error(response, 400, "mutability")

    @pytest.mark.parametrize(
        "path", ['emails[type eq "work"', "name..givenName", 'userName eq "x"', "name.nope"]
    )
    async def test_bad_path_is_invalid_path(self, scim: Scim, user: dict, path: str) -> None:
        response = await scim.patch(f"/Users/{user['id']}", [{"op": "replace", "path": path, "value": "x"}])
        assert_error(response, 400, "invalidPath")

    async def test_replace_with_unmatched_filter_is_no_target(self, scim: Scim, user: dict) -> None:
        response = await scim.patch(
            f"/Users/{user['id']}",
            [{"op": "replace", "path": 'emails[value co "nowhere"].type', "value": "x"}],
        )
        assert_error(response, 400, "noTarget")

    async def test_remove_without_path_is_no_target(self, scim: Scim, user: dict) -> None:
        assert_error(await scim.patch(f"/Users/{user['id']}", [{"op": "remove"}]), 400, "noTarget")

    @pytest.mark.parametrize(
        "body",
        [
            {"schemas": [], "Operations": []},
            {"schemas": [], "Operations": [{"op": "move", "path": "title"}]},
            {"schemas": [], "Operations": [{"op": "add", "path": "title"}]},
            {"schemas": [], "Operations": ["replace"]},
        ],
    )
    async def test_malformed_patch_is_invalid_syntax(self, scim: Scim, user: dict, body: dict) -> None:
        assert_error(await scim.request("PATCH", f"/Users/{user['id']}", body), 400, "invalidSyntax")

    async def test_if_match(self, scim: Scim, user: dict) -> None:
        op = [{"op": "replace", "path": "title", "value": "x"}]
        assert_error(await scim.patch(f"/Users/{user['id']}", op, **{"If-Match": 'W/"99"'}), 412)
        ok = await scim.patch(f"/Users/{user['id']}", op, **{"If-Match": user["meta"]["version"]})
        assert ok.status_code == 200 and ok.headers["etag"] == 'W/"2"'

    async def test_unknown_user_is_404(self, scim: Scim) -> None:
        response = await scim.patch(
            "/Users/3f1b1f57-0d5b-4a4a-9a6b-2a7e3b0f0000", [{"op": "replace", "path": "title", "value": "x"}]
        )
        assert_error(response, 404)
