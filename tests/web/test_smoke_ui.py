"""The shell loads in Chromium: sign-in page for strangers, members page after a sign-in link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_workspace

pytestmark = pytest.mark.browser


def test_stranger_sees_sign_in(live, browsers) -> None:
    page = browsers.new_page()
    page.goto("/members")
    expect(page).to_have_url(f"{live.url}/sign-in")
    expect(page.locator("h1")).to_have_text("Sign in to Roster")
    expect(page.get_by_text("Ask an owner for a sign-in link")).to_be_visible()


def test_owner_signs_in(live, browsers) -> None:
    ws = live.run(make_workspace(live.db))
    page = browsers.signed_in_page(ws, "owner@acme.test")
    expect(page.locator("main h1")).to_have_text("Members")
    expect(page.locator("tr[data-user-name='owner@acme.test']")).to_be_visible()
    assert browsers.console_errors == []
