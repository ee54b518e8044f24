"""The server side of the UI: the shell on every page path, static assets, and /auth/status."""

from __future__ import annotations

import httpx
import pytest

from app.members import service as member_service
from tests.factories import SYSTEM, make_member, make_workspace, sign_in

pytestmark = pytest.mark.browser

PAGES = ["/", "/members", "/groups", "/groups/abc", "/settings/scim", "/activity", "/profile", "/sign-in"]


@pytest.mark.parametrize("path", [*PAGES, "/signed-out"])
async def test_every_page_serves_the_shell(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/main.js">' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_assets_are_served_and_nothing_comes_from_elsewhere(client: httpx.AsyncClient) -> None:
    shell = (await client.get("/members")).text
    assert "//" not in shell.replace("http://www.w3.org", "")
    for asset in ("/static/app.css", "/static/js/main.js", "/static/js/pages/members.js"):
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert response.headers["cache-control"] == "no-cache"
    assert (await client.get("/static/missing.js")).status_code == 404


async def test_auth_status_tells_why(client: httpx.AsyncClient, db) -> None:  # type: ignore[no-untyped-def]
    assert (await client.get("/auth/status")).json() == {"signedIn": False, "reason": None, "detail": None}
    ws = await make_workspace(db)
    member = await make_member(db, ws, email="dee@acme.test")
    await sign_in(client, db, ws, "dee@acme.test")
    assert (await client.get("/auth/status")).json()["signedIn"] is True

    await db.write(
        member_service.update_member, SYSTEM, workspace_id=ws.id, member_id=member.id, change=_deactivate
    )
    status = (await client.get("/auth/status")).json()
    assert status["signedIn"] is False
    assert status["reason"] == "inactive"

    client.cookies.set("roster_session", "not-a-session")
    assert (await client.get("/auth/status")).json()["reason"] == "ended"


def _deactivate(profile):  # type: ignore[no-untyped-def]
    return profile.but(active=False)
