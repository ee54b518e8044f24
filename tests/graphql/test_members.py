"""Members over GraphQL: listing, one member, invitations, roles, (de)activation and own timezone."""

from __future__ import annotations

from app.actor import Actor
from app.enums import MemberStatus, Role
from app.members import service as member_service
from app.members.profile import ContactValue, MemberProfile
from tests.factories import make_member

MEMBER_FIELDS = """id userName displayName email emails { value type primary } role status active timezone
timezoneSource idpTimezone scimManaged title department externalId createdAt updatedAt groups { id }"""

LIST = """query($first: Int, $after: String, $search: String, $status: [MemberStatus!], $groupId: ID) {
  members(first: $first, after: $after, search: $search, status: $status, groupId: $groupId) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { userName status } } nodes { userName }
  }
}"""

MEMBER = "query($id: ID!) { member(id: $id) { " + MEMBER_FIELDS + " } }"
RESULT = (
    "__typename ... on Member { id role status active } ... on Error { message } "
    "... on InvalidInput { field }"
)
INVITE = (
    "mutation($email: String!, $name: String, $role: Role) { inviteMember(email: $email, displayName: $name, "
    "role: $role) { __typename ... on Member { id userName displayName role email scimManaged } "
    "... on Error { message } ... on InvalidInput { field } } }"
)
ROLE = "mutation($id: ID!, $role: Role!) { changeMemberRole(memberId: $id, role: $role) { " + RESULT + " } }"
ACTIVE = (
    "mutation($id: ID!, $active: Boolean!) { setMemberActive(memberId: $id, active: $active) { "
    + RESULT
    + " } }"
)
TZ = (
    "mutation($tz: String!) { setMyTimezone(timezone: $tz) { __typename "
    "... on Member { timezone timezoneSource } ... on Error { message } ... on InvalidInput { field } } }"
)


async def provision(db, ws, user_name: str, **kw):  # type: ignore[no-untyped-def]
    """A member created by the identity provider (so SCIM-managed)."""
    profile = MemberProfile(user_name=user_name, emails=(ContactValue(user_name, "work", True),), **kw)
    result = await db.write(
        member_service.provision_member, Actor.system(), workspace_id=ws.id, profile=profile
    )
    return result.member


