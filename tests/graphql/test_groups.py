"""Groups over GraphQL: listing, one group, and the app-side changes (refused for SCIM-managed groups)."""

from __future__ import annotations

from app.actor import Actor
from app.groups import service as group_service
from tests.factories import make_member
from tests.graphql.test_members import provision

RESULT = """__typename
... on Group { id displayName memberCount scimManaged members { totalCount nodes { userName } } }
... on Error { message } ... on InvalidInput { field }"""
CREATE = "mutation($name: String!) { createGroup(name: $name) { " + RESULT + " } }"
RENAME = "mutation($id: ID!, $name: String!) { renameGroup(id: $id, name: $name) { " + RESULT + " } }"
ADD = "mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { " + RESULT + " } }"
REMOVE = "mutation($g: ID!, $m: [ID!]!) { removeGroupMembers(groupId: $g, memberIds: $m) { " + RESULT + "} }"
DELETE = (
    "mutation($id: ID!) { deleteGroup(id: $id) { __typename ... on DeletedGroup { id } "
    "... on Error { message } ... on InvalidInput { field } } }"
)
GROUP = """query($id: ID!) { group(id: $id) {
  id displayName externalId scimManaged memberCount createdAt updatedAt
  members(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { userName } } } }"""
LIST = """query($first: Int, $after: String, $search: String) {
  groups(first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { displayName memberCount } } nodes { id }
  }
}"""
UNKNOWN = "00000000-0000-0000-0000-000000000000"


async def create(gql, name: str) -> str:  # type: ignore[no-untyped-def]
    result = (await gql.data(CREATE, name=name))["createGroup"]
    assert result["__typename"] == "Group", result
    return result["id"]  # type: ignore[no-any-return]


async def scim_group(db, team, name: str, member_ids=()):  # type: ignore[no-untyped-def]
    result = await db.write(
        group_service.provision_group,
        Actor.system(),
        workspace_id=team.ws.id,
        name=name,
        member_ids=member_ids,
    )
    return str(result.group.id)


class TestGroupsQuery:
    async def test_lists_in_name_order_and_pages(self, team):
        for name in ("delta", "Alpha", "charlie", "Bravo", "echo"):
            await create(team.owner, name)
        first = (await team.member.data(LIST, first=2))["groups"]
        assert [e["node"]["displayName"] for e in first["edges"]] == ["Alpha", "Bravo"]
        assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
        rest = (await team.member.data(LIST, first=10, after=first["pageInfo"]["endCursor"]))["groups"]
        assert [e["node"]["displayName"] for e in rest["edges"]] == ["charlie", "delta", "echo"]
        assert rest["pageInfo"]["hasNextPage"] is False
        assert len(rest["nodes"]) == 3

    async def test_search(self, team):
        await create(team.owner, "Engineering")
        await create(team.owner, "Sales")
        data = (await team.member.data(LIST, search="ENGIN"))["groups"]
        assert [e["node"]["displayName"] for e in data["edges"]] == ["Engineering"]
        assert data["totalCount"] == 1

    async def test_bad_input(self, team):
        for variables in ({"first": 0}, {"first": 10_000}, {"after": "@@"}, {"search": "s" * 300}):
            body = await team.member(LIST, **variables)
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables

    async def test_group_fields_and_member_paging(self, db, team):
        group_id = await create(team.owner, "Eng")
        extra = await make_member(db, team.ws, email="zed@acme.test", name="Zed")
        await team.owner.data(ADD, g=group_id, m=[team.member_id, team.admin_id, str(extra.id)])
        group = (await team.member.data(GROUP, id=group_id))["group"]
        assert (group["displayName"], group["externalId"], group["scimManaged"]) == ("Eng", None, False)
        assert group["memberCount"] == 3
        assert group["members"]["totalCount"] == 3
        assert [n["userName"] for n in group["members"]["nodes"]] == ["adam@acme.test", "mia@acme.test"]
        assert group["members"]["pageInfo"]["hasNextPage"] is True

    async def test_unknown_and_malformed_ids_are_null(self, team):
        for bad in (UNKNOWN, "nope", ""):
            assert await team.member(GROUP, id=bad) == {"data": {"group": None}}

    async def test_member_groups_field(self, team):
        eng = await create(team.owner, "Eng")
        ops = await create(team.owner, "Ops")
        await team.owner.data(ADD, g=ops, m=[team.member_id])
        await team.owner.data(ADD, g=eng, m=[team.member_id])
        viewer = (await team.member.data("{ viewer { member { groups { displayName } } } }"))["viewer"]
        assert viewer["member"]["groups"] == [{"displayName": "Eng"}, {"displayName": "Ops"}]


