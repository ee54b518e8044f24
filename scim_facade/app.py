"""Mounts the SCIM 2.0 facade under /scim/v2/{key}: a sub-application, so that its 404 and 405 answers
(and every other failure) are SCIM Errors in application/scim+json without touching the rest of the app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from scim_facade import bulk, discovery, groups, users
from scim_facade.errors import ScimError
from scim_facade.http import error_response


def create_scim_app(parent: FastAPI) -> FastAPI:
    scim = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    scim.state.db = parent.state.db
    scim.state.settings = parent.state.settings
    for module in (users, groups, bulk, discovery):
        scim.include_router(module.router)

    @scim.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            detail = f"{request.method} is not supported on {request.url.path}"
        elif exc.status_code == 404:
            detail = f"no SCIM endpoint at {request.url.path}"
        else:
            detail = str(exc.detail)
        response = error_response(ScimError(exc.status_code, detail))
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response

    return scim


def mount(app: FastAPI) -> None:
    app.mount("/scim/v2", create_scim_app(app))
