"""Opaque cursors: a kind tag and the keyset position, base64url-encoded JSON."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from app.errors import InvalidValue


def encode(kind: str, key: str, item_id: UUID) -> str:
    raw = orjson.dumps([kind, key, str(item_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> tuple[str, UUID] | None:
    """The (key, id) position after which a page starts; a foreign or damaged cursor is bad input."""
    if cursor is None:
        return None
    try:
        if len(cursor) > 2000:
            raise ValueError
        value: Any = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        tag, key, item_id = value
        if tag != kind or not isinstance(key, str):
            raise ValueError
        return key, UUID(item_id)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidValue("after is not a cursor from this list", field="after") from exc


def decode_time(kind: str, cursor: str | None) -> tuple[datetime, UUID] | None:
    """A cursor whose key is an ISO timestamp (newest-first lists)."""
    position = decode(kind, cursor)
    if position is None:
        return None
    try:
        return datetime.fromisoformat(position[0]), position[1]
    except ValueError as exc:
        raise InvalidValue("after is not a cursor from this list", field="after") from exc


def parse_id(value: str, field: str = "id") -> UUID:
    """A GraphQL ID as our UUID; anything else is bad input (never a 500)."""
    try:
        if len(value) > 64:
            raise ValueError
        return UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidValue(f"{field} is not a valid id", field=field) from exc
