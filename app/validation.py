"""Small value checks shared by every service (lengths, timezones, e-mail shape)."""

from __future__ import annotations

import functools
import zoneinfo

from app.errors import InvalidValue

MAX_TEXT = 255


def text(value: str | None, field: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
    """Strip-free length and presence check: values are stored exactly as sent."""
    if value is None or value == "":
        if required:
            raise InvalidValue(f"{field} is required", field=field)
        return None if value is None else value
    if not isinstance(value, str):
        raise InvalidValue(f"{field} must be a string", field=field)
    if len(value) > max_length:
        raise InvalidValue(f"{field} is longer than {max_length} characters", field=field)
    if "\x00" in value:
        raise InvalidValue(f"{field} contains a NUL character", field=field)
    if required and not value.strip():
        raise InvalidValue(f"{field} must not be blank", field=field)
    return value


def required_text(value: str | None, field: str, *, max_length: int = MAX_TEXT) -> str:
    checked = text(value, field, required=True, max_length=max_length)
    assert checked is not None
    return checked


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_timezone(name: str | None) -> bool:
    return isinstance(name, str) and name in _zones()


def timezone(name: str, field: str = "timezone") -> str:
    if not is_timezone(name):
        raise InvalidValue(f"{name!r} is not an IANA timezone name (e.g. Europe/Paris)", field=field)
    return name


def all_timezones() -> list[str]:
    return sorted(_zones())
