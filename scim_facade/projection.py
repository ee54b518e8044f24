"""``attributes`` / ``excludedAttributes`` (RFC 7644 §3.4.2.5) applied to a built resource, and the
question a route asks before loading anything: will this attribute be returned at all?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scim_facade.errors import invalid_value
from scim_facade.schemas import ENTERPRISE, GROUP, USER

ALWAYS = ("id", "schemas")
Ref = tuple[str | None, str | None, str | None]  # (extension URN or None, attribute, sub-attribute)


def _ref(raw: str) -> Ref:
    text = raw.strip()
    lowered = text.lower()
    if lowered == ENTERPRISE.lower():
        return ENTERPRISE, None, None
    urn: str | None = None
    if lowered.startswith(ENTERPRISE.lower() + ":"):
        urn, text = ENTERPRISE, text[len(ENTERPRISE) + 1 :]
    else:
        for core in (USER, GROUP):
            if lowered.startswith(core.lower() + ":"):
                text = text[len(core) + 1 :]
    attr, _, sub = text.partition(".")
    if not attr:
        raise invalid_value(f"{raw!r} is not an attribute name")
    return urn, attr.lower(), sub.lower() or None


def parse_list(value: Any, name: str) -> list[Ref]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = value.split(",")
    else:
        raise invalid_value(f"{name} must be a comma-separated string or an array of strings")
    if not all(isinstance(i, str) for i in items):
        raise invalid_value(f"{name} must contain attribute names")
    return [_ref(i) for i in items if i.strip()]


@dataclass(frozen=True, slots=True)
class Projection:
    attributes: list[Ref]
    excluded: list[Ref]

    @classmethod
    def parse(cls, attributes: Any, excluded: Any) -> Projection:
        return cls(parse_list(attributes, "attributes"), parse_list(excluded, "excludedAttributes"))

    @classmethod
    def of_query(cls, params: Mapping[str, str]) -> Projection:
        """The projection named by a request's ``attributes``/``excludedAttributes`` query parameters."""
        return cls.parse(params.get("attributes"), params.get("excludedAttributes"))

    def wants(self, attr: str) -> bool:
        """Whether the top-level core attribute ``attr`` will be in the response."""
        lowered = attr.lower()
        if self.attributes:
            return any(u is None and a == lowered for u, a, _ in self.attributes)
        return not any(u is None and a == lowered and s is None for u, a, s in self.excluded)

    def apply(self, resource: dict[str, Any]) -> dict[str, Any]:
        if not self.attributes and not self.excluded:
            return resource
        if self.attributes:
            out = {k: v for k, v in resource.items() if k in ALWAYS}
            for urn, attr, sub in self.attributes:
                _copy(resource, out, urn, attr, sub)
            return out
        out = dict(resource)
        for urn, attr, sub in self.excluded:
            _drop(out, urn, attr, sub)
        return out


def _key(container: dict[str, Any], lowered: str) -> str | None:
    return next((k for k in container if k.lower() == lowered), None)


def _copy(
    src: dict[str, Any], dst: dict[str, Any], urn: str | None, attr: str | None, sub: str | None
) -> None:
    if urn is not None:
        if urn not in src:
            return
        if attr is None:
            dst[urn] = src[urn]
            return
        _copy(src[urn], dst.setdefault(urn, {}), None, attr, sub)
        if not dst[urn]:
            dst.pop(urn)
        return
    assert attr is not None
    key = _key(src, attr)
    if key is None or key in ALWAYS:
        return
    value = src[key]
    if sub is None or not isinstance(value, (dict, list)):
        dst[key] = value
        return
    if isinstance(value, dict):
        sub_key = _key(value, sub)
        if sub_key is not None:
            dst.setdefault(key, {})[sub_key] = value[sub_key]
        return
    dst[key] = [
        {k: v for k, v in item.items() if k.lower() == sub} for item in value if isinstance(item, dict)
    ]


def _drop(out: dict[str, Any], urn: str | None, attr: str | None, sub: str | None) -> None:
    if urn is not None:
        if urn not in out:
            return
        if attr is None:
            out.pop(urn)
            return
        nested = dict(out[urn])
        _drop(nested, None, attr, sub)
        out[urn] = nested
        return
    assert attr is not None
    key = _key(out, attr)
    if key is None or key in ALWAYS:
        return
    if sub is None:
        out.pop(key)
        return
    value = out[key]
    if isinstance(value, dict):
        out[key] = {k: v for k, v in value.items() if k.lower() != sub}
    elif isinstance(value, list):
        out[key] = [
            {k: v for k, v in item.items() if k.lower() != sub} if isinstance(item, dict) else item
            for item in value
        ]
