"""HTTP plumbing of the SCIM edge: responses, body parsing, ETags and the route class that turns every
failure into a SCIM Error (and records rejected requests in the provisioning log)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import Response

from scim_facade.context import settle_authentication
from scim_facade.errors import ScimError, error_body, invalid_syntax, translate

SCIM_MEDIA_TYPE = "application/scim+json"
log = logging.getLogger("roster.scim")


class ScimResponse(Response):
    """A JSON body serialised with orjson, as application/scim+json."""

    media_type = SCIM_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def scim_response(
    body: dict[str, Any], status: int = 200, *, version: int | None = None, location: str | None = None
) -> Response:
    headers: dict[str, str] = {}
    if version is not None:
        headers["ETag"] = etag(version)
    if location is not None:
        headers["Location"] = location
    return ScimResponse(body, status_code=status, headers=headers)


def error_response(error: ScimError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="SCIM"'} if error.status == 401 else None
    return ScimResponse(error_body(error), status_code=error.status, headers=headers)


def etag(version: int) -> str:
    return f'W/"{version}"'


def parse_etags(header: str | None) -> list[str] | None:
    """The entity tags of an If-Match / If-None-Match header (``["*"]`` for a wildcard), or None."""
    if header is None or not header.strip():
        return None
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith(("W/", "w/")):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return tags


def expected_version(if_match: str | None, current: Callable[[], int] | None = None) -> int | None:
    """The version an If-Match header demands; None when absent or ``*``; -1 when unparsable (never
    equal to a real version, so the service answers 412)."""
    tags = parse_etags(if_match)
    if tags is None or "*" in tags:
        return None
    for tag in tags:
        if tag.isdigit():
            return int(tag)
    return -1


def not_modified(request: Request, version: int) -> bool:
    tags = parse_etags(request.headers.get("if-none-match"))
    return tags is not None and ("*" in tags or str(version) in tags)


def parse_json(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object, whatever the (JSON) content type and charset."""
    if not raw.strip():
        raise invalid_syntax("the request body is empty; a JSON object is required")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise invalid_syntax(f"the request body is not valid JSON: {exc.msg}") from None
    if not isinstance(body, dict):
        raise invalid_syntax("the request body must be a JSON object")
    return body


async def read_json(request: Request) -> dict[str, Any]:
    return parse_json(await request.body())


class ScimRoute(APIRoute):
    """Every SCIM route: exceptions become SCIM Error responses, and rejections are logged."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            try:
                response = await handler(request)
                # A route that reached no data has not checked the bearer token yet: check it now.
                await settle_authentication(request)
                return response
            except Exception as exc:  # every failure answers in SCIM's own format
                failure: Exception = exc
                try:
                    # The token is checked by the first unit of work; a request refused before reaching
                    # one still answers 401 when its token is bad, as if the check had come first.
                    await settle_authentication(request)
                except Exception as auth_exc:
                    failure = auth_exc
                if isinstance(failure, RequestValidationError):
                    error = invalid_syntax(_validation_detail(failure))
                else:
                    error = translate(failure)
                    if error.status >= 500:
                        log.exception("SCIM request failed: %s %s", request.method, request.url.path)
                await _record(request, error, failure)
                return error_response(error)

        return scim_handler


async def _record(request: Request, error: ScimError, exc: BaseException) -> None:
    from scim_facade.events import record_rejection

    try:
        await record_rejection(request, error, exc)
    except Exception:  # the log must never turn a clear 4xx into a 500
        log.exception("could not record a rejected SCIM request")


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "header"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)
