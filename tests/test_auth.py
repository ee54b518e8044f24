"""Sign-in for the UI and scripts: one-time links, session cookies, API keys, refusal after deactivation."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.actor import Actor
from app.auth import service as auth_service
from app.members import service as member_service
from app.members.profile import ContactValue, MemberProfile
from app.web_session import COOKIE
from tests.factories import SYSTEM, make_member, make_workspace, sign_in

VIEWER = {"query": "{ viewer { member { userName } } }"}
MEMBERS = {"query": "{ members { totalCount } }"}


async def viewer(client: httpx.AsyncClient, **headers: str) -> str | None:
    body = (await client.post("/graphql", json=VIEWER, headers=headers)).json()
    assert "errors" not in body, body
    return body["data"]["viewer"] and body["data"]["viewer"]["member"]["userName"]


async def issue(db, ws, email: str, valid_for: timedelta = timedelta(hours=1)) -> str:  # type: ignore[no-untyped-def]
    issued = await db.write(
        auth_service.issue_login_link, SYSTEM, workspace_id=ws.id, email=email, valid_for=valid_for
    )
    return issued.plaintext


async def api_key(db, ws, member) -> str:  # type: ignore[no-untyped-def]
    actor = Actor.member(ws.id, member.id, member.role)
    _key, plaintext = await db.write(auth_service.create_api_key, actor, name="script")
    return plaintext


class TestSignInLink:
    async def test_link_sets_session_cookie_and_redirects(self, client, db):
        ws = await make_workspace(db)
        assert await viewer(client) is None
        response = await client.get(f"/auth/link/{await issue(db, ws, 'owner@acme.test')}")
        assert response.status_code == 303 and response.headers["location"] == "/"
        set_cookie = response.headers["set-cookie"]
        assert set_cookie.startswith(f"{COOKIE}=") and "httponly" in set_cookie.lower()
        assert "samesite=lax" in set_cookie.lower()
        assert await viewer(client) == "owner@acme.test"

    async def test_link_by_secondary_email_case_insensitive(self, client, db):
        ws = await make_workspace(db)
        await make_member(db, ws, email="mia@acme.test")
        await sign_in(client, db, ws, "MIA@ACME.TEST")
        assert await viewer(client) == "mia@acme.test"

    async def test_used_link_page(self, app, client, db):
        ws = await make_workspace(db)
        link = await issue(db, ws, "owner@acme.test")
        assert (await client.get(f"/auth/link/{link}")).status_code == 303
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as other:
            response = await other.get(f"/auth/link/{link}")
        assert response.status_code == 410
        assert 'data-reason="used"' in response.text and "already been used" in response.text
        assert COOKIE not in response.headers.get("set-cookie", "")

    async def test_expired_link_page(self, client, db):
        ws = await make_workspace(db)
        link = await issue(db, ws, "owner@acme.test", valid_for=timedelta(seconds=-1))
        response = await client.get(f"/auth/link/{link}")
        assert response.status_code == 410 and 'data-reason="expired"' in response.text
        assert await viewer(client) is None

    @pytest.mark.parametrize("link", ["rst_link_unknown", "x", "%00", "a" * 3000])
    async def test_unknown_link_page(self, client, db, link):
        response = await client.get(f"/auth/link/{link}")
        assert response.status_code == 404 and 'data-reason="unknown"' in response.text
        assert "Traceback" not in response.text

    async def test_link_of_member_deactivated_since(self, client, db):
        ws = await make_workspace(db)
        mia = await make_member(db, ws, email="mia@acme.test")
        link = await issue(db, ws, "mia@acme.test")
        await db.write(
            member_service.set_member_active, SYSTEM, workspace_id=ws.id, member_id=mia.id, active=False
        )
        response = await client.get(f"/auth/link/{link}")
        assert response.status_code == 403 and 'data-reason="inactive"' in response.text
        assert await viewer(client) is None

    async def test_logout_ends_the_session(self, client, db):
        ws = await make_workspace(db)
        await sign_in(client, db, ws, "owner@acme.test")
        cookie = client.cookies[COOKIE]
        response = await client.post("/auth/logout")
        assert response.status_code == 303
        client.cookies.set(COOKIE, cookie)  # replaying the old cookie does not bring the session back
        assert await viewer(client) is None


class TestApiKey:
    async def test_x_api_key_header(self, client, db):
        ws = await make_workspace(db)
        mia = await make_member(db, ws, email="mia@acme.test")
        key = await api_key(db, ws, mia)
        assert await viewer(client, **{"X-API-Key": key}) == "mia@acme.test"
        assert await viewer(client, Authorization=f"Bearer {key}") == "mia@acme.test"
        assert client.cookies.get(COOKIE) is None

    async def test_unknown_and_revoked_keys(self, client, db):
        ws = await make_workspace(db)
        key = await api_key(db, ws, ws.owner)
        assert await viewer(client, **{"X-API-Key": key + "x"}) is None
        key_id = (await db.read(auth_service.list_api_keys, ws.owner_actor))[0].id
        await db.write(auth_service.revoke_api_key, ws.owner_actor, key_id=key_id)
        assert await viewer(client, **{"X-API-Key": key}) is None
        body = (await client.post("/graphql", json=MEMBERS, headers={"X-API-Key": key})).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


class TestDeactivationRefusesAtOnce:
    async def test_inactive_member_in_app(self, client, db):
        ws = await make_workspace(db)
        mia = await make_member(db, ws, email="mia@acme.test")
        key = await api_key(db, ws, mia)
        await sign_in(client, db, ws, "mia@acme.test")
        assert await viewer(client) == "mia@acme.test"
        await db.write(
            member_service.set_member_active, SYSTEM, workspace_id=ws.id, member_id=mia.id, active=False
        )
        assert await viewer(client) is None
        assert await viewer(client, **{"X-API-Key": key}) is None
        await db.write(
            member_service.set_member_active, SYSTEM, workspace_id=ws.id, member_id=mia.id, active=True
        )
        assert await viewer(client) == "mia@acme.test"  # reactivation restores the same session
        assert await viewer(client, **{"X-API-Key": key}) == "mia@acme.test"

    async def test_inactive_through_the_identity_provider(self, client, db):
        ws = await make_workspace(db)
        profile = MemberProfile(
            user_name="sam@acme.test", emails=(ContactValue("sam@acme.test", "work", True),)
        )
        sam = (
            await db.write(member_service.provision_member, SYSTEM, workspace_id=ws.id, profile=profile)
        ).member
        key = await api_key(db, ws, sam)
        await sign_in(client, db, ws, "sam@acme.test")
        assert await viewer(client) == "sam@acme.test"
        await db.write(
            member_service.update_member,
            SYSTEM,
            workspace_id=ws.id,
            member_id=sam.id,
            change=lambda p: p.but(active=False),
        )
        assert await viewer(client) is None
        assert await viewer(client, **{"X-API-Key": key}) is None

    async def test_removed_member(self, client, db):
        ws = await make_workspace(db)
        profile = MemberProfile(
            user_name="sam@acme.test", emails=(ContactValue("sam@acme.test", "work", True),)
        )
        sam = (
            await db.write(member_service.provision_member, SYSTEM, workspace_id=ws.id, profile=profile)
        ).member
        key = await api_key(db, ws, sam)
        await sign_in(client, db, ws, "sam@acme.test")
        await db.write(member_service.remove_member, SYSTEM, workspace_id=ws.id, member_id=sam.id)
        assert await viewer(client) is None
        assert await viewer(client, **{"X-API-Key": key}) is None
        body = (await client.post("/graphql", json=MEMBERS)).json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
