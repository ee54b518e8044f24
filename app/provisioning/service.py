"""The provisioning log: written by the SCIM edge for every write and every rejected request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from app.actor import Actor
from app.errors import InvalidValue
from app.orm import new_id, utcnow
from app.provisioning.models import ProvisioningEvent

OUTCOMES = ("success", "failure")


@dataclass(slots=True)
class EventRecord:
    """What the SCIM edge knows about one request; never a token, only the data needed to read the log."""

    workspace_id: UUID
    method: str
    path: str
    operation: str
    status_code: int
    outcome: str
    token_id: UUID | None = None
    idp: str = "unknown"
    resource_type: str | None = None
    resource_id: str | None = None
    target: str | None = None
    error_type: str | None = None
    detail: str | None = None
    applied: list[Any] = field(default_factory=list)
    ignored: list[Any] = field(default_factory=list)
    rewrites: list[Any] = field(default_factory=list)


def record_event(session: Session, record: EventRecord) -> ProvisioningEvent:
    """Append one event to the workspace's provisioning log."""
    event = ProvisioningEvent(
        id=new_id(),
        at=utcnow(),
        workspace_id=record.workspace_id,
        token_id=record.token_id,
        idp=record.idp[:32],
        method=record.method[:10],
        path=record.path[:500],
        operation=record.operation[:40],
        resource_type=record.resource_type,
        resource_id=record.resource_id,
        target=(record.target or None) and record.target[:255],
        status_code=record.status_code,
        outcome=record.outcome,
        error_type=record.error_type,
        detail=(record.detail or None) and record.detail[:2000],
        applied=record.applied,
        ignored=record.ignored,
        rewrites=record.rewrites,
    )
    # A plain INSERT: an append-only row needs none of the unit of work's bookkeeping (a flush per SCIM
    # write measured several times the cost of the statement).
    table = cast(Table, ProvisioningEvent.__table__)
    session.execute(insert(table), [{c.key: getattr(event, c.key) for c in table.columns}])
    return event


def list_events(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    outcome: str | None = None,
    resource_type: str | None = None,
    idp: str | None = None,
    before: tuple[datetime, UUID] | None = None,
    limit: int = 50,
    peek: bool = False,
) -> list[ProvisioningEvent]:
    """Newest first, for owners and admins; ``peek`` fetches one more row to tell if a page follows."""
    actor.require_admin(workspace_id)
    if not 1 <= limit <= 500:
        raise InvalidValue("page size must be between 1 and 500", field="first")
    E = ProvisioningEvent
    stmt = select(E).where(*_filters(workspace_id, outcome, resource_type, idp))
    if before is not None:
        at, last_id = before
        stmt = stmt.where(or_(E.at < at, and_(E.at == at, E.id < last_id)))
    return list(session.scalars(stmt.order_by(E.at.desc(), E.id.desc()).limit(limit + peek)))


def count_events(
    session: Session,
    actor: Actor,
    *,
    workspace_id: UUID,
    outcome: str | None = None,
    resource_type: str | None = None,
    idp: str | None = None,
) -> int:
    """How many events ``list_events`` would list over all pages (one COUNT)."""
    actor.require_admin(workspace_id)
    stmt = select(func.count()).select_from(ProvisioningEvent)
    return session.scalar(stmt.where(*_filters(workspace_id, outcome, resource_type, idp))) or 0


def _filters(
    workspace_id: UUID, outcome: str | None, resource_type: str | None, idp: str | None
) -> list[ColumnElement[bool]]:
    if outcome is not None and outcome not in OUTCOMES:
        raise InvalidValue(f"outcome must be one of {', '.join(OUTCOMES)}", field="outcome")
    E = ProvisioningEvent
    filters: list[ColumnElement[bool]] = [E.workspace_id == workspace_id]
    if outcome:
        filters.append(E.outcome == outcome)
    if resource_type:
        filters.append(E.resource_type == resource_type)
    if idp:
        filters.append(E.idp == idp)
    return filters
