"""List and search requests (RFC 7644 §3.4.2, §3.4.3): parameters, paging and the ListResponse."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar
from uuid import UUID

from scim_facade.context import ScimClient
from scim_facade.errors import invalid_syntax, invalid_value
from scim_facade.filters import parse_filter, parse_sort
from scim_facade.projection import Projection
from scim_facade.schemas import LIST_RESPONSE, SEARCH_REQUEST

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PARAMS = ("filter", "startIndex", "count", "sortBy", "sortOrder", "attributes", "excludedAttributes")


@dataclass(frozen=True, slots=True)
class ListQuery:
    filter: str | None
    start_index: int
    count: int
    sort_by: str | None
    sort_order: str | None
    projection: Projection

    @property
    def offset(self) -> int:
        return self.start_index - 1


def _canonical(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter names matched case-insensitively (``startindex``, ``Count``)."""
    by_lower = {p.lower(): p for p in PARAMS}
    return {by_lower[k.lower()]: v for k, v in values.items() if k.lower() in by_lower}


def _integer(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise invalid_value(f"{name} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise invalid_value(f"{name} must be an integer, not {value!r}"[:200])


def _string(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_value(f"{name} must be a string")
    return value


def list_query(values: Mapping[str, Any], max_results: int) -> ListQuery:
    """Paging per RFC 7644 §3.4.2.4: startIndex below 1 means 1, a negative count means 0, and count is
    capped at the server's maximum (advertised in ServiceProviderConfig)."""
    params = _canonical(values)
    start = _integer(params.get("startIndex"), "startIndex")
    count = _integer(params.get("count"), "count")
    sort_order = _string(params.get("sortOrder"), "sortOrder")
    if sort_order is not None and sort_order.lower() not in ("ascending", "descending"):
        raise invalid_value("sortOrder must be ascending or descending")
    return ListQuery(
        filter=_string(params.get("filter"), "filter"),
        start_index=max(start or 1, 1),
        count=max_results if count is None else min(max(count, 0), max_results),
        sort_by=_string(params.get("sortBy"), "sortBy"),
        sort_order=sort_order,
        projection=Projection.parse(params.get("attributes"), params.get("excludedAttributes")),
    )


def search_query(body: dict[str, Any], max_results: int) -> ListQuery:
    """A SearchRequest body (POST .search)."""
    schemas = body.get("schemas")
    if schemas is not None and (not isinstance(schemas, list) or SEARCH_REQUEST not in schemas):
        raise invalid_syntax(f"a search request has schemas [{SEARCH_REQUEST!r}]")
    return list_query(body, max_results)


def list_response(query: ListQuery, total: int, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": query.start_index,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


class _Resource(Protocol):
    id: UUID


R = TypeVar("R", bound=_Resource)


async def find_resources(
    client: ScimClient,
    query: ListQuery,
    *,
    resource: Literal["User", "Group"],
    search: Callable[..., tuple[int, list[R]]],
    related_attribute: str,
    related: Callable[[Session, list[R]], Mapping[UUID, list[Any]]],
    render: Callable[[R, list[Any] | None, str], dict[str, Any]],
) -> tuple[int, list[dict[str, Any]]]:
    """One page of resources matching the query (GET list and .search), rendered and projected.

    ``related`` loads the multi-valued attribute that points at the other resource type (a user's groups,
    a group's members) for the whole page in one go, and only when the projection wants it.
    """
    parsed = parse_filter(query.filter, resource) if query.filter else None
    sort = parse_sort(query.sort_by, query.sort_order, resource)
    wants_related = query.projection.wants(related_attribute)

    def uow(session: Session) -> tuple[int, list[R], Mapping[UUID, list[Any]]]:
        total, found = search(
            session,
            client.actor,
            workspace_id=client.workspace_id,
            filter=parsed,
            sort=sort,
            offset=query.offset,
            limit=query.count,
        )
        return total, found, related(session, found) if wants_related and found else {}

    total, found, extra = await client.read(uow)
    rendered = [
        query.projection.apply(render(r, extra.get(r.id, []) if wants_related else None, client.base_url))
        for r in found
    ]
    return total, rendered
