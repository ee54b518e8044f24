"""SCIM errors: one table from domain error class to (status, scimType), and the SCIM Error body."""

from __future__ import annotations

from typing import Any

from app.errors import (
    AlreadyExists,
    DomainError,
    Forbidden,
    ImmutableField,
    InvalidFilter,
    InvalidValue,
    LastOwner,
    NotFound,
    Unauthenticated,
    VersionMismatch,
)

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"

# Most specific class first: the first isinstance match wins.
DOMAIN_ERRORS: tuple[tuple[type[DomainError], int, str | None], ...] = (
    (Unauthenticated, 401, None),
    (LastOwner, 400, "mutability"),
    (Forbidden, 403, None),
    (NotFound, 404, None),
    (AlreadyExists, 409, "uniqueness"),
    (ImmutableField, 400, "mutability"),
    (InvalidFilter, 400, "invalidFilter"),
    (VersionMismatch, 412, None),
    (InvalidValue, 400, "invalidValue"),
)


class ScimError(Exception):
    """A failure the SCIM edge itself detects (bad syntax, bad path, too large, ...)."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def invalid_syntax(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidSyntax")


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def invalid_path(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidPath")


def no_target(detail: str) -> ScimError:
    return ScimError(400, detail, "noTarget")


def mutability(detail: str) -> ScimError:
    return ScimError(400, detail, "mutability")


def translate(exc: BaseException) -> ScimError:
    """The SCIM view of any exception; unexpected ones become a plain 500 without internals."""
    if isinstance(exc, ScimError):
        return exc
    if isinstance(exc, DomainError):
        for cls, status, scim_type in DOMAIN_ERRORS:
            if isinstance(exc, cls):
                detail = exc.detail
                if isinstance(exc, VersionMismatch):
                    detail = (
                        f'the resource has changed (current version W/"{exc.current}", If-Match '
                        f'W/"{exc.expected}"); read it again and retry'
                    )
                return ScimError(status, detail, scim_type)
        return ScimError(400, exc.detail, "invalidValue")
    return ScimError(500, "internal server error; the request was not applied")


def error_body(error: ScimError) -> dict[str, Any]:
    """The RFC 7644 §3.12 Error message (status as a string)."""
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(error.status)}
    if error.scim_type:
        body["scimType"] = error.scim_type
    body["detail"] = error.detail
    return body


def error_type(error: ScimError, exc: BaseException) -> str:
    """The provisioning log's error_type: the scimType, else the exception class name."""
    return error.scim_type or type(exc).__name__
