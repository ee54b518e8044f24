"""The PATCH engine for users (RFC 7644 §3.5.2): operations applied in order to a document.

The document is a plain dict (see ``user_mapping``); value-path filters are evaluated in memory on the
small multi-valued attribute they select. The caller converts the result back to a profile inside the
same unit of work, so any failing operation leaves nothing applied.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from scim2_models.exceptions import SCIMException
from scim2_models.path import AttrPath, FilterNode, Path, ValuePath

from scim_facade import dialects
from scim_facade.errors import ScimError, invalid_path, invalid_syntax, invalid_value, mutability, no_target
from scim_facade.filter_match import matches
from scim_facade.schemas import COMMON_ATTRS, ENTERPRISE, ENTERPRISE_ATTRS, USER, USER_ATTRS, Attr, find

OPS = ("add", "replace", "remove")
EXTENSION = Attr(ENTERPRISE, type="complex", sub=ENTERPRISE_ATTRS)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a path points: the dict holding the attribute, the attribute, and what narrows it."""

    container: dict[str, Any]
    attr: Attr
    sub: Attr | None = None
    filter: FilterNode | None = None


@dataclass(slots=True)
class PatchOutcome:
    ignored: list[dict[str, str]]


def check_patch_size(ops: list[Any], limit: int) -> None:
    """One PATCH is one transaction: past the bulk operation limit it is refused as tooMany."""
    if len(ops) > limit:
        raise ScimError(400, f"at most {limit} operations per PATCH request; got {len(ops)}", "tooMany")


def check_op(op: Any) -> tuple[str, str | None, Any]:
    """(op, path, value) of a normalised operation, or 400 invalidSyntax."""
    if not isinstance(op, dict):
        raise invalid_syntax("each PATCH operation must be a JSON object")
    name = op.get("op")
    if name not in OPS:
        raise invalid_syntax(f"PATCH op must be one of add, replace, remove; got {name!r}")
    path = op.get("path")
    if path is not None and not isinstance(path, str):
        raise invalid_path("PATCH path must be a string")
    if name != "remove" and "value" not in op:
        raise invalid_syntax(f"a PATCH {name} operation needs a value")
    return name, path or None, op.get("value")


