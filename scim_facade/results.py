"""What an action returns (the HTTP routes and Bulk both render it), and small shared helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.responses import Response

from app.errors import GroupNotFound, MemberNotFound
from scim_facade.http import not_modified, scim_response


@dataclass(frozen=True, slots=True)
class Result:
    status: int
    body: dict[str, Any] | None = None
    version: int | None = None
    location: str | None = None
    resource_id: str | None = None

    def response(self, request: Request | None = None) -> Response:
        if self.status == 204 or self.body is None:
            headers = {"ETag": f'W/"{self.version}"'} if self.version is not None else None
            return Response(status_code=self.status, headers=headers)
        if request is not None and self.version is not None and not_modified(request, self.version):
            return Response(status_code=304, headers={"ETag": f'W/"{self.version}"'})
        return scim_response(self.body, self.status, version=self.version, location=self.location)


def resource_uuid(value: str, resource: str) -> UUID:
    """An id from a URL; anything that is not one of our ids simply does not exist (404)."""
    try:
        return UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise (MemberNotFound(value) if resource == "User" else GroupNotFound(value)) from None
