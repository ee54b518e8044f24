"""Mounts the web UI: static assets at /static, the single-page app shell for every UI route, and a tiny
/auth/status route that tells the sign-in page why a credential was refused."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from app.web_session import authentication_failure, resolve_actor

STATIC = Path(__file__).parent / "static"
SHELL = STATIC / "index.html"

# Every UI page is rendered in the browser from the same shell; the server only needs to know the paths.
PAGES = (
    "/",
    "/members",
    "/groups",
    "/groups/{group_id}",
    "/settings/scim",
    "/activity",
    "/profile",
    "/sign-in",
    "/signed-out",
)

# No asset comes from elsewhere, so the policy can be strict: no inline script, no third-party origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


class _StaticAssets:
    """StaticFiles with revalidation on every load, so a deploy never mixes old and new modules."""

    def __init__(self, directory: Path) -> None:
        self._files = StaticFiles(directory=directory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"cache-control", b"no-cache"))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self._files(scope, receive, send_with_headers)


async def _shell() -> FileResponse:
    return FileResponse(SHELL, media_type="text/html", headers=SECURITY_HEADERS)


async def _status(request: Request) -> JSONResponse:
    """Whether the browser is signed in and, when its credential was refused, why."""
    db = request.app.state.db
    actor = await resolve_actor(request, db)
    detail = None if actor is not None else await authentication_failure(request, db)
    reason = None
    if detail is not None:
        reason = "inactive" if "deactivated" in detail else "ended"
    return JSONResponse(
        {"signedIn": actor is not None, "reason": reason, "detail": detail},
        headers={"Cache-Control": "no-store"},
    )


def mount(app: FastAPI) -> None:
    """Serve the UI from this process: assets, the app shell for each page, and /auth/status."""
    app.mount("/static", _StaticAssets(STATIC), name="static")
    app.add_api_route("/auth/status", _status, methods=["GET"], include_in_schema=False)
    for path in PAGES:
        app.add_api_route(path, _shell, methods=["GET"], include_in_schema=False)
