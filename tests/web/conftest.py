"""Browser tests: a real uvicorn server on a loopback port (its own thread and event loop) and headless
Debian Chromium driven by Playwright's sync API. Data is seeded through the services, on the server's
loop; SCIM requests go over real HTTP with httpx."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright

from app.auth import service as auth_service
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import BACKEND, _truncate_all
from tests.factories import SYSTEM, WorkspaceFixture

T = TypeVar("T")

CHROMIUM = os.environ.get("ROSTER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


class LiveServer:
    """Roster served by uvicorn on 127.0.0.1, with a handle to run coroutines on the server's loop."""

    def __init__(self, database_url: str) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.app = create_app(
            Settings(database_url=database_url, public_url=self.url, migrate_on_start=False)
        )
        self.db: Database = self.app.state.db
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="roster-live-server", daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._server.serve(sockets=[self._socket]))

    def start(self) -> None:
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                return
            if not self._thread.is_alive():
                raise RuntimeError("the test server stopped while starting")
            threading.Event().wait(0.02)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine (e.g. a factory from tests/factories.py) on the server's event loop."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    def sign_in_url(self, ws: WorkspaceFixture, email: str) -> str:
        """A fresh one-time sign-in link for the member with this e-mail."""

        async def issue() -> str:
            issued = await self.db.write(
                auth_service.issue_login_link,
                SYSTEM,
                workspace_id=ws.id,
                email=email,
                valid_for=timedelta(hours=1),
            )
            return issued.plaintext

        return f"{self.url}/auth/link/{self.run(issue())}"


@pytest.fixture
def live(database_url: str) -> Iterator[LiveServer]:
    """A fresh Roster on its own port and database."""
    server = LiveServer(database_url)
    server.start()
    if BACKEND == "postgresql":
        # Playwright's sync API owns the main thread's loop, so the reset runs on the server's loop.
        server.run(server.db.write(_truncate_all))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@dataclass
class Contexts:
    """Browser contexts opened by one test, closed (and screenshotted on failure) at its end."""

    browser: Browser
    live: LiveServer
    opened: list[BrowserContext] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def new_page(self, viewport: ViewportSize | None = None) -> Page:
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, base_url=self.live.url, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(10_000)
        self.opened.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.console_errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
            ),
        )
        return page

    def signed_in_page(self, ws: WorkspaceFixture, email: str, viewport: ViewportSize | None = None) -> Page:
        """A new browser context signed in as this member through a one-time link."""
        page = self.new_page(viewport)
        page.goto(self.live.sign_in_url(ws, email))
        page.wait_for_url(re.compile(r"/members$"))
        page.locator("main h1").wait_for()
        return page


@pytest.fixture
def browsers(browser: Browser, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    contexts = Contexts(browser, live)
    yield contexts
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        target = ARTIFACTS / "failures"
        target.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        for i, context in enumerate(contexts.opened):
            for j, page in enumerate(context.pages):
                # A screenshot must never hide the real failure.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(target / f"{name}-{i}-{j}.png"), full_page=True)
    for context in contexts.opened:
        context.close()
