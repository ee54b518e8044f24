"""The provisioning log, for owners and admins."""

from __future__ import annotations

import strawberry

from app.errors import DomainError
from app.provisioning import service as provisioning_service
from schema import cursors
from schema.context import Info
from schema.errors import query_error
from schema.types import (
    PageInfoType,
    ProvisioningEventConnectionType,
    ProvisioningEventEdgeType,
    ProvisioningEventType,
)


@strawberry.type
class EventQueries:
    @strawberry.field(description="SCIM requests received, newest first (owners and admins)")
    async def provisioning_events(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        outcome: str | None = None,
        resource_type: str | None = None,
        idp: str | None = None,
    ) -> ProvisioningEventConnectionType:
        ctx = info.context
        workspace_id = ctx.workspace_id
        first = 50 if first is None else first
        try:
            position = cursors.decode_time("event", after)
        except DomainError as exc:
            raise query_error(exc) from exc
        filters = {"outcome": outcome, "resource_type": resource_type, "idp": idp}
        rows = await ctx.query(
            provisioning_service.list_events,
            workspace_id=workspace_id,
            before=position,
            limit=first,
            peek=True,
            **filters,
        )
        edges = [
            ProvisioningEventEdgeType(
                cursor=cursors.encode("event", e.at.isoformat(), e.id),
                node=ProvisioningEventType.from_model(e),
            )
            for e in rows[:first]
        ]

        async def count() -> int:
            return await ctx.query(provisioning_service.count_events, workspace_id=workspace_id, **filters)

        return ProvisioningEventConnectionType(
            edges=edges,
            page_info=PageInfoType(
                has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
            ),
            count=count,
        )