class TestCreateGroup:
    async def test_admin_creates(self, team):
        result = (await team.admin.data(CREATE, name="Eng"))["createGroup"]
        assert (result["__typename"], result["displayName"], result["memberCount"]) == ("Group", "Eng", 0)

    async def test_member_may_not(self, team):
        result = (await team.member.data(CREATE, name="Eng"))["createGroup"]
        assert result["__typename"] == "PermissionDenied"
        assert (await team.owner.data(LIST))["groups"]["totalCount"] == 0

    async def test_duplicate_name_case_insensitive(self, team):
        await create(team.owner, "Eng")
        result = (await team.owner.data(CREATE, name="ENG"))["createGroup"]
        assert result["__typename"] == "AlreadyExistsError"

    async def test_bad_names(self, team):
        for bad in ("", "   ", "n" * 256, "a\x00b"):
            result = (await team.owner.data(CREATE, name=bad))["createGroup"]
            assert (result["__typename"], result["field"]) == ("InvalidInput", "displayName"), bad
        assert (await team.owner.data(LIST))["groups"]["totalCount"] == 0


class TestRenameGroup:
    async def test_rename(self, team):
        group_id = await create(team.owner, "Eng")
        result = (await team.admin.data(RENAME, id=group_id, name="Engineering"))["renameGroup"]
        assert (result["__typename"], result["displayName"]) == ("Group", "Engineering")

    async def test_rename_to_taken_name(self, team):
        await create(team.owner, "Ops")
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(RENAME, id=group_id, name="ops"))["renameGroup"]
        assert result["__typename"] == "AlreadyExistsError"
        assert (await team.owner.data(GROUP, id=group_id))["group"]["displayName"] == "Eng"

    async def test_unknown_malformed_and_forbidden(self, team):
        group_id = await create(team.owner, "Eng")
        assert (await team.owner.data(RENAME, id=UNKNOWN, name="x"))["renameGroup"][
            "__typename"
        ] == "NotFoundError"
        result = (await team.owner.data(RENAME, id="bad-id", name="x"))["renameGroup"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "id")
        result = (await team.member.data(RENAME, id=group_id, name="x"))["renameGroup"]
        assert result["__typename"] == "PermissionDenied"
        result = (await team.owner.data(RENAME, id=group_id, name="x" * 300))["renameGroup"]
        assert result["__typename"] == "InvalidInput"

    async def test_scim_managed_group_is_refused(self, db, team):
        group_id = await scim_group(db, team, "Okta Eng")
        result = (await team.owner.data(RENAME, id=group_id, name="Mine"))["renameGroup"]
        assert result["__typename"] == "ScimManagedError"
        assert (await team.owner.data(GROUP, id=group_id))["group"]["displayName"] == "Okta Eng"


