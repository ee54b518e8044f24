"""/Users: actions (shared with Bulk) and their HTTP routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.groups import service as group_service
from app.groups.models import Group
from app.members import service as member_service
from app.members.models import Member
from app.members.profile import MemberProfile
from app.members.search import search_members
from app.provisioning.service import record_event
from scim_facade import dialects, events
from scim_facade.context import ScimClient, ScimClientDep
from scim_facade.errors import invalid_syntax
from scim_facade.http import ScimRoute, expected_version, read_json
from scim_facade.listing import ListQuery, find_resources, list_query, list_response, search_query
from scim_facade.patch import apply_user_patch, check_patch_size
from scim_facade.projection import Projection
from scim_facade.results import Result, resource_uuid
from scim_facade.user_mapping import WIRE_NAMES, body_to_doc, doc_to_profile, member_to_scim, profile_to_doc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter(route_class=ScimRoute)
FULL = Projection([], [])


def _render(client: ScimClient, member: Member, groups: list[Group] | None, projection: Projection) -> Result:
    body = projection.apply(member_to_scim(member, groups, client.base_url))
    location = client.location("Users", member.id)
    return Result(200, body, member.version, location, str(member.id))


def _groups(
    session: Session, client: ScimClient, member: Member, projection: Projection
) -> list[Group] | None:
    if not projection.wants("groups"):
        return None  # excluded: skip the query
    by_member = group_service.groups_of_members(
        session, client.actor, workspace_id=client.workspace_id, member_ids=[member.id]
    )
    return by_member.get(member.id, [])


def _profile(
    client: ScimClient, body: dict[str, Any], ignored: list[dict[str, str]]
) -> tuple[MemberProfile, bool]:
    body = dialects.normalise_resource(body, "User", client.rewrites)
    doc = body_to_doc(body, ignored)
    profile = doc_to_profile(doc)
    client.target = profile.user_name
    return profile, "active" in doc


# -- actions ------------------------------------------------------------------------------------------


async def create_user(client: ScimClient, body: dict[str, Any], projection: Projection = FULL) -> Result:
    """POST /Users: create, revive or adopt (the member service decides)."""
    ignored: list[dict[str, str]] = []
    profile, _ = _profile(client, body, ignored)

    def uow(session: Session) -> Result:
        result = member_service.provision_member(
            session, client.actor, workspace_id=client.workspace_id, profile=profile
        )
        member = result.member
        groups = None if result.created else _groups(session, client, member, projection)
        if groups is None and projection.wants("groups"):
            groups = []
        record_event(
            session,
            events.success(
                client,
                operation="create_user",
                resource_type="User",
                resource_id=member.id,
                target=member.user_name,
                status=201,
                report=result.report,
                ignored=ignored,
                names=WIRE_NAMES,
            ),
        )
        rendered = _render(client, member, groups, projection)
        return Result(201, rendered.body, rendered.version, rendered.location, rendered.resource_id)

    return await client.write(uow)


async def get_user(client: ScimClient, user_id: str, projection: Projection = FULL) -> Result:
    member_id = resource_uuid(user_id, "User")

    def uow(session: Session) -> Result:
        member = member_service.get_member(
            session, client.actor, workspace_id=client.workspace_id, member_id=member_id
        )
        return _render(client, member, _groups(session, client, member, projection), projection)

    return await client.read(uow)


async def replace_user(
    client: ScimClient,
    user_id: str,
    body: dict[str, Any],
    if_match: str | None,
    projection: Projection = FULL,
) -> Result:
    """PUT /Users/{id}: every IdP-owned attribute replaced; an absent ``active`` keeps the status."""
    member_id = resource_uuid(user_id, "User")
    ignored: list[dict[str, str]] = []
    profile, has_active = _profile(client, body, ignored)

    def change(current: MemberProfile) -> MemberProfile:
        return profile if has_active else profile.but(active=current.active)

    return await _update(client, member_id, change, if_match, "replace_user", ignored, projection)


async def patch_user(
    client: ScimClient,
    user_id: str,
    body: dict[str, Any],
    if_match: str | None,
    projection: Projection = FULL,
) -> Result:
    """PATCH /Users/{id}: operations applied in order to the current profile, all or nothing."""
    member_id = resource_uuid(user_id, "User")
    raw_ops = dialects.normalise_operations(body, client.rewrites)
    if not isinstance(raw_ops, list) or not raw_ops:
        raise invalid_syntax("a PATCH request needs a non-empty Operations array")
    check_patch_size(raw_ops, client.settings.scim_bulk_max_operations)
    ops = [
        dialects.normalise_op(op, "User", client.rewrites) if isinstance(op, dict) else op for op in raw_ops
    ]
    ignored: list[dict[str, str]] = []

    def change(current: MemberProfile) -> MemberProfile:
        doc, skipped = apply_user_patch(
            profile_to_doc(current), ops, user_id=str(member_id), rewrites=client.rewrites
        )
        ignored.extend(skipped)
        return doc_to_profile(doc)

    return await _update(client, member_id, change, if_match, "patch_user", ignored, projection)


async def _update(
    client: ScimClient,
    member_id: UUID,
    change: Any,
    if_match: str | None,
    operation: str,
    ignored: list[dict[str, str]],
    projection: Projection,
) -> Result:
    def uow(session: Session) -> Result:
        result = member_service.update_member(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            member_id=member_id,
            change=change,
            expected_version=expected_version(if_match),
        )
        member = result.member
        client.target = member.user_name
        record_event(
            session,
            events.success(
                client,
                operation=operation,
                resource_type="User",
                resource_id=member.id,
                target=member.user_name,
                status=200,
                report=result.report,
                ignored=ignored,
                names=WIRE_NAMES,
            ),
        )
        return _render(client, member, _groups(session, client, member, projection), projection)

    return await client.write(uow)


async def delete_user(client: ScimClient, user_id: str, if_match: str | None) -> Result:
    """DELETE /Users/{id}: the member is marked REMOVED (history kept); afterwards 404."""
    member_id = resource_uuid(user_id, "User")

    def uow(session: Session) -> Result:
        member = member_service.remove_member(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            member_id=member_id,
            expected_version=expected_version(if_match),
        )
        client.target = member.user_name
        record_event(
            session,
            events.success(
                client,
                operation="delete_user",
                resource_type="User",
                resource_id=member.id,
                target=member.user_name,
                status=204,
                report=None,
            ),
        )
        return Result(204, resource_id=str(member.id))

    return await client.write(uow)


async def list_users(client: ScimClient, query: ListQuery) -> dict[str, Any]:
    """GET /Users and POST /Users/.search."""
    resources = await search_users(client, query)
    return list_response(query, resources[0], resources[1])


async def search_users(client: ScimClient, query: ListQuery) -> tuple[int, list[dict[str, Any]]]:
    """A page of users matching the query, each with its groups unless excluded."""

    def groups_of(session: Session, members: list[Member]) -> dict[UUID, list[Group]]:
        return group_service.groups_of_members(
            session, client.actor, workspace_id=client.workspace_id, member_ids=[m.id for m in members]
        )

    return await find_resources(
        client,
        query,
        resource="User",
        search=search_members,
        related_attribute="groups",
        related=groups_of,
        render=member_to_scim,
    )


# -- routes -------------------------------------------------------------------------------------------


@router.get("/{key}/Users", name="list_users")
async def list_users_route(request: Request, client: ScimClientDep) -> Response:
    query = list_query(request.query_params, client.settings.scim_max_results)
    return Result(200, await list_users(client, query)).response()


@router.post("/{key}/Users/.search", name="search_users")
async def search_users_route(request: Request, client: ScimClientDep) -> Response:
    query = search_query(await read_json(request), client.settings.scim_max_results)
    return Result(200, await list_users(client, query)).response()


@router.post("/{key}/Users", name="create_user")
async def create_user_route(request: Request, client: ScimClientDep) -> Response:
    body = await read_json(request)
    return (await create_user(client, body, Projection.of_query(request.query_params))).response()


@router.get("/{key}/Users/{resource_id}", name="get_user")
async def get_user_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    return (await get_user(client, resource_id, Projection.of_query(request.query_params))).response(request)


@router.put("/{key}/Users/{resource_id}", name="replace_user")
async def replace_user_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    body = await read_json(request)
    if_match = request.headers.get("if-match")
    return (
        await replace_user(client, resource_id, body, if_match, Projection.of_query(request.query_params))
    ).response()


@router.patch("/{key}/Users/{resource_id}", name="patch_user")
async def patch_user_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    body = await read_json(request)
    if_match = request.headers.get("if-match")
    return (
        await patch_user(client, resource_id, body, if_match, Projection.of_query(request.query_params))
    ).response()


@router.delete("/{key}/Users/{resource_id}", name="delete_user")
async def delete_user_route(request: Request, resource_id: str, client: ScimClientDep) -> Response:
    return (await delete_user(client, resource_id, request.headers.get("if-match"))).response()
