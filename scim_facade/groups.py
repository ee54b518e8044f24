"""/Groups: actions (shared with Bulk) and their HTTP routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.groups import search as group_search
from app.groups import service as group_service
from app.groups.changes import GroupChange, ReplaceMembers, SetDisplayName, SetExternalId
from app.groups.models import Group
from app.provisioning.service import record_event
from scim_facade import dialects, events
from scim_facade.context import ScimClient, ScimClientDep, guess_idp
from scim_facade.errors import invalid_syntax
from scim_facade.group_mapping import Member, body_fields, group_to_scim, patch_changes
from scim_facade.http import ScimRoute, expected_version, read_json
from scim_facade.listing import ListQuery, find_resources, list_query, list_response, search_query
from scim_facade.patch import check_patch_size
from scim_facade.projection import Projection
from scim_facade.results import Result, resource_uuid

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter(route_class=ScimRoute)
FULL = Projection([], [])


def _members(
    session: Session, client: ScimClient, group: Group, projection: Projection
) -> list[Member] | None:
    if not projection.wants("members"):
        return None  # excluded: memberships are never queried
    by_group = group_service.members_of_groups(
        session, client.actor, workspace_id=client.workspace_id, group_ids=[group.id]
    )
    return by_group.get(group.id, [])


def _render(
    session: Session, client: ScimClient, group: Group, projection: Projection, status: int = 200
) -> Result:
    body = projection.apply(
        group_to_scim(group, _members(session, client, group, projection), client.base_url)
    )
    return Result(status, body, group.version, client.location("Groups", group.id), str(group.id))


def _log(
    session: Session, client: ScimClient, group_id: UUID, target: str, operation: str, status: int, **kw: Any
) -> None:
    record_event(
        session,
        events.success(
            client,
            operation=operation,
            resource_type="Group",
            resource_id=group_id,
            target=target,
            status=status,
            **kw,
        ),
    )


# -- actions ------------------------------------------------------------------------------------------


async def create_group(client: ScimClient, body: dict[str, Any], projection: Projection = FULL) -> Result:
    """POST /Groups: create, or adopt an unmanaged group of the same name."""
    body = dialects.normalise_resource(body, "Group", client.rewrites)
    ignored: list[dict[str, str]] = []
    name, external_id, member_ids = body_fields(body, ignored)
    client.target = name

    def uow(session: Session) -> Result:
        result = group_service.provision_group(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            name=name,
            external_id=external_id,
            member_ids=member_ids or (),
        )
        group = result.group
        _log(
            session,
            client,
            group.id,
            group.display_name,
            "create_group",
            201,
            report=result.report,
            ignored=ignored,
        )
        return _render(session, client, group, projection, 201)

    return await client.write(uow)


async def get_group(client: ScimClient, group_id: str, projection: Projection = FULL) -> Result:
    gid = resource_uuid(group_id, "Group")

    def uow(session: Session) -> Result:
        group = group_service.get_group(session, client.actor, workspace_id=client.workspace_id, group_id=gid)
        return _render(session, client, group, projection)

    return await client.read(uow)


async def replace_group(
    client: ScimClient,
    group_id: str,
    body: dict[str, Any],
    if_match: str | None,
    projection: Projection = FULL,
) -> Result:
    """PUT /Groups/{id}: name and externalId; the member list only when ``members`` is present."""
    gid = resource_uuid(group_id, "Group")
    body = dialects.normalise_resource(body, "Group", client.rewrites)
    ignored: list[dict[str, str]] = []
    name, external_id, member_ids = body_fields(body, ignored)
    changes: list[GroupChange] = [SetDisplayName(name), SetExternalId(external_id)]
    if member_ids is not None:
        changes.append(ReplaceMembers(member_ids))
    else:
        ignored.append({"attribute": "members", "reason": "not sent, so membership was left unchanged"})
    return await _update(client, gid, changes, if_match, "replace_group", ignored, projection)


async def patch_group(
    client: ScimClient,
    group_id: str,
    body: dict[str, Any],
    if_match: str | None,
    projection: Projection = FULL,
    *,
    with_body: bool = True,
) -> Result:
    """PATCH /Groups/{id}: typed changes applied in order, all or nothing.

    Without ``with_body`` the answer is 204 and the member list is not read, so a membership change
    costs what it changes, not the group's size (RFC 7644 §3.5.2 allows 204; Entra and Okta expect it).
    """
    gid = resource_uuid(group_id, "Group")
    raw_ops = dialects.normalise_operations(body, client.rewrites)
    if not isinstance(raw_ops, list) or not raw_ops:
        raise invalid_syntax("a PATCH request needs a non-empty Operations array")
    check_patch_size(raw_ops, client.settings.scim_bulk_max_operations)
    ops = [
        dialects.normalise_op(op, "Group", client.rewrites) if isinstance(op, dict) else op for op in raw_ops
    ]
    ignored: list[dict[str, str]] = []
    changes = patch_changes(ops, gid, ignored)
    return await _update(
        client, gid, changes, if_match, "patch_group", ignored, projection if with_body else None
    )


async def _update(
    client: ScimClient,
    gid: UUID,
    changes: list[GroupChange],
    if_match: str | None,
    operation: str,
    ignored: list[dict[str, str]],
    projection: Projection | None,
) -> Result:
    """Apply the changes; ``projection=None`` answers 204 without reading the members back."""

    def uow(session: Session) -> Result:
        result = group_service.update_group(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            group_id=gid,
            changes=changes,
            expected_version=expected_version(if_match),
        )
        group = result.group
        client.target = group.display_name
        _log(
            session,
            client,
            group.id,
            group.display_name,
            operation,
            200 if projection is not None else 204,
            report=result.report,
            ignored=ignored,
        )
        if projection is None:
            return Result(204, version=group.version, location=client.location("Groups", group.id))
        return _render(session, client, group, projection)

    return await client.write(uow)


async def delete_group(client: ScimClient, group_id: str, if_match: str | None) -> Result:
    gid = resource_uuid(group_id, "Group")

    def uow(session: Session) -> Result:
        group = group_service.delete_group(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            group_id=gid,
            expected_version=expected_version(if_match),
        )
        client.target = group.display_name
        _log(session, client, gid, client.target, "delete_group", 204)
        return Result(204, resource_id=str(gid))

    return await client.write(uow)


async def search_groups(client: ScimClient, query: ListQuery) -> tuple[int, list[dict[str, Any]]]:
    """A page of groups matching the query; members are read only when the projection wants them."""

    def members_of(session: Session, groups: list[Group]) -> dict[UUID, list[Member]]:
        return group_service.members_of_groups(
            session, client.actor, workspace_id=client.workspace_id, group_ids=[g.id for g in groups]
        )

    return await find_resources(
        client,
        query,
        resource="Group",
        search=group_search.search_groups,
        related_attribute="members",
        related=members_of,
        render=group_to_scim,
    )


# -- routes -------------------------------------------------------------------------------------------


@router.get("/{key}/Groups", name="list_groups")
async def list_groups_route(request: Request, client: ScimClientDep) -> Response:
    query = list_query(request.query_params, client.settings.scim_max_results)
    total, resources = await search_groups(client, query)
    return Result(200, list_response(query, total, resources)).response()


@router.post("/{key}/Groups/.search", name="search_groups")
async def search_groups_route(request: Request, client: ScimClientDep) -> Response:
    query = search_query(await read_json(request), client.settings.scim_max_results)
    total, resources = await search_groups(client, query)
    return Result(200, list_response(query, total, resources)).response()


@router.post("/{key}/Groups", name="create_group")
async def create_group_route(request: Request, client: ScimClientDep) -> Response:
    body = await read_json(request)
    client.idp = _idp(client, body)
    return (await create_group(client, body, Projection.of_query(request.query_params))).response()


@router.get("/{key}/Groups/{resource_id}", name="get_group")
async def get_group_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    return (await get_group(client, resource_id, Projection.of_query(request.query_params))).response(request)


@router.put("/{key}/Groups/{resource_id}", name="replace_group")
async def replace_group_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    body = await read_json(request)
    client.idp = _idp(client, body)
    if_match = request.headers.get("if-match")
    return (
        await replace_group(client, resource_id, body, if_match, Projection.of_query(request.query_params))
    ).response()


@router.patch("/{key}/Groups/{resource_id}", name="patch_group")
async def patch_group_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    body = await read_json(request)
    if_match = request.headers.get("if-match")
    params = request.query_params
    with_body = "attributes" in params or "excludedAttributes" in params
    result = await patch_group(
        client, resource_id, body, if_match, Projection.of_query(request.query_params), with_body=with_body
    )
    return result.response()


@router.delete("/{key}/Groups/{resource_id}", name="delete_group")
async def delete_group_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    return (await delete_group(client, resource_id, request.headers.get("if-match"))).response()


def _idp(client: ScimClient, body: dict[str, Any]) -> str:
    return guess_idp(client.user_agent, client.query, body) if client.idp == "unknown" else client.idp
