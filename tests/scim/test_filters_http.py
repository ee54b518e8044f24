"""Filters over HTTP: IdP lookups find the right resource; a bad filter is a 400, never an unfiltered list."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from app.db import Database
from tests.factories import make_workspace
from tests.scim.helpers import ENTERPRISE, USER, Scim, assert_error

SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


@pytest.fixture
async def scim(client: httpx.AsyncClient, db: Database) -> Scim:
    ws = await make_workspace(db, scim=True)
    scim = Scim(client, ws)
    await scim.create_user(
        "Ada.Lovelace@x.com",
        externalId="00u-ada",
        name={"givenName": "Ada", "familyName": "Lovelace"},
        displayName="Ada Lovelace",
        emails=[{"value": "ada@x.com", "type": "work", "primary": True}],
        **{"schemas": [USER, ENTERPRISE], ENTERPRISE: {"department": "R&D"}},
    )
    await scim.create_user(
        "åsa@x.com",
        externalId="00u-asa",
        displayName="Åsa",
        emails=[{"value": "asa@home.org", "type": "home", "primary": True}],
    )
    return scim


async def _list(scim: Scim, resource: str, **params: str) -> dict[str, Any]:
    response = await scim.client.get(f"{scim.ws.scim_base}/{resource}", params=params, headers=scim.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totalResults"] == len(body.get("Resources", [])) or "count" in params
    return body


def _names(body: dict[str, Any]) -> list[str]:
    return [r.get("userName") or r.get("displayName") for r in body.get("Resources", [])]


class TestLookups:
    async def test_okta_user_name_lookup_is_case_insensitive(self, scim: Scim) -> None:
        body = await _list(
            scim, "Users", filter='userName eq "ADA.LOVELACE@X.COM"', startIndex="1", count="100"
        )
        assert body["totalResults"] == 1
        assert _names(body) == ["Ada.Lovelace@x.com"]

    async def test_non_ascii_user_name(self, scim: Scim) -> None:
        body = await _list(scim, "Users", filter='userName eq "ÅSA@X.COM"')
        assert _names(body) == ["åsa@x.com"]

    async def test_absent_user_is_an_empty_list(self, scim: Scim) -> None:
        # Entra's "test connection" looks up a random GUID.
        body = await _list(scim, "Users", filter=f'userName eq "{uuid.uuid4()}"')
        assert body["totalResults"] == 0
        assert body.get("Resources", []) == []

    async def test_entra_unquoted_value(self, scim: Scim) -> None:
        body = await _list(scim, "Users", filter="userName eq ada.lovelace@x.com")
        assert _names(body) == ["Ada.Lovelace@x.com"]

    async def test_entra_external_id_and_work_email(self, scim: Scim) -> None:
        assert _names(await _list(scim, "Users", filter='externalId eq "00u-asa"')) == ["åsa@x.com"]
        assert _names(await _list(scim, "Users", filter='externalId eq "00U-ASA"')) == []
        body = await _list(scim, "Users", filter='emails[type eq "work"].value eq "ADA@x.com"')
        assert _names(body) == ["Ada.Lovelace@x.com"]

    async def test_enterprise_and_logic(self, scim: Scim) -> None:
        expr = f'{ENTERPRISE}:department eq "r&d" or displayName sw "å"'
        assert sorted(_names(await _list(scim, "Users", filter=expr))) == ["Ada.Lovelace@x.com", "åsa@x.com"]
        expr = 'not (emails[type eq "work"]) and userName ew "@x.com"'
        assert _names(await _list(scim, "Users", filter=expr)) == ["åsa@x.com"]

    async def test_group_lookup_by_display_name(self, scim: Scim) -> None:
        ada = (await _list(scim, "Users", filter='userName eq "ada.lovelace@x.com"'))["Resources"][0]["id"]
        await scim.create_group("Sales Team", members=[ada])
        await scim.create_group("Support")
        body = await _list(scim, "Groups", filter='displayName eq "sales team"', excludedAttributes="members")
        assert _names(body) == ["Sales Team"]
        body = await _list(scim, "Groups", filter=f'members.value eq "{ada}"')
        assert _names(body) == ["Sales Team"]

    async def test_search_endpoint_with_sort(self, scim: Scim) -> None:
        body = {
            "schemas": [SEARCH],
            "filter": 'userName ew "x.com"',
            "sortBy": "userName",
            "sortOrder": "descending",
        }
        response = await scim.post("/Users/.search", body)
        assert response.status_code == 200, response.text
        assert _names(response.json()) == ["åsa@x.com", "Ada.Lovelace@x.com"]

    async def test_count_only(self, scim: Scim) -> None:
        body = await _list(scim, "Users", filter='userName ew "x.com"', count="0")
        assert body["totalResults"] == 2
        assert body.get("Resources", []) == []


BAD_FILTERS = [
    "userName eq",
    'userName xx "a"',
    'userName eq "a" and',
    'emails[type eq "work"',
    '(userName eq "a"',
    'foo eq "x"',
    'name eq "Ada"',
    'name.nickName eq "x"',
    'meta.created gt "yesterday"',
    'active eq "maybe"',
    "active gt true",
    'id sw "1"',
    "title gt null",
    'urn:example:unknown:1.0:User:foo eq "x"',
    'name[givenName eq "Ada"]',
    'emails[foo eq "x"]',
    "displayName eq Ada Lovelace",
    "x" * 5000,
    "not (" * 60 + 'userName eq "a"' + ")" * 60,
]


class TestBadFilters:
    @pytest.mark.parametrize("expr", BAD_FILTERS)
    async def test_users_bad_filter_is_400_invalid_filter(self, scim: Scim, expr: str) -> None:
        response = await scim.client.get(
            f"{scim.ws.scim_base}/Users", params={"filter": expr}, headers=scim.headers
        )
        assert_error(response, 400, "invalidFilter")
        assert "Resources" not in response.json()

    async def test_search_endpoint_bad_filter(self, scim: Scim) -> None:
        response = await scim.post("/Users/.search", {"schemas": [SEARCH], "filter": 'userName eq "a" or'})
        assert_error(response, 400, "invalidFilter")

    async def test_group_filter_on_user_attribute(self, scim: Scim) -> None:
        response = await scim.client.get(
            f"{scim.ws.scim_base}/Groups", params={"filter": 'userName eq "a"'}, headers=scim.headers
        )
        body = assert_error(response, 400, "invalidFilter")
        assert "userName" in body["detail"]

    async def test_unknown_attribute_is_named(self, scim: Scim) -> None:
        response = await scim.client.get(
            f"{scim.ws.scim_base}/Users", params={"filter": 'favouriteColour eq "blue"'}, headers=scim.headers
        )
        body = assert_error(response, 400, "invalidFilter")
        assert "favouriteColour" in body["detail"]

    async def test_unknown_sort_attribute_is_invalid_value(self, scim: Scim) -> None:
        response = await scim.client.get(
            f"{scim.ws.scim_base}/Users", params={"sortBy": "password"}, headers=scim.headers
        )
        assert_error(response, 400, "invalidValue")
