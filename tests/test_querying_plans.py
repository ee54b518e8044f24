"""Every lookup an identity provider makes is an indexed query (SQLite EXPLAIN QUERY PLAN)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.actor import Actor
from app.db import Database
from app.groups.search import search_groups
from app.members.search import search_members
from scim_facade.filters import parse_filter
from tests.conftest import BACKEND
from tests.factories import make_workspace

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite query plans")


def _plans(
    session: Session, search: Callable[..., Any], resource: str, expr: str, workspace_id: Any
) -> list[tuple[str, list[str]]]:
    """Run the search, capturing each statement, and return (statement, plan details) pairs."""
    captured: list[tuple[str, Any]] = []
    engine = session.get_bind()

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        search(
            session,
            Actor.system(),
            workspace_id=workspace_id,
            filter=parse_filter(expr, resource),  # type: ignore[arg-type]
            sort=None,
            offset=0,
            limit=10,
        )
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    connection = session.connection()
    return [
        (statement, [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)])
        for statement, params in captured
    ]


@pytest.mark.parametrize(
    ("search", "resource", "expr", "index"),
    [
        (search_members, "User", 'userName eq "someone@x.com"', "uq_members_workspace_user_name_key"),
        (search_members, "User", 'externalId eq "00u1"', "ix_members_workspace_external_id"),
        (search_members, "User", 'emails.value eq "a@x.com"', "ix_member_emails_workspace_value_key"),
        (
            search_members,
            "User",
            'emails[type eq "work"].value eq "a@x.com"',
            "ix_member_emails_workspace_value_key",
        ),
        (search_groups, "Group", 'displayName eq "Sales"', "uq_groups_workspace_name_key"),
        (search_groups, "Group", 'externalId eq "g1"', "ix_groups_workspace_external_id"),
    ],
)
async def test_lookup_uses_index(
    db: Database, search: Callable[..., Any], resource: str, expr: str, index: str
) -> None:
    ws = await make_workspace(db)
    plans = await db.read(_plans, search, resource, expr, ws.id)
    # The COUNT; a lookup by a unique key (userName, displayName) is answered by its page query alone.
    count = [plan for statement, plan in plans if "count(" in statement.lower()] or [plans[0][1]]
    details = " | ".join(count[0])
    assert index in details, details
    assert "SCAN" not in details, details
    if "emails" in expr:
        # The e-mail index drives the query: members are then fetched by primary key.
        assert "sqlite_autoindex_members_1 (id=?)" in details, details
