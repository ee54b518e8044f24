"""/ServiceProviderConfig, /ResourceTypes, /Schemas and the root /.search: what the server truly does."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.errors import InvalidFilter, NotFound
from scim_facade.context import ScimClient, ScimClientDep
from scim_facade.errors import ScimError
from scim_facade.http import ScimRoute, read_json
from scim_facade.listing import list_response, search_query
from scim_facade.results import Result
from scim_facade.schemas import ENTERPRISE, GROUP, RESOURCE_TYPE, SCHEMAS, SPC, USER, schema_json

router = APIRouter(route_class=ScimRoute)


def service_provider_config(client: ScimClient) -> dict[str, Any]:
    settings = client.settings
    return {
        "schemas": [SPC],
        "documentationUri": f"{settings.public_base}/docs/scim",
        "patch": {"supported": True},
        "bulk": {
            "supported": True,
            "maxOperations": settings.scim_bulk_max_operations,
            "maxPayloadSize": settings.scim_bulk_max_payload,
        },
        "filter": {"supported": True, "maxResults": settings.scim_max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "A workspace SCIM token, sent as Authorization: Bearer <token>",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{client.base_url}/ServiceProviderConfig",
        },
    }


def resource_types(client: ScimClient) -> list[dict[str, Any]]:
    def one(name: str, endpoint: str, description: str, schema: str, extensions: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schemas": [RESOURCE_TYPE],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": description,
            "schema": schema,
        }
        if extensions:
            out["schemaExtensions"] = [{"schema": urn, "required": False} for urn in extensions]
        out["meta"] = {"resourceType": "ResourceType", "location": f"{client.base_url}/ResourceTypes/{name}"}
        return out

    return [
        one("User", "/Users", "Workspace members", USER, [ENTERPRISE]),
        one("Group", "/Groups", "Groups of members", GROUP, []),
    ]


def _listing(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


@router.get("/{key}/ServiceProviderConfig", name="service_provider_config")
async def spc_route(request: Request, client: ScimClientDep) -> Response:
    if "filter" in request.query_params:
        # RFC 7644 §4: a filter here SHOULD be refused so that clients never assume it was applied.
        raise ScimError(403, "filters are not supported on /ServiceProviderConfig")
    return Result(200, service_provider_config(client)).response()


@router.get("/{key}/ResourceTypes", name="resource_types")
async def resource_types_route(client: ScimClientDep) -> Response:
    return Result(200, _listing(resource_types(client))).response()


@router.get("/{key}/ResourceTypes/{name}", name="resource_type")
async def resource_type_route(name: str, client: ScimClientDep) -> Response:
    for resource_type in resource_types(client):
        if resource_type["id"].lower() == name.lower():
            return Result(200, resource_type).response()
    raise NotFound(f"no resource type {name!r}; Roster serves User and Group")


@router.get("/{key}/Schemas", name="schemas")
async def schemas_route(client: ScimClientDep) -> Response:
    return Result(200, _listing([schema_json(urn, client.base_url) for urn in SCHEMAS])).response()


@router.get("/{key}/Schemas/{urn}", name="schema")
async def schema_route(urn: str, client: ScimClientDep) -> Response:
    for known in SCHEMAS:
        if known.lower() == urn.lower():
            return Result(200, schema_json(known, client.base_url)).response()
    raise NotFound(f"no schema {urn!r}")


@router.post("/{key}/.search", name="search")
async def root_search_route(request: Request, client: ScimClientDep) -> Response:
    """RFC 7644 §3.4.3 at the root: users, then groups. A filter attribute that one resource type does not
    have simply matches none of that type; only a filter valid for neither is an error."""
    from scim_facade.groups import search_groups
    from scim_facade.users import search_users

    query = search_query(await read_json(request), client.settings.scim_max_results)
    total = 0
    resources: list[dict[str, Any]] = []
    errors: list[InvalidFilter] = []
    skip, room = query.offset, query.count
    for search in (search_users, search_groups):
        try:
            count, _ = await search(client, replace(query, start_index=1, count=0))
        except InvalidFilter as exc:
            errors.append(exc)
            continue
        total += count
        if room > 0 and skip < count:
            page_query = replace(query, start_index=skip + 1, count=room)
            _, page = await search(client, page_query)
            resources.extend(page)
            room -= len(page)
        skip = max(skip - count, 0)
    if len(errors) == 2:
        raise errors[0]
    return Result(200, list_response(query, total, resources)).response()