class TestMembersList:
    async def test_lists_in_name_order_with_total(self, team):
        data = await team.member.data(LIST)
        names = [n["userName"] for n in data["members"]["nodes"]]
        assert names == ["adam@acme.test", "mia@acme.test", "owner@acme.test"]
        assert data["members"]["totalCount"] == 3
        assert data["members"]["pageInfo"]["hasNextPage"] is False

    async def test_pages_follow_cursors_without_gaps_or_repeats(self, db, team):
        for i in range(7):
            await make_member(db, team.ws, email=f"p{i}@acme.test", name=f"Pat {i % 3}")
        seen: list[str] = []
        after = None
        while True:
            data = (await team.owner.data(LIST, first=3, after=after))["members"]
            seen += [e["node"]["userName"] for e in data["edges"]]
            assert data["totalCount"] == 10
            assert data["pageInfo"]["endCursor"] == data["edges"][-1]["cursor"]
            if not data["pageInfo"]["hasNextPage"]:
                break
            after = data["pageInfo"]["endCursor"]
        assert len(seen) == 10 and len(set(seen)) == 10
        everything = [n["userName"] for n in (await team.owner.data(LIST, first=50))["members"]["nodes"]]
        assert seen == everything

    async def test_search_matches_name_and_email_case_insensitively(self, db, team):
        await make_member(db, team.ws, email="zoe@other.test", name="Åsa Öberg")
        data = await team.owner.data(LIST, search="åSA")
        assert [n["userName"] for n in data["members"]["nodes"]] == ["zoe@other.test"]
        data = await team.owner.data(LIST, search="OTHER.TEST")
        assert data["members"]["totalCount"] == 1

    async def test_search_with_like_wildcards_is_literal(self, team):
        data = await team.owner.data(LIST, search="%")
        assert data["members"]["totalCount"] == 0

    async def test_status_filter_and_default_hides_removed(self, db, team):
        removed = await provision(db, team.ws, "gone@acme.test")
        await db.write(
            member_service.remove_member, Actor.system(), workspace_id=team.ws.id, member_id=removed.id
        )
        inactive = await provision(db, team.ws, "idle@acme.test", active=False)
        assert inactive.status == MemberStatus.INACTIVE
        default = [n["userName"] for n in (await team.owner.data(LIST))["members"]["nodes"]]
        assert "gone@acme.test" not in default and "idle@acme.test" in default
        data = await team.owner.data(LIST, status=["REMOVED"])
        assert [n["userName"] for n in data["members"]["nodes"]] == ["gone@acme.test"]
        assert data["members"]["totalCount"] == 1
        data = await team.owner.data(LIST, status=["INACTIVE"])
        assert [n["userName"] for n in data["members"]["nodes"]] == ["idle@acme.test"]

    async def test_group_filter(self, team):
        group = await team.owner.data('mutation { createGroup(name: "Eng") { ... on Group { id } } }')
        group_id = group["createGroup"]["id"]
        await team.owner.data(
            "mutation($g: ID!, $m: [ID!]!) { addGroupMembers(groupId: $g, memberIds: $m) { __typename } }",
            g=group_id,
            m=[team.member_id],
        )
        data = await team.owner.data(LIST, groupId=group_id)
        assert [n["userName"] for n in data["members"]["nodes"]] == ["mia@acme.test"]
        assert data["members"]["totalCount"] == 1

    async def test_bad_paging_and_search_are_user_errors(self, team):
        for variables, field in (
            ({"first": 0}, "page size"),
            ({"first": 501}, "page size"),
            ({"after": "not-a-cursor"}, "cursor"),
            ({"search": "x" * 256}, "search"),
            ({"groupId": "not-an-id"}, "groupId"),
        ):
            body = await team.owner(LIST, **variables)
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables
            assert field in body["errors"][0]["message"]

    async def test_cursor_of_another_list_is_refused(self, team):
        await team.owner.data('mutation { createGroup(name: "Eng") { __typename } }')
        cursor = (await team.owner.data("{ groups { edges { cursor } } }"))["groups"]["edges"][0]["cursor"]
        body = await team.owner(LIST, after=cursor)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_other_workspaces_are_invisible(self, db, team, as_member):
        from tests.factories import make_workspace

        other = await make_workspace(db, name="Other", owner_email="boss@other.test")
        stranger = await as_member(other, "boss@other.test")
        data = await stranger.data(LIST)
        assert [n["userName"] for n in data["members"]["nodes"]] == ["boss@other.test"]
        assert (await stranger.data(MEMBER, id=team.member_id))["member"] is None


class TestMember:
    async def test_all_fields(self, db, team):
        managed = await provision(
            db,
            team.ws,
            "sam@acme.test",
            display_name="Sam",
            title="Engineer",
            department="R&D",
            external_id="ext-1",
            timezone="Europe/Paris",
        )
        member = (await team.member.data(MEMBER, id=str(managed.id)))["member"]
        assert member["userName"] == "sam@acme.test"
        assert member["email"] == "sam@acme.test"
        assert member["emails"] == [{"value": "sam@acme.test", "type": "work", "primary": True}]
        assert (member["role"], member["status"], member["active"]) == ("MEMBER", "ACTIVE", True)
        assert (member["timezone"], member["timezoneSource"], member["idpTimezone"]) == (
            "Europe/Paris",
            "IDP",
            "Europe/Paris",
        )
        assert (member["scimManaged"], member["title"], member["department"], member["externalId"]) == (
            True,
            "Engineer",
            "R&D",
            "ext-1",
        )
        assert member["createdAt"] and member["updatedAt"] and member["groups"] == []

    async def test_unknown_or_malformed_id_is_null(self, team):
        for bad in ("00000000-0000-0000-0000-000000000000", "nope", "", "1" * 500):
            body = await team.owner(MEMBER, id=bad)
            assert body == {"data": {"member": None}}, bad

    async def test_removed_member_is_null(self, db, team):
        gone = await provision(db, team.ws, "gone@acme.test")
        await db.write(
            member_service.remove_member, Actor.system(), workspace_id=team.ws.id, member_id=gone.id
        )
        assert (await team.owner.data(MEMBER, id=str(gone.id)))["member"] is None


