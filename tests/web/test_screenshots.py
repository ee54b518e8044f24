"""Seeds demo-like data and saves a screenshot of every page at 1280 px and 390 px wide, to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.enums import Plan
from tests.factories import make_workspace
from tests.web.conftest import ARTIFACTS, DESKTOP, PHONE
from tests.web.seed import seed_demo

pytestmark = pytest.mark.browser


def _shot(page: Page, width: str, name: str) -> None:
    page.locator("main[aria-busy='false']").wait_for()
    expect(page.locator("main .loading")).to_have_count(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{width}-{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_page(live, browsers, viewport) -> None:
    width = str(viewport["width"])
    demo = live.run(seed_demo(live.db))
    owner = browsers.signed_in_page(demo.ws, "owner@northwind.test", viewport)
    pages = [
        ("members", "/members"),
        ("members-deactivated", "/members?status=deactivated"),
        ("groups", "/groups"),
        ("group-app", f"/groups/{demo.app_group_id}"),
        ("group-idp", f"/groups/{demo.idp_group_id}"),
        ("scim", "/settings/scim"),
        ("activity", "/activity"),
        ("profile-owner", "/profile"),
    ]
    for name, path in pages:
        owner.goto(path)
        _shot(owner, width, name)

    owner.goto("/activity")
    owner.locator(".event summary").nth(1).click()
    _shot(owner, width, "activity-expanded")

    owner.goto("/settings/scim")
    owner.get_by_label("Token name").fill("Okta production")
    owner.get_by_role("button", name="Create token").click()
    expect(owner.get_by_test_id("new-token")).to_be_visible()
    owner.locator("details.idp-note").first.locator("summary").click()
    _shot(owner, width, "scim-new-token")
    owner.get_by_role("button", name="Turn off SCIM").click()
    expect(owner.locator("dialog")).to_be_visible()
    owner.screenshot(path=str(ARTIFACTS / f"{width}-scim-disable-dialog.png"))
    owner.get_by_role("button", name="Cancel").click()

    if viewport is PHONE:
        owner.goto("/members")
        owner.get_by_role("button", name="Menu").click()
        _shot(owner, width, "menu-open")

    member = browsers.signed_in_page(demo.ws, demo.member_email, viewport)
    _shot(member, width, "members-as-member")
    member.goto("/settings/scim")
    _shot(member, width, "scim-as-member")
    member.goto("/activity")
    _shot(member, width, "activity-as-member")

    idp_user = browsers.signed_in_page(demo.ws, demo.idp_email, viewport)
    idp_user.goto("/profile")
    _shot(idp_user, width, "profile-idp-member")

    pro = live.run(make_workspace(live.db, name="Small Pro Co", plan=Plan.PRO, owner_email="owner@pro.test"))
    pro_owner = browsers.signed_in_page(pro, "owner@pro.test", viewport)
    pro_owner.goto("/settings/scim")
    _shot(pro_owner, width, "scim-pro-plan")

    stranger = browsers.new_page(viewport)
    stranger.goto("/members")
    expect(stranger).to_have_url(f"{live.url}/sign-in")
    _shot(stranger, width, "sign-in")
    stranger.goto("/signed-out")
    _shot(stranger, width, "signed-out")
    assert browsers.console_errors == []
    # The refused-link page answers 404, which Chromium logs; it is rendered by the server.
    stranger.goto("/auth/link/not-a-real-link")
    stranger.screenshot(path=str(ARTIFACTS / f"{width}-link-refused.png"), full_page=True)
