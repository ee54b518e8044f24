"""End-to-end: an owner sets up SCIM in the browser, an identity provider provisions over real HTTP, and
the pages show it (managed badges, deactivation, the member-owned timezone, the activity log)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app.enums import Plan, Role
from tests.factories import WorkspaceFixture, make_member, make_workspace
from tests.web.conftest import Contexts, LiveServer
from tests.web.scim_http import ScimHttp

pytestmark = pytest.mark.browser

MANAGED = "Managed by your identity provider"


def enable_scim_in_page(page: Page) -> tuple[str, str]:
    """Turn SCIM on from the settings page; return (base URL, token) as the page shows them."""
    page.get_by_role("link", name="SCIM settings").click()
    expect(page.locator("main h1")).to_have_text("SCIM provisioning")
    expect(page.locator(".scim-state")).to_contain_text("off")
    page.get_by_role("button", name="Turn on SCIM").click()
    token_input = page.get_by_test_id("new-token")
    expect(token_input).to_be_visible()
    expect(page.locator(".secret .warning")).to_contain_text("It is shown only once")
    base = page.get_by_test_id("scim-base-url").input_value()
    return base, token_input.input_value()


def member_row(page: Page, user_name: str):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-user-name='{user_name}']")


@pytest.fixture
def scim_ws(live: LiveServer) -> Iterator[tuple[WorkspaceFixture, ScimHttp]]:
    """An Enterprise workspace with SCIM on (through the services) and an IdP client for it."""
    ws = live.run(make_workspace(live.db, scim=True))
    assert ws.scim_token
    client = ScimHttp(f"{live.url}{ws.scim_base}", ws.scim_token)
    yield ws, client
    client.close()


class TestScimSetup:
    def test_owner_enables_scim_and_reads_credentials(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        base, token = enable_scim_in_page(page)

        assert base == f"{live.url}/scim/v2/{ws.workspace.scim_key}"
        assert token
        expect(page.locator(".scim-state")).to_contain_text("on")
        expect(page.locator("tr[data-state='active']")).to_have_count(1)
        idp = ScimHttp(base, token)
        try:
            assert idp.list_users().status_code == 200
        finally:
            idp.close()

        # A second token for rotation is shown once too; after a reload only its prefix remains.
        page.get_by_label("Token name").fill("Rotation")
        page.get_by_role("button", name="Create token").click()
        expect(page.locator("#scim-secret-h")).to_contain_text("Rotation")
        second = page.get_by_test_id("new-token").input_value()
        assert second and second != token
        expect(page.locator("tr[data-state='active']")).to_have_count(2)
        page.reload()
        expect(page.locator("tr[data-state='active']")).to_have_count(2)
        expect(page.get_by_test_id("new-token")).to_have_count(0)
        assert token not in page.content() and second not in page.content()
        assert browsers.console_errors == []

    def test_disabling_asks_first_and_revokes_every_token(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        base, token = enable_scim_in_page(page)

        page.get_by_role("button", name="Turn off SCIM").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("revoked at once")
        expect(dialog).to_contain_text("can no longer create, update or deactivate")
        expect(dialog).to_contain_text("stay in the workspace")
        dialog.get_by_role("button", name="Cancel").click()
        expect(page.locator(".scim-state")).to_contain_text("on")

        page.get_by_role("button", name="Turn off SCIM").click()
        page.get_by_role("dialog").get_by_role("button", name="Turn off SCIM").click()
        expect(page.locator(".scim-state")).to_contain_text("off")
        expect(page.locator("tr[data-state='revoked']")).to_have_count(1)
        idp = ScimHttp(base, token)
        try:
            assert idp.list_users().status_code == 401
        finally:
            idp.close()

    def test_revoking_one_token_keeps_the_other(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        base, first = enable_scim_in_page(page)
        page.get_by_label("Token name").fill("Rotation")
        page.get_by_role("button", name="Create token").click()
        expect(page.locator("#scim-secret-h")).to_contain_text("Rotation")
        second = page.get_by_test_id("new-token").input_value()

        first_row = page.locator("tr", has_text="Identity provider")
        first_row.get_by_role("button", name=re.compile("Revoke")).click()
        page.get_by_role("dialog").get_by_role("button", name="Revoke token").click()
        expect(page.locator("tr[data-state='revoked']")).to_have_count(1)
        old, new = ScimHttp(base, first), ScimHttp(base, second)
        try:
            assert old.list_users().status_code == 401
            assert new.list_users().status_code == 200
        finally:
            old.close()
            new.close()


class TestProvisionedData:
    def test_idp_users_and_group_show_as_managed(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        base, token = enable_scim_in_page(page)
        idp = ScimHttp(base, token)
        try:
            ada = idp.create_user("ada@acme.test", "Ada", "Lovelace")
            alan = idp.create_user("alan@acme.test", "Alan", "Turing")
            idp.create_group("Engineering", [ada["id"], alan["id"]])
        finally:
            idp.close()

        page.get_by_role("link", name="Members").click()
        row = member_row(page, "ada@acme.test")
        expect(row).to_contain_text("Ada Lovelace")
        expect(row.locator(".badge.managed")).to_be_visible()
        expect(row).to_contain_text("Engineering")
        expect(row).to_contain_text(MANAGED)
        expect(row.get_by_role("button")).to_have_count(0)
        owner_row = member_row(page, "owner@acme.test")
        expect(owner_row.locator(".badge.managed")).to_have_count(0)
        expect(owner_row.get_by_role("button", name=re.compile("Deactivate"))).to_be_visible()

        page.get_by_role("link", name="Groups").click()
        group_row = page.locator("tr[data-group-name='Engineering']")
        expect(group_row).to_contain_text("2")
        expect(group_row.locator(".badge.managed")).to_be_visible()
        group_row.get_by_role("link", name="Engineering").click()
        expect(page.locator("main h1")).to_have_text("Engineering")
        expect(page.locator(".notice")).to_contain_text(MANAGED)
        expect(page.get_by_role("button", name="Rename")).to_have_count(0)
        expect(page.get_by_role("button", name="Delete group")).to_have_count(0)
        expect(member_row(page, "alan@acme.test")).to_contain_text("Alan Turing")
        assert browsers.console_errors == []

    def test_deactivation_shows_and_ends_the_members_session(
        self, live: LiveServer, browsers: Contexts, scim_ws: tuple[WorkspaceFixture, ScimHttp]
    ) -> None:
        ws, idp = scim_ws
        grace = idp.create_user("grace@acme.test", "Grace", "Hopper")
        owner = browsers.signed_in_page(ws, "owner@acme.test")
        member = browsers.signed_in_page(ws, "grace@acme.test")
        expect(member_row(owner, "grace@acme.test").locator(".badge.status")).to_have_text("Active")

        idp.patch_user(grace["id"], [{"op": "replace", "path": "active", "value": False}])

        owner.get_by_role("link", name="Groups").click()
        owner.get_by_role("link", name="Members").click()
        expect(member_row(owner, "grace@acme.test").locator(".badge.status")).to_have_text("Deactivated")
        owner.get_by_label("Status").select_option("deactivated")
        expect(owner.locator("tbody tr")).to_have_count(1)
        expect(member_row(owner, "grace@acme.test")).to_be_visible()

        member.get_by_role("link", name="My profile").click()
        expect(member).to_have_url(f"{live.url}/sign-in")
        expect(member.locator("main h1")).to_have_text("Your membership is deactivated")
        expect(member.locator("#topbar")).to_be_hidden()

    def test_member_owned_timezone_survives_idp_updates(
        self, live: LiveServer, browsers: Contexts, scim_ws: tuple[WorkspaceFixture, ScimHttp]
    ) -> None:
        ws, idp = scim_ws
        kat = idp.create_user("kat@acme.test", "Katherine", "Johnson", timezone="America/New_York")
        page = browsers.signed_in_page(ws, "kat@acme.test")
        page.get_by_role("link", name="My profile").click()
        expect(page.locator(".tz-value")).to_have_text("America/New_York")
        expect(page.locator(".tz-source")).to_contain_text("came from your identity provider")
        expect(page.locator(".tz-source")).to_contain_text("no longer changes it")

        tz = page.get_by_label("Your timezone")
        tz.fill("Mars/Olympus_Mons")
        page.get_by_role("button", name="Save timezone").click()
        expect(page.locator(".field-error")).to_contain_text("is not a timezone name")
        expect(page.locator(".tz-value")).to_have_text("America/New_York")

        tz.fill("Asia/Tokyo")
        page.get_by_role("button", name="Save timezone").click()
        expect(page.locator(".tz-value")).to_have_text("Asia/Tokyo")
        expect(page.locator(".tz-source")).to_contain_text("You set this timezone")

        idp.patch_user(kat["id"], [{"op": "replace", "path": "timezone", "value": "Europe/Paris"}])
        page.get_by_role("link", name="Members").click()
        expect(member_row(page, "kat@acme.test")).to_contain_text("Asia/Tokyo")
        page.get_by_role("link", name="My profile").click()
        expect(page.locator(".tz-value")).to_have_text("Asia/Tokyo")
        expect(page.locator(".tz-source")).to_contain_text("You set this timezone")
        expect(page.locator(".tz-source")).to_contain_text("It last sent Europe/Paris")


class TestPermissions:
    def test_non_owners_cannot_use_scim_settings(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        live.run(make_member(live.db, ws, email="admin@acme.test", name="Ann Admin", role=Role.ADMIN))
        live.run(make_member(live.db, ws, email="mo@acme.test", name="Mo Member"))

        admin = browsers.signed_in_page(ws, "admin@acme.test")
        admin.get_by_role("link", name="SCIM settings").click()
        expect(admin.locator(".notice")).to_contain_text("Only workspace owners can manage SCIM provisioning")
        expect(admin.get_by_role("button", name="Turn on SCIM")).to_have_count(0)
        expect(admin.get_by_test_id("scim-base-url")).to_have_count(0)

        member = browsers.signed_in_page(ws, "mo@acme.test")
        expect(member.get_by_role("link", name="SCIM settings")).to_have_count(0)
        expect(member.get_by_role("link", name="Provisioning activity")).to_have_count(0)
        member.goto("/settings/scim")
        expect(member.locator(".notice")).to_contain_text("Only workspace owners")
        expect(member.get_by_role("button", name="Turn on SCIM")).to_have_count(0)
        member.goto("/activity")
        expect(member.locator(".notice")).to_contain_text("Only owners and admins")

    def test_pro_owner_sees_the_plan_requirement(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db, plan=Plan.PRO, owner_email="boss@pro.test"))
        page = browsers.signed_in_page(ws, "boss@pro.test")
        page.get_by_role("link", name="SCIM settings").click()
        expect(page.locator(".notice.plan")).to_contain_text("needs the Enterprise plan")
        expect(page.locator(".notice.plan")).to_contain_text("Pro plan")
        expect(page.get_by_role("button", name="Turn on SCIM")).to_have_count(0)


class TestActivity:
    def test_activity_lists_requests_with_outcomes(
        self, live: LiveServer, browsers: Contexts, scim_ws: tuple[WorkspaceFixture, ScimHttp]
    ) -> None:
        ws, idp = scim_ws
        user = idp.create_user("linus@acme.test", "Linus", "Torvalds")
        idp.create_user("linus@acme.test", "Linus", "Torvalds", expect=409)
        idp.patch_user(user["id"], [{"op": "replace", "path": "active", "value": False}])
        idp.create_group("Kernel", [user["id"]])

        page = browsers.signed_in_page(ws, "owner@acme.test")
        page.get_by_role("link", name="Provisioning activity").click()
        events = page.locator("li.event")
        expect(events).to_have_count(4)
        # Newest first: the group, then the deactivation, the refused duplicate and the creation.
        expect(events.nth(0)).to_contain_text("Kernel")
        expect(events.nth(0)).to_contain_text("Succeeded")
        expect(events.nth(2)).to_contain_text("Failed")
        expect(events.nth(2)).to_contain_text("409")
        expect(events.nth(3)).to_contain_text("linus@acme.test")
        expect(events.nth(0)).to_contain_text("Okta")

        events.nth(2).locator("summary").click()
        expect(events.nth(2).locator(".event-body")).to_be_visible()
        expect(events.nth(2).locator(".event-body")).to_contain_text("POST")

        page.get_by_label("Outcome").select_option("failure")
        expect(events).to_have_count(1)
        expect(events.first).to_contain_text("Failed")
        page.get_by_label("Outcome").select_option("")
        page.get_by_label("Resource").select_option("Group")
        expect(events).to_have_count(1)
        expect(events.first).to_contain_text("Kernel")
        events.first.locator("summary").click()
        expect(events.first.locator(".event-body")).to_contain_text("Applied")
        assert browsers.console_errors == []


class TestAppAdministration:
    def test_admin_invites_changes_role_and_deactivates(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        page.get_by_text("Invite a member").click()
        page.get_by_label("E-mail", exact=True).fill("newbie@acme.test")
        page.get_by_label("Name (optional)").fill("Nia Newbie")
        page.get_by_role("button", name="Invite", exact=True).click()
        row = member_row(page, "newbie@acme.test")
        expect(row).to_contain_text("Nia Newbie")
        expect(row.locator(".badge.managed")).to_have_count(0)

        # The same e-mail again: the error is shown next to the e-mail field, in plain words.
        page.get_by_label("E-mail", exact=True).fill("newbie@acme.test")
        page.get_by_role("button", name="Invite", exact=True).click()
        expect(page.locator(".invite .field-error:not([hidden])")).to_contain_text("already taken")

        row.get_by_label("Role for Nia Newbie").select_option("ADMIN")
        row.get_by_role("button", name="Change role").click()
        expect(member_row(page, "newbie@acme.test")).to_contain_text("Admin")

        member_row(page, "newbie@acme.test").get_by_role("button", name=re.compile("Deactivate")).click()
        page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
        row = member_row(page, "newbie@acme.test")
        expect(row.locator(".badge.status")).to_have_text("Deactivated")
        row.get_by_role("button", name=re.compile("Reactivate")).click()
        expect(member_row(page, "newbie@acme.test").locator(".badge.status")).to_have_text("Active")

        # The last owner cannot be demoted: the reason appears in that row.
        owner = member_row(page, "owner@acme.test")
        owner.get_by_label("Role for Olive Owner").select_option("MEMBER")
        owner.get_by_role("button", name="Change role").click()
        expect(owner.locator(".row-error")).to_contain_text("last active owner")

    def test_admin_manages_an_app_group(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        live.run(make_member(live.db, ws, email="sam@acme.test", name="Sam Support"))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        page.get_by_role("link", name="Groups").click()
        page.get_by_text("Create a group").click()
        page.get_by_label("Group name").fill("Support rota")
        page.get_by_role("button", name="Create group").click()
        expect(page.locator("main h1")).to_have_text("Support rota")

        page.get_by_label("Find members to add").fill("sam")
        page.get_by_role("button", name="Find").click()
        match = page.locator(".match-list li", has_text="Sam Support")
        match.get_by_role("button", name=re.compile("Add")).click()
        expect(member_row(page, "sam@acme.test")).to_be_visible()
        expect(page.locator(".meta")).to_contain_text("1 member")

        page.get_by_label("Group name").fill("Weekend support")
        page.get_by_role("button", name="Rename").click()
        expect(page.locator("main h1")).to_have_text("Weekend support")

        member_row(page, "sam@acme.test").get_by_role("button", name=re.compile("Remove")).click()
        expect(page.locator(".empty")).to_contain_text("no members")

        page.get_by_role("button", name="Delete group").click()
        page.get_by_role("dialog").get_by_role("button", name="Delete group").click()
        expect(page).to_have_url(f"{live.url}/groups")
        expect(page.locator(".empty")).to_contain_text("No groups yet")


class TestAccessibility:
    def test_keyboard_reaches_skip_link_and_navigation(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('main') !== null")
        assert focused
        for control in page.locator("main input, main select").all():
            control_id = control.get_attribute("id")
            assert control_id and page.locator(f"label[for='{control_id}']").count() == 1
        expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")

    def test_phone_width_menu(self, live: LiveServer, browsers: Contexts) -> None:
        ws = live.run(make_workspace(live.db))
        page = browsers.signed_in_page(ws, "owner@acme.test", {"width": 390, "height": 844})
        nav_link = page.get_by_role("link", name="Groups")
        expect(nav_link).to_be_hidden()
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        nav_link.click()
        expect(page.locator("main h1")).to_have_text("Groups")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