class TestInviteMember:
    async def test_admin_invites(self, team):
        data = await team.admin.data(INVITE, email="new@acme.test", name="New Person")
        result = data["inviteMember"]
        assert result["__typename"] == "Member"
        assert (result["userName"], result["displayName"], result["role"], result["email"]) == (
            "new@acme.test",
            "New Person",
            "MEMBER",
            "new@acme.test",
        )
        assert result["scimManaged"] is False
        listed = await team.owner.data(LIST, search="new@")
        assert listed["members"]["totalCount"] == 1

    async def test_member_may_not_invite(self, team):
        result = (await team.member.data(INVITE, email="new@acme.test"))["inviteMember"]
        assert result["__typename"] == "PermissionDenied"
        assert (await team.owner.data(LIST, search="new@"))["members"]["totalCount"] == 0

    async def test_only_owner_invites_owners(self, team):
        assert (await team.admin.data(INVITE, email="o2@acme.test", role="OWNER"))["inviteMember"][
            "__typename"
        ] == "PermissionDenied"
        result = (await team.owner.data(INVITE, email="o2@acme.test", role="OWNER"))["inviteMember"]
        assert (result["__typename"], result["role"]) == ("Member", "OWNER")

    async def test_duplicate_email_case_insensitive(self, team):
        result = (await team.owner.data(INVITE, email="MIA@acme.test"))["inviteMember"]
        assert result["__typename"] == "AlreadyExistsError"
        assert "already taken" in result["message"]

    async def test_bad_input(self, team):
        for email, name, field in (
            ("not-an-email", None, "email"),
            ("", None, "email"),
            ("x" * 250 + "@a.test", None, "email"),
            ("ok@acme.test", "n" * 256, "displayName"),
            ("nul\x00@acme.test", None, "email"),
        ):
            result = (await team.owner.data(INVITE, email=email, name=name))["inviteMember"]
            assert (result["__typename"], result["field"]) == ("InvalidInput", field), email
        assert (await team.owner.data(LIST))["members"]["totalCount"] == 3

    async def test_invalid_enum_is_a_graphql_validation_error(self, team):
        body = await team.owner(INVITE, email="x@acme.test", role="KING")
        assert body["data"] is None and "KING" in body["errors"][0]["message"]


class TestChangeMemberRole:
    async def test_admin_promotes_member_to_admin(self, team):
        result = (await team.admin.data(ROLE, id=team.member_id, role="ADMIN"))["changeMemberRole"]
        assert (result["__typename"], result["role"]) == ("Member", "ADMIN")

    async def test_member_may_not(self, team):
        result = (await team.member.data(ROLE, id=team.admin_id, role="MEMBER"))["changeMemberRole"]
        assert result["__typename"] == "PermissionDenied"

    async def test_admin_may_not_grant_ownership(self, team):
        result = (await team.admin.data(ROLE, id=team.member_id, role="OWNER"))["changeMemberRole"]
        assert result["__typename"] == "PermissionDenied"
        member = (await team.owner.data(MEMBER, id=team.member_id))["member"]
        assert member["role"] == "MEMBER"

    async def test_last_owner_cannot_be_demoted(self, db, team):
        owner_id = str(team.ws.owner.id)
        result = (await team.owner.data(ROLE, id=owner_id, role="ADMIN"))["changeMemberRole"]
        assert result["__typename"] == "LastOwnerError"
        assert "last active owner" in result["message"]
        assert (await team.owner.data(MEMBER, id=owner_id))["member"]["role"] == "OWNER"
        # with a second owner the first may step down
        await team.owner.data(ROLE, id=team.admin_id, role="OWNER")
        result = (await team.owner.data(ROLE, id=owner_id, role="ADMIN"))["changeMemberRole"]
        assert (result["__typename"], result["role"]) == ("Member", "ADMIN")

    async def test_scim_managed_member_is_refused(self, db, team):
        managed = await provision(db, team.ws, "sam@acme.test")
        result = (await team.owner.data(ROLE, id=str(managed.id), role="ADMIN"))["changeMemberRole"]
        assert result["__typename"] == "ScimManagedError"
        assert "identity provider" in result["message"]
        assert (await team.owner.data(MEMBER, id=str(managed.id)))["member"]["role"] == "MEMBER"

    async def test_unknown_and_malformed_ids(self, team):
        result = await team.owner.data(ROLE, id="00000000-0000-0000-0000-000000000000", role="ADMIN")
        assert result["changeMemberRole"]["__typename"] == "NotFoundError"
        result = (await team.owner.data(ROLE, id="12", role="ADMIN"))["changeMemberRole"]
        assert (result["__typename"], result["field"]) == ("InvalidInput", "memberId")


