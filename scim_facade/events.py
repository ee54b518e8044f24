"""Provisioning log entries written by the SCIM edge: successes inside the write's own unit of work,
rejections in a separate write after the rollback. Never a token nor the Authorization header."""

from __future__ import annotations

from uuid import UUID

from fastapi import Request

from app.members.profile import ChangeReport
from app.provisioning.service import EventRecord, record_event
from app.scim_settings import service as scim_settings
from scim_facade.context import ScimClient, guess_idp
from scim_facade.errors import ScimError, error_type

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def success(
    client: ScimClient,
    *,
    operation: str,
    resource_type: str,
    resource_id: UUID | str | None,
    target: str | None,
    status: int,
    report: ChangeReport | None = None,
    ignored: list[dict[str, str]] | None = None,
    rewrites: list[str] | None = None,
    method: str | None = None,
    path: str | None = None,
    names: dict[str, str] | None = None,
) -> EventRecord:
    """The event of a successful write, to be recorded in the same unit of work; ``names`` maps the
    service's field names to SCIM attribute names."""
    names = names or {}
    return EventRecord(
        workspace_id=client.workspace_id,
        token_id=client.token_id,
        idp=client.idp,
        method=method or client.method,
        path=path or client.path,
        operation=operation,
        resource_type=resource_type,
        resource_id=str(resource_id) if resource_id is not None else None,
        target=target,
        status_code=status,
        outcome="success",
        applied=[names.get(a, a) for a in report.applied] if report else [],
        ignored=[{**i, "attribute": names.get(i["attribute"], i["attribute"])} for i in report.ignored]
        + (ignored or [])
        if report
        else list(ignored or []),
        rewrites=list(rewrites if rewrites is not None else client.rewrites),
    )


def failure(
    client: ScimClient,
    error: ScimError,
    exc: BaseException,
    *,
    operation: str,
    resource_type: str | None,
    resource_id: str | None = None,
    target: str | None = None,
    rewrites: list[str] | None = None,
    method: str | None = None,
    path: str | None = None,
) -> EventRecord:
    return EventRecord(
        workspace_id=client.workspace_id,
        token_id=client.token_id,
        idp=client.idp,
        method=method or client.method,
        path=path or client.path,
        operation=operation,
        resource_type=resource_type,
        resource_id=resource_id,
        target=target,
        status_code=error.status,
        outcome="failure",
        error_type=error_type(error, exc),
        detail=error.detail,
        rewrites=list(rewrites if rewrites is not None else client.rewrites),
    )


def _operation(request: Request) -> str:
    route = request.scope.get("route")
    return getattr(route, "name", None) or f"{request.method.lower()} {request.url.path}"


def _resource_type(request: Request) -> str | None:
    path = request.url.path
    for name, kind in (("/Users", "User"), ("/Groups", "Group"), ("/Bulk", "Bulk")):
        if name.lower() in path.lower():
            return kind
    return None


async def record_rejection(request: Request, error: ScimError, exc: BaseException) -> None:
    """Log a rejected request: every 401 of a known workspace, and every failed write."""
    client: ScimClient | None = getattr(request.state, "scim", None)
    if client is not None:
        if request.method not in WRITE_METHODS or request.url.path.endswith("/.search"):
            return
        record = failure(
            client,
            error,
            exc,
            operation=_operation(request),
            resource_type=_resource_type(request),
            resource_id=request.path_params.get("resource_id"),
            target=client.target,
        )
        await client.db.write(record_event, record)
        return
    if error.status != 401:
        return
    key = request.path_params.get("key")
    db = request.app.state.db
    workspace_id = await db.read(scim_settings.workspace_for_key, scim_key=key) if key else None
    if workspace_id is None:
        return  # an unknown key: there is no workspace to log against
    user_agent = request.headers.get("user-agent", "")
    await db.write(
        record_event,
        EventRecord(
            workspace_id=workspace_id,
            idp=guess_idp(user_agent, request.url.query),
            method=request.method,
            path=request.url.path,
            operation=_operation(request),
            resource_type=_resource_type(request),
            status_code=401,
            outcome="failure",
            error_type="Unauthenticated",
            detail=error.detail,
        ),
    )
