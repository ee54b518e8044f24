"""Domain errors. They carry facts, never transport status codes; each edge translates them once.

* DomainError
  + NotFound (MemberNotFound, GroupNotFound, WorkspaceNotFound, TokenNotFound)
  + AlreadyExists (MemberAlreadyExists, GroupAlreadyExists)
  + InvalidValue
  + ImmutableField (ScimManaged)
  + InvalidFilter
  + VersionMismatch
  + Forbidden (PlanRequired, LastOwner)
  + Unauthenticated
"""

from __future__ import annotations

from uuid import UUID


class DomainError(Exception):
    """Base of every expected failure of a service command."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The addressed object does not exist (or is not visible to the actor)."""


class WorkspaceNotFound(NotFound):
    """No such workspace."""

    def __init__(self, workspace_id: UUID | str) -> None:
        super().__init__(f"workspace {workspace_id} not found")
        self.workspace_id = workspace_id


class MemberNotFound(NotFound):
    """No such member in the workspace."""

    def __init__(self, member_id: UUID | str) -> None:
        super().__init__(f"member {member_id} not found")
        self.member_id = member_id


class GroupNotFound(NotFound):
    """No such group in the workspace."""

    def __init__(self, group_id: UUID | str) -> None:
        super().__init__(f"group {group_id} not found")
        self.group_id = group_id


class TokenNotFound(NotFound):
    """No such token in the workspace."""

    def __init__(self, token_id: UUID | str) -> None:
        super().__init__(f"token {token_id} not found")
        self.token_id = token_id


class AlreadyExists(DomainError):
    """A uniqueness rule would be broken."""


class MemberAlreadyExists(AlreadyExists):
    """A member with this user name (or external id) already exists in the workspace."""

    def __init__(self, *, workspace_id: UUID, user_name: str, existing_id: UUID | None = None) -> None:
        super().__init__(f"user name {user_name!r} is already taken in this workspace")
        self.workspace_id, self.user_name, self.existing_id = workspace_id, user_name, existing_id


class GroupAlreadyExists(AlreadyExists):
    """A group with this name already exists in the workspace."""

    def __init__(self, *, workspace_id: UUID, name: str, existing_id: UUID | None = None) -> None:
        super().__init__(f"group name {name!r} is already taken in this workspace")
        self.workspace_id, self.name, self.existing_id = workspace_id, name, existing_id


class InvalidValue(DomainError):
    """A value is malformed or out of range."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class ImmutableField(DomainError):
    """An attribute that may not be changed (by this actor, or at all) was changed."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class ScimManaged(ImmutableField):
    """The object is managed by the identity provider and cannot be edited in the app."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is managed by the identity provider (SCIM); change it there instead")


class InvalidFilter(DomainError):
    """A filter expression cannot be evaluated."""


class VersionMismatch(DomainError):
    """The caller's expected version (ETag) is not the current one."""

    def __init__(self, *, expected: str, current: str) -> None:
        super().__init__(f"version mismatch: expected {expected}, current is {current}")
        self.expected, self.current = expected, current

    @classmethod
    def check(cls, *, current: int, expected: int | None) -> None:
        """Raise unless the caller expected no particular version or the current one."""
        if expected is not None and expected != current:
            raise cls(expected=str(expected), current=str(current))


class Forbidden(DomainError):
    """The actor may not do this."""


class PlanRequired(Forbidden):
    """The feature needs a higher plan."""

    def __init__(self, feature: str, plan: str) -> None:
        super().__init__(f"{feature} requires the {plan} plan; upgrade the workspace to use it")
        self.feature, self.plan = feature, plan


class LastOwner(Forbidden):
    """The workspace would be left without an active owner."""

    def __init__(self, action: str) -> None:
        super().__init__(
            f"cannot {action} the last active owner of the workspace; make another member owner first"
        )
        self.action = action


class Unauthenticated(DomainError):
    """The credential is missing, unknown, expired or revoked, or its member is no longer active."""