class TestSetMemberActive:
    async def test_deactivate_and_reactivate(self, team):
        result = (await team.admin.data(ACTIVE, id=team.member_id, active=False))["setMemberActive"]
        assert (result["__typename"], result["status"], result["active"]) == ("Member", "INACTIVE", False)
        listed = await team.owner.data(LIST, status=["INACTIVE"])
        assert [n["userName"] for n in listed["members"]["nodes"]] == ["mia@acme.test"]
        result = (await team.admin.data(ACTIVE, id=team.member_id, active=True))["setMemberActive"]
        assert (result["status"], result["active"]) == ("ACTIVE", True)

    async def test_deactivated_member_is_signed_out_at_once(self, team):
        assert (await team.member.data("{ viewer { role } }"))["viewer"] == {"role": "MEMBER"}
        await team.admin.data(ACTIVE, id=team.member_id, active=False)
        assert (await team.member.data("{ viewer { role } }"))["viewer"] is None
        body = await team.member(LIST)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_last_owner_cannot_deactivate_themself(self, team):
        result = (await team.owner.data(ACTIVE, id=str(team.ws.owner.id), active=False))["setMemberActive"]
        assert result["__typename"] == "LastOwnerError"
        assert (await team.owner.data("{ viewer { member { status } } }"))["viewer"]["member"][
            "status"
        ] == "ACTIVE"

    async def test_member_may_not(self, team):
        result = (await team.member.data(ACTIVE, id=team.admin_id, active=False))["setMemberActive"]
        assert result["__typename"] == "PermissionDenied"

    async def test_scim_managed_member_is_refused(self, db, team):
        managed = await provision(db, team.ws, "sam@acme.test")
        result = (await team.owner.data(ACTIVE, id=str(managed.id), active=False))["setMemberActive"]
        assert result["__typename"] == "ScimManagedError"
        assert (await team.owner.data(MEMBER, id=str(managed.id)))["member"]["status"] == "ACTIVE"


class TestSetMyTimezone:
    async def test_member_sets_own_timezone_and_idp_no_longer_wins(self, db, team, as_member):
        managed = await provision(db, team.ws, "sam@acme.test", timezone="Asia/Tokyo")
        sam = await as_member(team.ws, "sam@acme.test")
        result = (await sam.data(TZ, tz="Europe/Berlin"))["setMyTimezone"]
        assert result == {"__typename": "Member", "timezone": "Europe/Berlin", "timezoneSource": "MEMBER"}
        await db.write(
            member_service.update_member,
            Actor.system(),
            workspace_id=team.ws.id,
            member_id=managed.id,
            change=lambda p: p.but(timezone="America/New_York"),
        )
        member = (await sam.data("{ viewer { member { timezone timezoneSource idpTimezone } } }"))["viewer"]
        assert member["member"] == {
            "timezone": "Europe/Berlin",
            "timezoneSource": "MEMBER",
            "idpTimezone": "America/New_York",
        }

    async def test_invalid_timezone(self, team):
        for bad in ("Mars/Olympus", "", "x" * 5000):
            result = (await team.member.data(TZ, tz=bad))["setMyTimezone"]
            assert (result["__typename"], result["field"]) == ("InvalidInput", "timezone")
        member = (await team.member.data("{ viewer { member { timezone timezoneSource } } }"))["viewer"][
            "member"
        ]
        assert member == {"timezone": "UTC", "timezoneSource": "DEFAULT"}

    async def test_timezones_query(self, team):
        zones = (await team.member.data("{ timezones }"))["timezones"]
        assert "Europe/Paris" in zones and zones == sorted(zones)


class TestRoles:
    async def test_viewer_role(self, team):
        for gql, role in ((team.owner, "OWNER"), (team.admin, "ADMIN"), (team.member, "MEMBER")):
            viewer = (await gql.data("{ viewer { role member { role } workspace { name } } }"))["viewer"]
            assert viewer["role"] == viewer["member"]["role"] == role
            assert viewer["workspace"]["name"] == "Acme"
        assert Role.OWNER == "OWNER"