def apply_user_patch(
    doc: dict[str, Any], ops: list[dict[str, Any]], *, user_id: str, rewrites: list[str]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The document after every operation, and what was ignored."""
    doc = copy.deepcopy(doc)
    ignored: list[dict[str, str]] = []
    for raw in ops:
        name, path, value = check_op(raw)
        if path is None:
            if name == "remove":
                raise no_target("a remove operation needs a path (RFC 7644 §3.5.2.2)")
            if not isinstance(value, dict):
                raise invalid_value(f"a path-less {name} needs an object of attributes as its value")
            for key, item in value.items():
                if key == "schemas" or key == "meta":
                    continue
                if key == "id":
                    if item != user_id:
                        raise mutability("id is read-only and cannot be changed")
                    continue
                if key == ENTERPRISE and isinstance(item, dict):
                    for sub_key, sub_item in item.items():
                        _apply(doc, name, f"{ENTERPRISE}:{sub_key}", sub_item, ignored, rewrites)
                    continue
                if key == "groups" and item in ([], None):
                    continue
                _apply(doc, name, key, item, ignored, rewrites)
        else:
            _apply(doc, name, path, value, ignored, rewrites)
    return doc, ignored


def _apply(
    doc: dict[str, Any], name: str, path: str, value: Any, ignored: list[dict[str, str]], rewrites: list[str]
) -> None:
    target = resolve(doc, path, ignored)
    if target is None:
        return
    if name == "remove":
        _remove(target)
    else:
        _set(target, name, dialects.coerce(target.sub or target.attr, value, rewrites), path, rewrites)


def resolve(doc: dict[str, Any], path: str, ignored: list[dict[str, str]]) -> Target | None:
    """The target of a path; None (and reported) for attributes Roster does not support."""
    if path.lower() == ENTERPRISE.lower():
        return Target(doc, EXTENSION)
    try:
        node = Path(path).ast
    except (SCIMException, ValueError) as exc:
        raise invalid_path(f"{path!r} is not a valid attribute path: {exc}") from None
    filter_node: FilterNode | None = None
    sub_name: str | None = None
    if isinstance(node, ValuePath):
        attr_path, filter_node, sub_name = node.attr_path, node.val_filter, node.sub_attr
    elif isinstance(node, AttrPath):
        attr_path, sub_name = node, node.sub_attr
    else:
        raise invalid_path(f"{path!r} is a filter, not an attribute path")
    if isinstance(node, ValuePath) and attr_path.sub_attr:
        raise invalid_path(f"{path!r}: a value filter applies to a multi-valued attribute")
    uri = (attr_path.uri or "").lower()
    if uri in ("", USER.lower()):
        container, attrs = doc, USER_ATTRS + COMMON_ATTRS
    elif uri == ENTERPRISE.lower():
        container, attrs = doc.setdefault(ENTERPRISE, {}), ENTERPRISE_ATTRS
    else:
        ignored.append({"attribute": path[:120], "reason": "unknown schema extension"})
        return None
    attr = find(attrs, attr_path.attr)
    if attr is None:
        ignored.append({"attribute": path[:120], "reason": "not supported by Roster"})
        return None
    if attr.name == "password":
        ignored.append({"attribute": "password", "reason": "passwords are never stored"})
        return None
    if not attr.writable:
        raise mutability(f"{attr.name} is read-only and cannot be changed")
    if attr.name == "externalId" and sub_name:
        raise invalid_path(f"{path!r}: externalId has no sub-attributes")
    sub: Attr | None = None
    if sub_name:
        sub = attr.child(sub_name)
        if sub is None:
            raise invalid_path(f"{path!r}: {attr.name} has no sub-attribute {sub_name!r}")
        if not sub.writable:
            raise mutability(f"{attr.name}.{sub.name} is read-only and cannot be changed")
    if filter_node is not None and not attr.multi:
        raise invalid_path(f"{path!r}: only multi-valued attributes take a value filter")
    return Target(container, attr, sub, filter_node)


def _set(target: Target, op: str, value: Any, path: str, rewrites: list[str]) -> None:
    container, attr, sub = target.container, target.attr, target.sub
    if target.filter is not None:
        entries = _entries(container, attr)
        selected = [e for e in entries if matches(target.filter, e)]
        if not selected:
            entry = dialects.entry_for_filter(target.filter)
            if entry is None:
                raise no_target(f"{path!r} matches no value of {attr.name}")
            rewrites.append(f"{op} on {path[:80]} created the missing {attr.name} entry")
            entries.append(entry)
            selected = [entry]
        for entry in selected:
            if sub is not None:
                entry[sub.name] = value
            else:
                if not isinstance(value, dict):
                    raise invalid_value(f"{path!r} selects {attr.name} entries; the value must be an object")
                if op == "replace":
                    entry.clear()
                entry.update(value)
        _single_primary(entries, selected)
        return
    if sub is not None:
        if attr.multi:
            entries = _entries(container, attr)
            if not entries:
                raise no_target(f"{path!r}: there is no {attr.name} value to change")
            for entry in entries:
                entry[sub.name] = value
        else:
            nested = container.get(attr.name)
            if not isinstance(nested, dict):
                nested = container[attr.name] = {}
            nested[sub.name] = value
        return
    if attr.multi:
        items = value if isinstance(value, list) else [value]
        if op == "replace":
            container[attr.name] = list(items)
        else:
            entries = _entries(container, attr)
            entries.extend(i for i in items if i not in entries)
            new = [i for i in items if isinstance(i, dict)]
            _single_primary(entries, new)
        return
    if attr.type == "complex":
        if not isinstance(value, dict):
            raise invalid_value(f"{attr.name} must be a JSON object")
        nested = container.get(attr.name)
        if not isinstance(nested, dict):
            nested = container[attr.name] = {}
        if attr is EXTENSION:
            for key, item in value.items():
                sub_attr = find(ENTERPRISE_ATTRS, key)
                nested[sub_attr.name if sub_attr else key] = item
        else:
            nested.update(value)  # sub-attributes not named are left unchanged (RFC 7644 §3.5.2.3)
        return
    container[attr.name] = value


def _remove(target: Target) -> None:
    container, attr, sub = target.container, target.attr, target.sub
    if target.filter is not None:
        entries = _entries(container, attr)
        if sub is not None:
            for entry in entries:
                if matches(target.filter, entry):
                    entry.pop(sub.name, None)
        else:
            container[attr.name] = [e for e in entries if not matches(target.filter, e)]
        return
    if sub is not None:
        if attr.multi:
            for entry in _entries(container, attr):
                entry.pop(sub.name, None)
        elif isinstance(container.get(attr.name), dict):
            container[attr.name].pop(sub.name, None)
        return
    container.pop(attr.name, None)


def _entries(container: dict[str, Any], attr: Attr) -> list[Any]:
    entries = container.get(attr.name)
    if not isinstance(entries, list):
        entries = container[attr.name] = [] if entries is None else [entries]
    return entries


def _single_primary(entries: list[Any], chosen: list[Any]) -> None:
    """Setting primary on one value clears it on the others (RFC 7643 §2.4)."""
    if any(isinstance(e, dict) and e.get("primary") is True for e in chosen):
        keep = next(e for e in chosen if isinstance(e, dict) and e.get("primary") is True)
        for entry in entries:
            if isinstance(entry, dict) and entry is not keep and entry.get("primary") is True:
                entry["primary"] = False