class TestGroupMembership:
    async def test_add_and_remove_are_idempotent(self, team):
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(ADD, g=group_id, m=[team.member_id, team.member_id]))[
            "addGroupMembers"
        ]
        assert result["memberCount"] == 1
        result = (await team.owner.data(ADD, g=group_id, m=[team.member_id, team.admin_id]))[
            "addGroupMembers"
        ]
        assert result["memberCount"] == 2
        assert [n["userName"] for n in result["members"]["nodes"]] == ["adam@acme.test", "mia@acme.test"]
        result = (await team.owner.data(REMOVE, g=group_id, m=[team.member_id]))["removeGroupMembers"]
        assert result["memberCount"] == 1
        result = (await team.owner.data(REMOVE, g=group_id, m=[team.member_id]))["removeGroupMembers"]
        assert (result["__typename"], result["memberCount"]) == ("Group", 1)

    async def test_unknown_member_changes_nothing(self, team):
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(ADD, g=group_id, m=[team.member_id, UNKNOWN]))["addGroupMembers"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "members")
        assert UNKNOWN in result["message"]
        assert (await team.owner.data(GROUP, id=group_id))["group"]["memberCount"] == 0

    async def test_malformed_member_id(self, team):
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(ADD, g=group_id, m=[team.member_id, "x"]))["addGroupMembers"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "memberIds")
        assert (await team.owner.data(GROUP, id=group_id))["group"]["memberCount"] == 0

    async def test_member_of_another_workspace_is_unknown(self, db, team):
        from tests.factories import make_workspace

        other = await make_workspace(db, name="Other", owner_email="boss@other.test")
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(ADD, g=group_id, m=[str(other.owner.id)]))["addGroupMembers"]
        assert result["__typename"] == "InvalidInput"

    async def test_unknown_group_and_forbidden(self, team):
        result = (await team.owner.data(ADD, g=UNKNOWN, m=[team.member_id]))["addGroupMembers"]
        assert result["__typename"] == "NotFoundError"
        group_id = await create(team.owner, "Eng")
        result = (await team.member.data(ADD, g=group_id, m=[team.member_id]))["addGroupMembers"]
        assert result["__typename"] == "PermissionDenied"
        result = (await team.member.data(REMOVE, g=group_id, m=[team.member_id]))["removeGroupMembers"]
        assert result["__typename"] == "PermissionDenied"

    async def test_scim_managed_group_membership_is_refused(self, db, team):
        group_id = await scim_group(db, team, "Okta Eng", member_ids=[team.ws.owner.id])
        for query, name in ((ADD, "addGroupMembers"), (REMOVE, "removeGroupMembers")):
            result = (await team.owner.data(query, g=group_id, m=[str(team.ws.owner.id)]))[name]
            assert result["__typename"] == "ScimManagedError"
        assert (await team.owner.data(GROUP, id=group_id))["group"]["memberCount"] == 1

    async def test_too_many_ids(self, team):
        group_id = await create(team.owner, "Eng")
        result = (await team.owner.data(ADD, g=group_id, m=[UNKNOWN] * 1001))["addGroupMembers"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "memberIds")


class TestDeleteGroup:
    async def test_delete(self, team):
        group_id = await create(team.owner, "Eng")
        await team.owner.data(ADD, g=group_id, m=[team.member_id])
        assert (await team.admin.data(DELETE, id=group_id))["deleteGroup"] == {
            "__typename": "DeletedGroup",
            "id": group_id,
        }
        assert (await team.owner.data(GROUP, id=group_id))["group"] is None
        assert (await team.owner.data(DELETE, id=group_id))["deleteGroup"]["__typename"] == "NotFoundError"

    async def test_member_may_not(self, team):
        group_id = await create(team.owner, "Eng")
        assert (await team.member.data(DELETE, id=group_id))["deleteGroup"][
            "__typename"
        ] == "PermissionDenied"
        assert (await team.owner.data(GROUP, id=group_id))["group"] is not None

    async def test_scim_managed_group_is_refused(self, db, team):
        group_id = await scim_group(db, team, "Okta Eng")
        assert (await team.owner.data(DELETE, id=group_id))["deleteGroup"]["__typename"] == "ScimManagedError"
        assert (await team.owner.data(GROUP, id=group_id))["group"]["scimManaged"] is True

    async def test_malformed_id(self, team):
        result = (await team.owner.data(DELETE, id="zzz"))["deleteGroup"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "id")


async def test_scim_managed_member_can_be_added_to_app_group(db, team):
    """Membership of an app-managed group is the app's business, even for an IdP-managed member."""
    managed = await provision(db, team.ws, "sam@acme.test")
    group_id = await create(team.owner, "Eng")
    result = (await team.owner.data(ADD, g=group_id, m=[str(managed.id)]))["addGroupMembers"]
    assert result["memberCount"] == 1
