"""GraphQL error types and the one table that maps domain errors to them.

Mutations (and the ``scimSettings`` query) return unions of a success type and the typed errors below;
``strawberry.ExceptionHandler``s turn a raised domain error into the first matching error type that the
field's union contains, most specific first. Query fields that return no union get a GraphQL error with
``extensions.code`` instead (``query_error``); anything else is masked by ``MaskErrors``.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from app import errors as domain
from app.enums import Plan


@strawberry.interface(name="Error")
class ErrorType:
    message: str


@strawberry.type(name="PermissionDenied")
class PermissionDenied(ErrorType):
    pass


@strawberry.type(name="PlanRequired")
class PlanRequiredError(ErrorType):
    plan: Plan = strawberry.field(description="The plan the feature needs")


@strawberry.type(name="InvalidInput")
class InvalidInput(ErrorType):
    field: str | None = None


@strawberry.type(name="NotFoundError")
class NotFoundError(ErrorType):
    pass


@strawberry.type(name="AlreadyExistsError")
class AlreadyExistsError(ErrorType):
    pass


@strawberry.type(name="ScimManagedError")
class ScimManagedError(ErrorType):
    pass


@strawberry.type(name="LastOwnerError")
class LastOwnerError(ErrorType):
    pass


def _plan(exc: domain.PlanRequired) -> PlanRequiredError:
    return PlanRequiredError(message=exc.detail, plan=Plan(exc.plan.upper()))


def _field(exc: domain.InvalidValue | domain.ImmutableField) -> InvalidInput:
    return InvalidInput(message=exc.detail, field=exc.field)


# Most specific first: a field whose union lacks e.g. LastOwnerError falls through to PermissionDenied.
HANDLERS: tuple[tuple[type[domain.DomainError], type[ErrorType], Any], ...] = (
    (domain.PlanRequired, PlanRequiredError, _plan),
    (domain.LastOwner, LastOwnerError, lambda e: LastOwnerError(message=e.detail)),
    (domain.Forbidden, PermissionDenied, lambda e: PermissionDenied(message=e.detail)),
    (domain.ScimManaged, ScimManagedError, lambda e: ScimManagedError(message=e.detail)),
    (domain.ImmutableField, InvalidInput, _field),
    (domain.InvalidValue, InvalidInput, _field),
    (domain.VersionMismatch, InvalidInput, lambda e: InvalidInput(message=e.detail, field=None)),
    (domain.NotFound, NotFoundError, lambda e: NotFoundError(message=e.detail)),
    (domain.AlreadyExists, AlreadyExistsError, lambda e: AlreadyExistsError(message=e.detail)),
)


def _handler(exception: type[domain.DomainError], error: type[ErrorType], build: Any) -> Any:
    class Handler(strawberry.ExceptionHandler):  # type: ignore[type-arg]
        exception_type = exception
        error_type = error

        def handle(self, exception: Exception, *, field: Any, info: Info) -> ErrorType:
            return build(exception)  # type: ignore[no-any-return]

    Handler.__name__ = f"{exception.__name__}Handler"
    return Handler()


def exception_handlers() -> list[Any]:
    """One handler per row of ``HANDLERS``, in order."""
    return [_handler(*row) for row in HANDLERS]


# -- GraphQL errors (fields without a typed-error union) ---------------------------------------------


class ApiError(GraphQLError):
    """An expected error reported in ``errors`` with ``extensions.code``; never masked."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


QUERY_CODES: tuple[tuple[type[domain.DomainError], str], ...] = (
    (domain.Unauthenticated, "UNAUTHENTICATED"),
    (domain.Forbidden, "FORBIDDEN"),
    (domain.NotFound, "NOT_FOUND"),
    (domain.InvalidValue, "BAD_USER_INPUT"),
    (domain.InvalidFilter, "BAD_USER_INPUT"),
    (domain.DomainError, "BAD_REQUEST"),
)


def query_error(exc: domain.DomainError) -> ApiError:
    """The GraphQL error for a domain error raised by a query field."""
    code = next(code for cls, code in QUERY_CODES if isinstance(exc, cls))
    return ApiError(exc.detail, code)


def unauthenticated() -> ApiError:
    return ApiError("not signed in", "UNAUTHENTICATED")


def should_mask(error: GraphQLError) -> bool:
    """Mask every error raised while resolving a field, except our own expected ones."""
    if not error.path:
        return False  # syntax, validation and variable errors: about the request, not about internals
    return not isinstance(error.original_error, ApiError)
