"""Property tests: random SCIM filters over a fixed population, SQL results against an in-memory oracle.

The oracle evaluates the generated expression tree itself (RFC 7644 §3.4.2.2 semantics, written here
independently of ``scim_facade.filters`` and the SQL compiler): case-insensitive comparisons of folded
values except for the case-exact ``externalId``, ``ne`` true on a missing value, multi-valued
comparisons true when some entry matches, a value path true when one entry satisfies all of it.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.actor import Actor
from app.db import Database
from app.members import service as member_service
from app.members.models import Member
from app.members.profile import ContactValue, MemberProfile
from app.members.search import search_members
from app.orm import fold
from scim_facade.filters import parse_filter, parse_sort
from tests.factories import make_workspace

SYSTEM = Actor.system()
# Python's fold and PostgreSQL's ICU lower agree on every character here (final sigma included).
ALPHABET = "aAbBzZåÅöÖéÉßﬁΣσ_%\\ "
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class Person:
    user_name: str
    external_id: str | None
    display_name: str | None
    given_name: str | None
    family_name: str | None
    title: str | None
    active: bool
    emails: list[dict[str, Any]]
    created: datetime
    id: UUID | None = field(default=None)

    def attribute(self, name: str) -> Any:
        return {
            "userName": self.user_name,
            "externalId": self.external_id,
            "displayName": self.display_name,
            "name.givenName": self.given_name,
            "name.familyName": self.family_name,
            "title": self.title,
            "active": self.active,
            "meta.created": self.created,
        }[name]


def _word(rng: random.Random, lo: int = 1, hi: int = 6) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(lo, hi)))


def _maybe(rng: random.Random, value: str) -> str | None:
    return value if rng.random() < 0.75 else None


def _population() -> list[Person]:
    rng = random.Random(20240601)
    people = []
    for i in range(30):
        emails = []
        for j in range(rng.randint(0, 3)):
            local = _word(rng).replace(" ", "").replace("\\", "") or "x"
            emails.append(
                {
                    "value": f"{local}{i}.{j}@{rng.choice(['x.com', 'Y.org', 'zé.net'])}",
                    "type": rng.choice(["work", "home", "Work", None]),
                    "primary": j == 0 and rng.random() < 0.7,
                }
            )
        people.append(
            Person(
                user_name=f"{_word(rng)}{i}",
                external_id=_maybe(rng, f"{rng.choice(['E', 'e', 'x'])}{_word(rng, 0, 3)}{i}"),
                display_name=_maybe(rng, _word(rng)),
                given_name=_maybe(rng, _word(rng)),
                family_name=_maybe(rng, _word(rng)),
                title=_maybe(rng, rng.choice(["Engineer", "engineer", "ÉNGINEER", _word(rng)])),
                active=rng.random() < 0.8,
                emails=emails,
                created=BASE_TIME + timedelta(days=i, minutes=rng.randint(0, 600)),
            )
        )
    return people


PEOPLE = _population()
STRING_ATTRS = ["userName", "displayName", "name.givenName", "name.familyName", "title", "externalId"]
CASE_EXACT = {"externalId"}


def _provision(session: Session, workspace_id: UUID, person: Person) -> UUID:
    profile = MemberProfile(
        user_name=person.user_name,
        external_id=person.external_id,
        display_name=person.display_name,
        given_name=person.given_name,
        family_name=person.family_name,
        title=person.title,
        active=person.active,
        emails=tuple(ContactValue(e["value"], e["type"], e["primary"]) for e in person.emails),
    )
    member = member_service.provision_member(
        session, SYSTEM, workspace_id=workspace_id, profile=profile
    ).member
    member.created_at = person.created
    return member.id


# -- the oracle ------------------------------------------------------------------------------------


def _string_match(op: str, actual: str | None, expected: str, case_exact: bool) -> bool:
    if op == "ne":
        return not _string_match("eq", actual, expected, case_exact)
    if actual is None:
        return False
    a, e = (actual, expected) if case_exact else (fold(actual), fold(expected))
    return {
        "eq": a == e,
        "co": e in a,
        "sw": a.startswith(e),
        "ew": a.endswith(e),
        "gt": a > e,
        "ge": a >= e,
        "lt": a < e,
        "le": a <= e,
    }[op]


def _ordered(op: str, actual: Any, expected: Any) -> bool:
    return {
        "eq": actual == expected,
        "ne": actual != expected,
        "gt": actual > expected,
        "ge": actual >= expected,
        "lt": actual < expected,
        "le": actual <= expected,
    }[op]


def _email_match(node: tuple[Any, ...], email: dict[str, Any]) -> bool:
    kind = node[0]
    if kind == "and":
        return all(_email_match(t, email) for t in node[1])
    if kind == "or":
        return any(_email_match(t, email) for t in node[1])
    if kind == "not":
        return not _email_match(node[1], email)
    if kind == "pr":
        return email[node[1]] not in (None, "")
    _, sub, op, value = node
    if sub == "primary":
        return _ordered(op, email["primary"], value)
    return _string_match(op, email[sub], value, case_exact=False)


def oracle(node: tuple[Any, ...], person: Person) -> bool:
    kind = node[0]
    if kind == "and":
        return all(oracle(t, person) for t in node[1])
    if kind == "or":
        return any(oracle(t, person) for t in node[1])
    if kind == "not":
        return not oracle(node[1], person)
    if kind == "emails":  # a value path, or a comparison on one sub-attribute of some e-mail
        return any(_email_match(node[1], e) for e in person.emails)
    if kind == "pr":
        if node[1] == "emails":
            return bool(person.emails)
        return person.attribute(node[1]) not in (None, "")
    _, attr, op, value = node
    actual = person.attribute(attr)
    if attr == "active":
        return _ordered(op, actual, value)
    if attr == "meta.created":
        moment = datetime.fromisoformat(value)
        return _ordered(op, actual, moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return _string_match(op, actual, value, case_exact=attr in CASE_EXACT)


# -- rendering -------------------------------------------------------------------------------------


def render(node: tuple[Any, ...], inside: bool = False) -> str:
    kind = node[0]
    if kind in ("and", "or"):
        return f" {kind} ".join(f"({render(t, inside)})" for t in node[1])
    if kind == "not":
        return f"not ({render(node[1], inside)})"
    if kind == "emails":
        sub = node[1]
        if sub[0] == "cmp" and sub[1] in ("value", "type"):
            return f"emails.{sub[1]} {sub[2]} {json.dumps(sub[3], ensure_ascii=False)}"
        return f"emails[{render(sub, inside=True)}]"
    if kind == "pr":
        return f"{node[1]} pr"
    _, attr, op, value = node
    literal = json.dumps(value, ensure_ascii=False) if not isinstance(value, bool) else str(value).lower()
    return f"{attr} {op} {literal}"


# -- strategies ------------------------------------------------------------------------------------

_text = st.text(alphabet=ALPHABET, min_size=0, max_size=3)
_known_strings = st.sampled_from(
    sorted({v for p in PEOPLE for v in (p.user_name, p.display_name, p.title, p.external_id) if v})
)
_string_value = st.one_of(
    _text, _known_strings, _known_strings.map(lambda s: s[:2]), _known_strings.map(str.upper)
)
_string_ops = st.sampled_from(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"])

_string_cmp = st.tuples(st.just("cmp"), st.sampled_from(STRING_ATTRS), _string_ops, _string_value)
_active_cmp = st.tuples(st.just("cmp"), st.just("active"), st.sampled_from(["eq", "ne"]), st.booleans())
_date_cmp = st.tuples(
    st.just("cmp"),
    st.just("meta.created"),
    st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]),
    st.one_of(
        st.integers(0, 31).map(lambda d: (BASE_TIME + timedelta(days=d, hours=5)).isoformat()),
        st.sampled_from(PEOPLE).map(lambda p: p.created.isoformat()),
    ),
)
_presence = st.tuples(st.just("pr"), st.sampled_from([*STRING_ATTRS, "emails"]))

_email_values = st.one_of(
    _text,
    st.sampled_from([e["value"] for p in PEOPLE for e in p.emails]),
    st.sampled_from(["@x.com", ".org"]),
)
_email_leaf = st.one_of(
    st.tuples(st.just("cmp"), st.just("value"), _string_ops, _email_values),
    st.tuples(st.just("cmp"), st.just("type"), _string_ops, st.sampled_from(["work", "WORK", "home", "o"])),
    st.tuples(st.just("cmp"), st.just("primary"), st.sampled_from(["eq", "ne"]), st.booleans()),
    st.tuples(st.just("pr"), st.sampled_from(["type", "value"])),
)
_email_filter = st.recursive(
    _email_leaf,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("not"), inner),
    ),
    max_leaves=4,
)
_leaf = st.one_of(_string_cmp, _active_cmp, _date_cmp, _presence, st.tuples(st.just("emails"), _email_filter))
filters = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        st.tuples(st.just("not"), inner),
    ),
    max_leaves=6,
)


# -- the tests -------------------------------------------------------------------------------------


@dataclass
class Built:
    db: Database
    workspace_id: UUID
    owner_id: UUID


_BUILT: list[Built] = []


@pytest.fixture
async def population(db: Database) -> AsyncIterator[None]:
    _BUILT.clear()
    yield
    _BUILT.clear()


async def _world(db: Database) -> Built:
    """The population, built once per test function (hypothesis reuses the function's fixtures)."""
    if _BUILT and _BUILT[0].db is db:
        return _BUILT[0]
    ws = await make_workspace(db, owner_email="owner@acme.test")
    for person in PEOPLE:
        person.id = await db.write(_provision, ws.id, person)
    _BUILT[:] = [Built(db, ws.id, ws.owner.id)]
    return _BUILT[0]


async def _search(built: Built, expr: str, **kw: Any) -> tuple[int, list[Member]]:
    return await built.db.read(
        search_members,
        SYSTEM,
        workspace_id=built.workspace_id,
        filter=parse_filter(expr, "User"),
        sort=kw.get("sort"),
        offset=kw.get("offset", 0),
        limit=kw.get("limit", 100),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(node=filters)
async def test_filters_agree_with_oracle(db: Database, population: None, node: tuple[Any, ...]) -> None:
    built = await _world(db)
    expr = render(node)
    total, members = await _search(built, expr)
    found = {m.id for m in members} - {built.owner_id}
    expected = {p.id for p in PEOPLE if oracle(node, p)}
    assert found == expected, expr
    assert total - (built.owner_id in {m.id for m in members}) == len(expected)


CURATED: list[tuple[Any, ...]] = [
    *[("cmp", attr, "ne", "Engineer") for attr in STRING_ATTRS],
    *[("not", ("cmp", attr, "eq", "engineer")) for attr in STRING_ATTRS],
    *[("not", ("pr", attr)) for attr in [*STRING_ATTRS, "emails"]],
    ("cmp", "title", "co", "%"),
    ("cmp", "title", "co", "_"),
    ("cmp", "title", "sw", "\\"),
    ("cmp", "externalId", "sw", "E"),
    ("cmp", "externalId", "sw", "e"),
    ("cmp", "externalId", "co", "Σ"),
    ("cmp", "displayName", "co", "σ"),
    ("cmp", "displayName", "ew", "ς"),
    ("cmp", "userName", "gt", "m"),
    ("cmp", "userName", "le", "ÅB"),
    ("emails", ("cmp", "type", "ne", "work")),
    ("emails", ("cmp", "value", "ew", "@x.com")),
    ("emails", ("and", [("cmp", "type", "eq", "WORK"), ("cmp", "primary", "eq", True)])),
    ("emails", ("not", ("pr", "type"))),
    ("not", ("emails", ("cmp", "type", "eq", "home"))),
    ("and", [("emails", ("cmp", "type", "eq", "work")), ("emails", ("cmp", "value", "co", ".org"))]),
    (
        "or",
        [
            ("cmp", "active", "eq", False),
            ("and", [("pr", "title"), ("cmp", "meta.created", "lt", "2024-01-10")]),
        ],
    ),
    ("cmp", "meta.created", "ge", PEOPLE[7].created.isoformat()),
]


async def test_curated_filters_agree_with_oracle(db: Database, population: None) -> None:
    built = await _world(db)
    for node in CURATED:
        expr = render(node)
        total, members = await _search(built, expr)
        found = {m.id for m in members} - {built.owner_id}
        assert found == {p.id for p in PEOPLE if oracle(node, p)}, expr


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    node=filters,
    sort_by=st.sampled_from(["userName", "meta.created", "externalId", "id"]),
    descending=st.booleans(),
    page=st.integers(1, 7),
)
async def test_pages_partition_the_result(
    db: Database, population: None, node: tuple[Any, ...], sort_by: str, descending: bool, page: int
) -> None:
    built = await _world(db)
    expr = render(node)
    sort = parse_sort(sort_by, "descending" if descending else "ascending", "User")
    total, everything = await _search(built, expr, sort=sort)
    seen: list[UUID] = []
    for offset in range(0, total + page, page):
        page_total, members = await _search(built, expr, sort=sort, offset=offset, limit=page)
        assert page_total == total
        seen.extend(m.id for m in members)
    assert seen == [m.id for m in everything]
    assert len(set(seen)) == total
    if sort_by == "userName":
        keys = [fold(m.user_name) for m in everything]
        assert keys == sorted(keys, reverse=descending)
