"""The server side of the UI over real HTTP: the shell on every page path, static assets, /auth/status.

Sync tests on the live server: once Playwright's sync API runs in a worker, it owns the main thread's
event loop, so async tests cannot share the process with the browser tests."""

from __future__ import annotations

import httpx
import pytest

from app.members import service as member_service
from app.members.profile import MemberProfile
from tests.factories import SYSTEM, make_member, make_workspace
from tests.web.conftest import LiveServer

pytestmark = pytest.mark.browser

PAGES = ["/", "/members", "/groups", "/groups/abc", "/settings/scim", "/activity", "/profile", "/sign-in"]


def _deactivate(profile: MemberProfile) -> MemberProfile:
    return profile.but(active=False)


def test_every_page_serves_the_shell(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as client:
        for path in [*PAGES, "/signed-out"]:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-type"].startswith("text/html")
            assert '<script type="module" src="/static/js/main.js">' in response.text
            assert "script-src 'self'" in response.headers["content-security-policy"]


def test_assets_are_served_and_nothing_comes_from_elsewhere(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as client:
        shell = client.get("/members").text
        assert "//" not in shell
        for asset in ("/static/app.css", "/static/js/main.js", "/static/js/pages/members.js"):
            response = client.get(asset)
            assert response.status_code == 200, asset
            assert response.headers["cache-control"] == "no-cache"
        assert client.get("/static/missing.js").status_code == 404


def test_auth_status_tells_why(live: LiveServer) -> None:
    ws = live.run(make_workspace(live.db))
    member = live.run(make_member(live.db, ws, email="dee@acme.test"))
    with httpx.Client(base_url=live.url) as client:
        assert client.get("/auth/status").json() == {"signedIn": False, "reason": None, "detail": None}
        assert client.get(live.sign_in_url(ws, "dee@acme.test")).status_code == 303
        assert client.get("/auth/status").json()["signedIn"] is True

        live.run(
            live.db.write(
                member_service.update_member,
                SYSTEM,
                workspace_id=ws.id,
                member_id=member.id,
                change=_deactivate,
            )
        )
        status = client.get("/auth/status").json()
        assert status == {
            "signedIn": False,
            "reason": "inactive",
            "detail": "your membership of this workspace is deactivated",
        }

    with httpx.Client(base_url=live.url, cookies={"roster_session": "not-a-session"}) as stranger:
        assert stranger.get("/auth/status").json()["reason"] == "ended"
