"""List and search requests (RFC 7644 §3.4.2, §3.4.3): parameters, paging and the ListResponse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scim_facade.errors import invalid_syntax, invalid_value
from scim_facade.projection import Projection
from scim_facade.schemas import LIST_RESPONSE, SEARCH_REQUEST

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
