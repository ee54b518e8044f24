"""Demo-like data for the browser tests and screenshots, built through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app.actor import Actor
from app.db import Database
from app.enums import Role
from app.groups import service as group_service
from app.members import service as member_service
from app.members.profile import ContactValue, MemberProfile
from app.provisioning.service import EventRecord, record_event
from tests.factories import SYSTEM, WorkspaceFixture, make_member, make_workspace

PEOPLE = [
    ("Ada", "Lovelace", "Engineering", "Staff engineer", "Europe/London"),
    ("Grace", "Hopper", "Engineering", "Principal engineer", "America/New_York"),
    ("Alan", "Turing", "Research", "Researcher", "Europe/London"),
    ("Katherine", "Johnson", "Research", "Mathematician", "America/Chicago"),
    ("Hedy", "Lamarr", "Design", "Product designer", "Europe/Vienna"),
    ("Tim", "Berners-Lee", "Engineering", "Architect", "Europe/Zurich"),
    ("Margaret", "Hamilton", "Engineering", "Engineering manager", "America/Los_Angeles"),
    ("Linus", "Torvalds", "Engineering", "Kernel engineer", "America/Los_Angeles"),
    ("Radia", "Perlman", "Support", "Support lead", "America/Denver"),
    ("Barbara", "Liskov", "Research", "Researcher", "America/New_York"),
    ("Donald", "Knuth", "Research", "Author", "America/Los_Angeles"),
    ("Frances", "Allen", "Engineering", "Compiler engineer", "America/New_York"),
    ("Edsger", "Dijkstra", "Research", "Researcher", "Europe/Amsterdam"),
    ("Sophie", "Wilson", "Design", "Designer", "Europe/London"),
    ("Yukihiro", "Matsumoto", "Engineering", "Language designer", "Asia/Tokyo"),
    ("Chioma", "Okonkwo-Brennan de la Fuente", "Support", "Customer success", "Africa/Lagos"),
]


@dataclass
class Demo:
    ws: WorkspaceFixture
    admin_email: str
    member_email: str
    idp_email: str
    app_group_id: UUID
    idp_group_id: UUID
    member_ids: dict[str, UUID] = field(default_factory=dict)


def _profile(i: int, given: str, family: str, dept: str, title: str, tz: str) -> MemberProfile:
    email = f"{given.lower()}.{family.split()[0].lower()}@northwind.test"
    return MemberProfile(
        user_name=email,
        external_id=f"00u{i:04d}",
        display_name=f"{given} {family}",
        given_name=given,
        family_name=family,
        title=title,
        department=dept,
        timezone=tz,
        emails=(ContactValue(email, "work", True),),
    )


async def seed_demo(db: Database) -> Demo:
    """A Northwind Studio workspace: IdP-managed and app members, groups of both kinds, some activity."""
    ws = await make_workspace(db, name="Northwind Studio", owner_email="owner@northwind.test", scim=True)
    admin = await make_member(db, ws, email="admin@northwind.test", name="Adrian Admin", role=Role.ADMIN)
    member = await make_member(db, ws, email="mia@northwind.test", name="Mia Member")
    await make_member(db, ws, email="contractor@northwind.test", name="Casey Contractor")
    ids: dict[str, UUID] = {admin.user_name: admin.id, member.user_name: member.id}
    for i, (given, family, dept, title, tz) in enumerate(PEOPLE):
        profile = _profile(i, given, family, dept, title, tz)
        result = await db.write(member_service.provision_member, SYSTEM, workspace_id=ws.id, profile=profile)
        ids[profile.user_name] = result.member.id
        await db.write(record_event, _event(ws.id, "create_user", profile.user_name, result.member.id))
    for email in ("radia.perlman@northwind.test", "donald.knuth@northwind.test"):
        await db.write(
            member_service.update_member,
            SYSTEM,
            workspace_id=ws.id,
            member_id=ids[email],
            change=_deactivate,
        )
        await db.write(record_event, _event(ws.id, "patch_user", email, ids[email], applied=["deactivated"]))
    # A member who set their own timezone, then an IdP update that is recorded but not applied.
    ada = ids["ada.lovelace@northwind.test"]
    ada_actor = Actor.member(ws.id, ada, Role.MEMBER)
    await db.write(
        member_service.set_own_timezone, ada_actor, workspace_id=ws.id, timezone_name="Europe/Paris"
    )
    await db.write(
        record_event,
        _event(
            ws.id,
            "patch_user",
            "ada.lovelace@northwind.test",
            ada,
            applied=["title"],
            ignored=[{"attribute": "timezone", "reason": "the member set their own timezone in the app"}],
            rewrites=[{"from": "Replace", "to": "replace"}],
        ),
    )
    await db.write(
        record_event,
        EventRecord(
            workspace_id=ws.id,
            method="POST",
            path="/Users",
            operation="create_user",
            status_code=409,
            outcome="failure",
            idp="entra",
            resource_type="User",
            target="grace.hopper@northwind.test",
            error_type="uniqueness",
            detail="user name 'grace.hopper@northwind.test' is already taken in this workspace",
        ),
    )
    eng = [ids[e] for e in ids if e.split(".")[0] in {"ada", "grace", "tim", "margaret", "linus", "frances"}]
    idp_group = await db.write(
        group_service.provision_group, SYSTEM, workspace_id=ws.id, name="Engineering", member_ids=eng
    )
    await db.write(
        group_service.provision_group,
        SYSTEM,
        workspace_id=ws.id,
        name="Research",
        member_ids=[ids[e] for e in ids if e.split(".")[0] in {"alan", "katherine", "barbara", "edsger"}],
    )
    app_group = await db.write(
        group_service.create_group, ws.owner_actor, workspace_id=ws.id, name="Support rota"
    )
    return Demo(
        ws=ws,
        admin_email="admin@northwind.test",
        member_email="mia@northwind.test",
        idp_email="ada.lovelace@northwind.test",
        app_group_id=app_group.id,
        idp_group_id=idp_group.group.id,
        member_ids=ids,
    )


def _deactivate(profile: MemberProfile) -> MemberProfile:
    return profile.but(active=False)


def _event(
    workspace_id: UUID,
    operation: str,
    target: str,
    member_id: UUID,
    *,
    applied: list[Any] | None = None,
    ignored: list[Any] | None = None,
    rewrites: list[Any] | None = None,
) -> EventRecord:
    create = operation == "create_user"
    return EventRecord(
        workspace_id=workspace_id,
        method="POST" if create else "PATCH",
        path="/Users" if create else f"/Users/{member_id}",
        operation=operation,
        status_code=201 if create else 200,
        outcome="success",
        idp="okta",
        resource_type="User",
        resource_id=str(member_id),
        target=target,
        applied=applied if applied is not None else ["created", "name", "emails", "timezone"],
        ignored=ignored or [],
        rewrites=rewrites or [],
    )
