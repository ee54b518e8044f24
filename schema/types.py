"""GraphQL object types. Python names end in ``Type``; the schema drops the suffix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from app.auth.models import ApiKey
from app.enums import MemberStatus, Plan, Role, TimezoneSource
from app.groups.models import Group
from app.members.models import Member
from app.orm import utcnow
from app.provisioning.models import ProvisioningEvent
from app.scim_settings.models import ScimToken
from app.workspaces.models import Workspace
from schema.context import Info
from schema.errors import PermissionDenied, PlanRequiredError

PlanEnum = strawberry.enum(Plan, name="Plan")
RoleEnum = strawberry.enum(Role, name="Role")
MemberStatusEnum = strawberry.enum(MemberStatus, name="MemberStatus")
TimezoneSourceEnum = strawberry.enum(TimezoneSource, name="TimezoneSource")

CountFn = Callable[[], Awaitable[int]]


@strawberry.type(name="PageInfo")
class PageInfoType:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(name="Email")
class EmailType:
    value: str
    type: str | None
    primary: bool


@strawberry.type(name="Workspace")
class WorkspaceType:
    id: strawberry.ID
    name: str
    plan: Plan
    default_timezone: str
    scim_enabled: bool

    @classmethod
    def from_model(cls, workspace: Workspace) -> WorkspaceType:
        return cls(
            id=strawberry.ID(str(workspace.id)),
            name=workspace.name,
            plan=workspace.plan,
            default_timezone=workspace.default_timezone,
            scim_enabled=workspace.scim_enabled,
        )


@strawberry.type(name="Member")
class MemberType:
    id: strawberry.ID
    user_name: str
    display_name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None = strawberry.field(description="The primary e-mail address")
    emails: list[EmailType]
    role: Role
    status: MemberStatus
    active: bool
    timezone: str | None
    timezone_source: TimezoneSource
    idp_timezone: str | None
    scim_managed: bool
    title: str | None
    department: str | None
    external_id: str | None
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Member]

    @strawberry.field(description="The groups this member belongs to, in name order")
    async def groups(self, info: Info) -> list[GroupType]:
        groups = await info.context.loaders.groups_by_member.load(self.model.id)
        return [GroupType.from_model(g) for g in groups]

    @classmethod
    def from_model(cls, m: Member) -> MemberType:
        return cls(
            id=strawberry.ID(str(m.id)),
            user_name=m.user_name,
            display_name=m.display_name,
            given_name=m.given_name,
            family_name=m.family_name,
            email=m.primary_email,
            emails=[EmailType(value=e.value, type=e.type, primary=e.primary) for e in m.emails],
            role=m.role,
            status=m.status,
            active=m.active,
            timezone=m.timezone,
            timezone_source=m.timezone_source,
            idp_timezone=m.idp_timezone,
            scim_managed=m.scim_managed,
            title=m.title,
            department=m.department,
            external_id=m.external_id,
            created_at=m.created_at,
            updated_at=m.updated_at,
            model=m,
        )


@strawberry.type(name="MemberEdge")
class MemberEdgeType:
    cursor: str
    node: MemberType


@strawberry.type(name="MemberConnection")
class MemberConnectionType:
    edges: list[MemberEdgeType]
    page_info: PageInfoType
    count: strawberry.Private[CountFn]

    @strawberry.field
    def nodes(self) -> list[MemberType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="All matching members, not just this page")
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type(name="Group")
class GroupType:
    id: strawberry.ID
    display_name: str
    external_id: str | None
    scim_managed: bool
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[Group]

    @strawberry.field(description="Live (active and inactive) members")
    async def member_count(self, info: Info) -> int:
        return await info.context.loaders.member_count_by_group.load(self.model.id)

    @strawberry.field(description="Live members in name order")
    async def members(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> MemberConnectionType:
        from schema.resolvers.members import member_connection

        return await member_connection(
            info.context, first=50 if first is None else first, after=after, group_id=self.model.id
        )

    @classmethod
    def from_model(cls, g: Group) -> GroupType:
        return cls(
            id=strawberry.ID(str(g.id)),
            display_name=g.display_name,
            external_id=g.external_id,
            scim_managed=g.scim_managed,
            created_at=g.created_at,
            updated_at=g.updated_at,
            model=g,
        )


@strawberry.type(name="GroupEdge")
class GroupEdgeType:
    cursor: str
    node: GroupType


@strawberry.type(name="GroupConnection")
class GroupConnectionType:
    edges: list[GroupEdgeType]
    page_info: PageInfoType
    count: strawberry.Private[CountFn]

    @strawberry.field
    def nodes(self) -> list[GroupType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="All matching groups, not just this page")
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type(name="DeletedGroup")
class DeletedGroupType:
    id: strawberry.ID


@strawberry.type(name="ScimToken")
class ScimTokenType:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The first characters of the token, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @classmethod
    def from_model(cls, t: ScimToken) -> ScimTokenType:
        return cls(
            id=strawberry.ID(str(t.id)),
            name=t.name,
            prefix=t.prefix,
            created_at=t.created_at,
            last_used_at=t.last_used_at,
            expires_at=t.expires_at,
            revoked_at=t.revoked_at,
            active=t.is_live(utcnow()),
        )


@strawberry.type(name="ScimSettings")
class ScimSettingsType:
    enabled: bool
    base_url: str
    tokens: list[ScimTokenType]


@strawberry.type(name="ScimTokenCreated")
class ScimTokenCreatedType:
    settings: ScimSettingsType
    token: ScimTokenType
    plaintext: str = strawberry.field(description="The token itself: shown this once, never again")


ScimSettingsResult = Annotated[
    ScimSettingsType | PermissionDenied | PlanRequiredError, strawberry.union("ScimSettingsResult")
]


@strawberry.type(name="ApiKey")
class ApiKeyType:
    id: strawberry.ID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @classmethod
    def from_model(cls, k: ApiKey) -> ApiKeyType:
        return cls(
            id=strawberry.ID(str(k.id)),
            name=k.name,
            prefix=k.prefix,
            created_at=k.created_at,
            last_used_at=k.last_used_at,
            revoked_at=k.revoked_at,
            active=k.revoked_at is None,
        )


@strawberry.type(name="ApiKeyCreated")
class ApiKeyCreatedType:
    api_key: ApiKeyType
    plaintext: str = strawberry.field(description="The key itself: shown this once, never again")


@strawberry.type(name="Viewer")
class ViewerType:
    member: MemberType
    workspace: WorkspaceType
    role: Role
    api_keys: list[ApiKeyType]


@strawberry.type(name="ProvisioningEvent")
class ProvisioningEventType:
    id: strawberry.ID
    at: datetime
    idp: str
    method: str
    path: str
    operation: str
    resource_type: str | None
    resource_id: str | None
    target: str | None
    status_code: int
    outcome: str
    error_type: str | None
    detail: str | None
    applied: JSON
    ignored: JSON
    rewrites: JSON

    @classmethod
    def from_model(cls, e: ProvisioningEvent) -> ProvisioningEventType:
        return cls(
            id=strawberry.ID(str(e.id)),
            at=e.at,
            idp=e.idp,
            method=e.method,
            path=e.path,
            operation=e.operation,
            resource_type=e.resource_type,
            resource_id=e.resource_id,
            target=e.target,
            status_code=e.status_code,
            outcome=e.outcome,
            error_type=e.error_type,
            detail=e.detail,
            applied=cast(JSON, e.applied or []),
            ignored=cast(JSON, e.ignored or []),
            rewrites=cast(JSON, e.rewrites or []),
        )


@strawberry.type(name="ProvisioningEventEdge")
class ProvisioningEventEdgeType:
    cursor: str
    node: ProvisioningEventType


@strawberry.type(name="ProvisioningEventConnection")
class ProvisioningEventConnectionType:
    edges: list[ProvisioningEventEdgeType]
    page_info: PageInfoType
    count: strawberry.Private[CountFn]

    @strawberry.field
    def nodes(self) -> list[ProvisioningEventType]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="All matching events, not just this page")
    async def total_count(self) -> int:
        return await self.count()
