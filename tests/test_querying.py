"""Filter compilation and search, at the service level: SCIM filter text → parse_filter → search_*."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.orm import Session

from app.actor import Actor
from app.db import Database
from app.errors import InvalidFilter, InvalidValue, NotFound
from app.groups import service as group_service
from app.groups.models import Group
from app.groups.search import search_groups
from app.members import service as member_service
from app.members.models import Member
from app.members.profile import ContactValue, MemberProfile
from app.members.search import search_members
from scim_facade.filters import parse_filter, parse_sort
from tests.factories import WorkspaceFixture, make_workspace

SYSTEM = Actor.system()
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _provision(session: Session, workspace_id: UUID, profile: MemberProfile) -> UUID:
    return member_service.provision_member(
        session, SYSTEM, workspace_id=workspace_id, profile=profile
    ).member.id


def _set_times(session: Session, member_id: UUID, created: datetime, modified: datetime) -> None:
    member = session.get(Member, member_id)
    assert member is not None
    member.created_at, member.updated_at = created, modified


def _set_group_times(session: Session, group_id: UUID, created: datetime) -> None:
    group = session.get(Group, group_id)
    assert group is not None
    group.created_at = group.updated_at = created


def work(value: str, primary: bool = True) -> ContactValue:
    return ContactValue(value, "work", primary)


PEOPLE: list[MemberProfile] = [
    MemberProfile(
        user_name="ada@x.com",
        external_id="EXT-ada",
        display_name="Ada Lovelace",
        given_name="Ada",
        family_name="Lovelace",
        title="Engineer",
        department="R&D",
        emails=(work("ada@x.com"), ContactValue("ada@home.org", "home")),
        phone_numbers=(ContactValue("+44 100", "work", True),),
    ),
    MemberProfile(
        user_name="ÅSA@x.com",
        external_id="ext-asa",
        display_name="ÅSA Öberg",
        family_name="Öberg",
        title="engineer",
        emails=(work("ÅSA@x.com"),),
    ),
    MemberProfile(
        user_name="odos@y.org",
        display_name="ΟΔΟΣ",
        family_name="οδος",
        title="100%_done\\ok",
        emails=(ContactValue("odos@y.org", "home"),),
    ),
    MemberProfile(
        user_name="bob@y.org",
        external_id="EXT-bob",
        display_name="Bob",
        emails=(work("bob@y.org", primary=False), ContactValue("bob@x.com", "home", True)),
        active=False,
    ),
    MemberProfile(
        user_name="gone@x.com", external_id="EXT-gone", display_name="Gone", emails=(work("gone@x.com"),)
    ),
]
TIMES = {
    "ada@x.com": datetime(2024, 1, 1, tzinfo=UTC),
    "ÅSA@x.com": datetime(2024, 2, 1, tzinfo=UTC),
    "odos@y.org": datetime(2024, 3, 1, tzinfo=UTC),
    "bob@y.org": datetime(2024, 4, 1, tzinfo=UTC),
    "gone@x.com": datetime(2024, 5, 1, tzinfo=UTC),
}
OWNER = "owner@acme.test"


@dataclass
class World:
    db: Database
    ws: WorkspaceFixture
    ids: dict[str, UUID]
    groups: dict[str, UUID]

    async def users(self, expr: str | None, **kw: Any) -> list[str]:
        filter_ = parse_filter(expr, "User") if expr is not None else None
        _, members = await self.db.read(
            search_members,
            SYSTEM,
            workspace_id=self.ws.id,
            filter=filter_,
            sort=kw.get("sort"),
            offset=kw.get("offset", 0),
            limit=kw.get("limit", 100),
        )
        return [m.user_name for m in members]

    async def user_set(self, expr: str) -> set[str]:
        return set(await self.users(expr)) - {OWNER}

    async def group_names(self, expr: str | None, **kw: Any) -> list[str]:
        filter_ = parse_filter(expr, "Group") if expr is not None else None
        _, groups = await self.db.read(
            search_groups,
            SYSTEM,
            workspace_id=self.ws.id,
            filter=filter_,
            sort=kw.get("sort"),
            offset=kw.get("offset", 0),
            limit=kw.get("limit", 100),
        )
        return [g.display_name for g in groups]


@pytest.fixture
async def world(db: Database) -> World:
    ws = await make_workspace(db)
    ids: dict[str, UUID] = {}
    for profile in PEOPLE:
        ids[profile.user_name] = await db.write(_provision, ws.id, profile)
        stamp = TIMES[profile.user_name]
        await db.write(_set_times, ids[profile.user_name], stamp, stamp.replace(hour=12))
    owner_time = datetime(2023, 12, 1, tzinfo=UTC)
    await db.write(_set_times, ws.owner.id, owner_time, owner_time)
    groups: dict[str, UUID] = {}
    for i, (name, members) in enumerate(
        [
            ("Engineering", ["ada@x.com", "ÅSA@x.com", "gone@x.com"]),
            ("Ops_100%", ["bob@y.org"]),
            ("Émigrés", []),
            ("Only Gone", ["gone@x.com"]),
        ]
    ):
        result = await db.write(
            group_service.provision_group,
            SYSTEM,
            workspace_id=ws.id,
            name=name,
            external_id=f"G{i}",
            member_ids=[ids[m] for m in members],
        )
        groups[name] = result.group.id
        await db.write(_set_group_times, result.group.id, datetime(2024, 1, 1 + i, tzinfo=UTC))
    await db.write(member_service.remove_member, SYSTEM, workspace_id=ws.id, member_id=ids["gone@x.com"])
    return World(db, ws, ids, groups)


class TestComparisons:
    async def test_eq_is_case_insensitive_on_user_name(self, world: World) -> None:
        assert await world.user_set('userName eq "ADA@X.COM"') == {"ada@x.com"}

    async def test_eq_folds_non_ascii(self, world: World) -> None:
        assert await world.user_set('userName eq "åsa@x.com"') == {"ÅSA@x.com"}
        assert await world.user_set('displayName eq "åsa öberg"') == {"ÅSA@x.com"}

    async def test_greek_final_sigma(self, world: World) -> None:
        # ΟΔΟΣ lower-cases to οδος (final sigma) in Python and in ICU alike.
        assert await world.user_set('displayName eq "οδος"') == {"odos@y.org"}
        assert await world.user_set('name.familyName eq "ΟΔΟΣ"') == {"odos@y.org"}
        assert await world.user_set('displayName eq "οδοσ"') == set()

    async def test_ne_matches_missing_values(self, world: World) -> None:
        assert await world.user_set('title ne "engineer"') == {"odos@y.org", "bob@y.org"}

    async def test_co_sw_ew(self, world: World) -> None:
        assert await world.user_set('displayName co "LOVE"') == {"ada@x.com"}
        assert await world.user_set('userName sw "Å"') == {"ÅSA@x.com"}
        assert await world.user_set('userName ew ".ORG"') == {"odos@y.org", "bob@y.org"}

    async def test_like_wildcards_are_literal(self, world: World) -> None:
        assert await world.user_set('title co "%"') == {"odos@y.org"}
        assert await world.user_set('title co "0%_d"') == {"odos@y.org"}
        assert await world.user_set('title co "_"') == {"odos@y.org"}
        assert await world.user_set('title co "\\\\"') == {"odos@y.org"}
        assert await world.user_set('title sw "1_0"') == set()
        assert await world.user_set('displayName co "%"') == set()

    async def test_external_id_is_case_exact(self, world: World) -> None:
        assert await world.user_set('externalId eq "EXT-ada"') == {"ada@x.com"}
        assert await world.user_set('externalId eq "ext-ada"') == set()
        assert await world.user_set('externalId sw "EXT"') == {"ada@x.com", "bob@y.org"}
        assert await world.user_set('externalId sw "ext"') == {"ÅSA@x.com"}
        assert await world.user_set('externalId co "*"') == set()

    async def test_ordering_operators_on_strings(self, world: World) -> None:
        assert await world.user_set('userName gt "b"') == {"ÅSA@x.com", "odos@y.org", "bob@y.org"}
        assert await world.user_set('userName lt "B"') == {"ada@x.com"}
        assert await world.user_set('userName le "bob@y.org"') == {"ada@x.com", "bob@y.org"}

    async def test_presence(self, world: World) -> None:
        assert await world.user_set("externalId pr") == {"ada@x.com", "ÅSA@x.com", "bob@y.org"}
        assert await world.user_set("phoneNumbers pr") == {"ada@x.com"}
        assert await world.user_set("not (title pr)") == {"bob@y.org"}

    async def test_active(self, world: World) -> None:
        assert await world.user_set("active eq false") == {"bob@y.org"}
        assert "bob@y.org" not in await world.user_set("active eq true")
        assert await world.user_set("active ne true") == {"bob@y.org"}

    async def test_id(self, world: World) -> None:
        assert await world.user_set(f'id eq "{world.ids["ada@x.com"]}"') == {"ada@x.com"}
        assert await world.user_set('id eq "not-a-uuid"') == set()
        assert len(await world.user_set('id ne "not-a-uuid"')) == 4

    async def test_enterprise_attribute_with_urn(self, world: World) -> None:
        assert await world.user_set(f'{ENTERPRISE}:department eq "r&d"') == {"ada@x.com"}

    async def test_eq_null_means_absent(self, world: World) -> None:
        assert await world.user_set("externalId eq null") == {"odos@y.org"}


class TestLogic:
    async def test_and_binds_tighter_than_or(self, world: World) -> None:
        expr = 'userName sw "ada" or userName sw "bob" and active eq true'
        assert await world.user_set(expr) == {"ada@x.com"}
        expr = '(userName sw "ada" or userName sw "bob") and active eq false'
        assert await world.user_set(expr) == {"bob@y.org"}

    async def test_not(self, world: World) -> None:
        assert await world.user_set('not (userName ew "x.com")') == {"odos@y.org", "bob@y.org"}
        # not over a comparison on a missing value: false becomes true.
        assert await world.user_set('not (title eq "engineer")') == {"odos@y.org", "bob@y.org"}


class TestMultiValued:
    async def test_email_lookup(self, world: World) -> None:
        assert await world.user_set('emails.value eq "ADA@HOME.ORG"') == {"ada@x.com"}
        assert await world.user_set('emails eq "bob@x.com"') == {"bob@y.org"}

    async def test_value_path_ties_conditions_to_one_entry(self, world: World) -> None:
        assert await world.user_set('emails[type eq "work" and value co "@x.com"]') == {
            "ada@x.com",
            "ÅSA@x.com",
        }
        # Separate comparisons may match different entries: bob has a work e-mail and an x.com one.
        assert await world.user_set('emails.type eq "work" and emails.value co "@x.com"') == {
            "ada@x.com",
            "ÅSA@x.com",
            "bob@y.org",
        }

    async def test_entra_filtered_value_comparison(self, world: World) -> None:
        assert await world.user_set('emails[type eq "work"].value eq "bob@y.org"') == {"bob@y.org"}
        assert await world.user_set('emails[type eq "home"].value eq "bob@y.org"') == set()

    async def test_primary(self, world: World) -> None:
        assert await world.user_set('emails[primary eq true and type eq "home"]') == {"bob@y.org"}

    async def test_not_value_path(self, world: World) -> None:
        assert await world.user_set('not (emails[type eq "work"])') == {"odos@y.org"}

    async def test_groups(self, world: World) -> None:
        gid = world.groups["Ops_100%"]
        assert await world.user_set(f'groups.value eq "{gid}"') == {"bob@y.org"}
        assert await world.user_set('groups[display co "ENGIN"]') == {"ada@x.com", "ÅSA@x.com"}
        assert await world.user_set("not (groups pr)") == {"odos@y.org"}


class TestMetaDates:
    async def test_created_ranges(self, world: World) -> None:
        assert await world.user_set('meta.created gt "2024-02-01T00:00:00Z"') == {"odos@y.org", "bob@y.org"}
        assert await world.user_set('meta.created ge "2024-02-01T00:00:00Z"') == {
            "ÅSA@x.com",
            "odos@y.org",
            "bob@y.org",
        }
        assert await world.user_set('meta.created lt "2024-01-31T23:00:00-02:00"') == {
            "ada@x.com",
            "ÅSA@x.com",
        }

    async def test_last_modified(self, world: World) -> None:
        expr = 'meta.lastModified ge "2024-03-01T12:00:00Z" and meta.lastModified le "2024-04-01T12:00:00Z"'
        assert await world.user_set(expr) == {"odos@y.org", "bob@y.org"}
        assert await world.user_set('meta.lastModified eq "2024-01-01T12:00:00+00:00"') == {"ada@x.com"}

    def test_not_a_date_is_refused(self) -> None:
        with pytest.raises(InvalidFilter, match="ISO 8601"):
            parse_filter('meta.created gt "last week"', "User")


class TestPagingAndSorting:
    async def test_default_order_is_creation(self, world: World) -> None:
        assert await world.users(None) == [OWNER, "ada@x.com", "ÅSA@x.com", "odos@y.org", "bob@y.org"]

    async def test_total_and_page(self, world: World) -> None:
        total, members = await world.db.read(
            search_members, SYSTEM, workspace_id=world.ws.id, filter=None, sort=None, offset=1, limit=2
        )
        assert total == 5
        assert [m.user_name for m in members] == ["ada@x.com", "ÅSA@x.com"]
        assert [e.value for e in members[0].emails] == ["ada@x.com", "ada@home.org"]  # loaded

    async def test_count_only(self, world: World) -> None:
        total, members = await world.db.read(
            search_members,
            SYSTEM,
            workspace_id=world.ws.id,
            filter=parse_filter('userName ew "x.com"', "User"),
            sort=None,
            offset=0,
            limit=0,
        )
        assert (total, members) == (2, [])

    async def test_past_the_end(self, world: World) -> None:
        total, members = await world.db.read(
            search_members, SYSTEM, workspace_id=world.ws.id, filter=None, sort=None, offset=50, limit=10
        )
        assert (total, members) == (5, [])

    async def test_negative_offset(self, world: World) -> None:
        with pytest.raises(InvalidValue):
            await world.db.read(
                search_members, SYSTEM, workspace_id=world.ws.id, filter=None, sort=None, offset=-1, limit=10
            )

    async def test_sort_by_user_name(self, world: World) -> None:
        sort = parse_sort("userName", None, "User")
        assert await world.users(None, sort=sort) == [
            "ada@x.com",
            "bob@y.org",
            "odos@y.org",
            OWNER,
            "ÅSA@x.com",
        ]
        sort = parse_sort("USERNAME", "descending", "User")
        assert (await world.users(None, sort=sort))[0] == "ÅSA@x.com"

    async def test_sort_missing_values_last(self, world: World) -> None:
        # externalId is case-exact: code-point order, upper case first; members without one come last.
        ascending = await world.users(None, sort=parse_sort("externalId", "ascending", "User"))
        assert ascending[:3] == ["ada@x.com", "bob@y.org", "ÅSA@x.com"]
        assert set(ascending[3:]) == {OWNER, "odos@y.org"}
        descending = await world.users(None, sort=parse_sort("externalId", "descending", "User"))
        assert set(descending[:2]) == {OWNER, "odos@y.org"}
        assert descending[2:] == ["ÅSA@x.com", "bob@y.org", "ada@x.com"]

    async def test_sort_by_primary_email(self, world: World) -> None:
        sort = parse_sort("emails.value", None, "User")
        assert await world.users(None, sort=sort) == [
            "ada@x.com",
            "bob@y.org",  # primary is bob@x.com, not the first e-mail
            "odos@y.org",
            OWNER,
            "ÅSA@x.com",
        ]

    def test_unknown_sort_attribute(self) -> None:
        with pytest.raises(InvalidValue, match="cannot sort"):
            parse_sort("nickName", None, "User")
        with pytest.raises(InvalidValue):
            parse_sort("userName", "sideways", "User")
        assert parse_sort(None, "descending", "User") is None


class TestRemovedAndScope:
    async def test_removed_members_are_never_found(self, world: World) -> None:
        assert await world.user_set('userName eq "gone@x.com"') == set()
        assert await world.user_set('externalId eq "EXT-gone"') == set()

    async def test_other_workspace_is_not_found(self, world: World) -> None:
        other = await make_workspace(world.db, name="Other", owner_email="o@other.test")
        actor = other.owner_actor
        with pytest.raises(NotFound):
            await world.db.read(
                search_members, actor, workspace_id=world.ws.id, filter=None, sort=None, offset=0, limit=5
            )
        total, _ = await world.db.read(
            search_members, actor, workspace_id=other.id, filter=None, sort=None, offset=0, limit=5
        )
        assert total == 1


class TestGroups:
    async def test_display_name_lookup(self, world: World) -> None:
        assert await world.group_names('displayName eq "ENGINEERING"') == ["Engineering"]
        assert await world.group_names('displayName eq "émigrés"') == ["Émigrés"]
        assert await world.group_names('displayName co "_1"') == ["Ops_100%"]

    async def test_members(self, world: World) -> None:
        ada = world.ids["ada@x.com"]
        assert await world.group_names(f'members.value eq "{ada}"') == ["Engineering"]
        assert await world.group_names(f'members[value eq "{ada}"]') == ["Engineering"]
        # The only member was removed: the group has no members any more.
        assert await world.group_names("members pr") == ["Engineering", "Ops_100%"]
        assert await world.group_names('members[display eq "bob"]') == ["Ops_100%"]

    async def test_external_id_and_dates(self, world: World) -> None:
        assert await world.group_names('externalId eq "G2"') == ["Émigrés"]
        assert await world.group_names('meta.created ge "2024-01-03T00:00:00Z"') == ["Émigrés", "Only Gone"]

    async def test_sort_and_page(self, world: World) -> None:
        sort = parse_sort("displayName", "descending", "Group")
        assert await world.group_names(None, sort=sort) == ["Émigrés", "Ops_100%", "Only Gone", "Engineering"]
        assert await world.group_names(None, offset=1, limit=2) == ["Ops_100%", "Émigrés"]

    def test_user_attributes_are_unknown_on_groups(self) -> None:
        with pytest.raises(InvalidFilter, match="unknown attribute 'userName'"):
            parse_filter('userName eq "x"', "Group")
