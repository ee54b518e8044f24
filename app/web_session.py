"""HTTP side of sign-in: redeeming one-time links into a session cookie, signing out, and resolving the
actor of a UI or script request (session cookie or personal API key)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.actor import Actor
from app.auth import service as auth_service
from app.auth.service import LinkRefused
from app.db import Database
from app.errors import Unauthenticated

COOKIE = "roster_session"
API_KEY_HEADER = "x-api-key"

router = APIRouter(include_in_schema=False)


def _credential(request: Request) -> tuple[str, str] | None:
    key = request.headers.get(API_KEY_HEADER)
    if key:
        return "key", key
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return "key", authorization[7:].strip()
    cookie = request.cookies.get(COOKIE)
    return ("session", cookie) if cookie else None


async def resolve_actor(request: Request, db: Database) -> Actor | None:
    """The member behind the request, or None. Checked against the database on every request, so a
    deactivated member is refused at once (no cached sessions)."""
    credential = _credential(request)
    if credential is None:
        return None
    kind, secret = credential
    try:
        if kind == "key":
            return await db.read(auth_service.authenticate_api_key, key=secret)
        return await db.read(auth_service.authenticate_session, token=secret)
    except Unauthenticated:
        return None


async def authentication_failure(request: Request, db: Database) -> str | None:
    """Why the presented credential was refused (None when there was none or it is fine)."""
    credential = _credential(request)
    if credential is None:
        return None
    kind, secret = credential
    try:
        if kind == "key":
            await db.read(auth_service.authenticate_api_key, key=secret)
        else:
            await db.read(auth_service.authenticate_session, token=secret)
    except Unauthenticated as exc:
        return exc.detail
    return None


@router.get("/auth/link/{link}")
async def redeem_link(request: Request, link: str) -> Response:
    db: Database = request.app.state.db
    settings = request.app.state.settings
    try:
        issued = await db.write(
            auth_service.redeem_login_link, link=link, session_ttl=timedelta(days=settings.session_days)
        )
    except LinkRefused as exc:
        return _refused_page(exc)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        issued.plaintext,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@router.post("/auth/logout")
async def logout(request: Request) -> Response:
    cookie = request.cookies.get(COOKIE)
    if cookie:
        await request.app.state.db.write(auth_service.sign_out, token=cookie)
    response = RedirectResponse("/signed-out", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _refused_page(exc: LinkRefused) -> HTMLResponse:
    titles = {
        "unknown": "This sign-in link is not valid",
        "used": "This sign-in link has already been used",
        "expired": "This sign-in link has expired",
        "inactive": "Your membership is deactivated",
    }
    title = titles[exc.reason]
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} · Roster</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/app.css"></head>'
        f'<body class="signin"><main class="card" data-reason="{exc.reason}"><h1>{title}</h1>'
        f"<p>{exc.detail}.</p><p>Ask a workspace owner or admin for a new sign-in link.</p>"
        "</main></body></html>"
    )
    return HTMLResponse(
        body, status_code=403 if exc.reason == "inactive" else 410 if exc.reason != "unknown" else 404
    )
