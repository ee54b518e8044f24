"""Groups on the wire ⇄ the typed changes of ``app.groups.changes``."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from scim2_models.exceptions import SCIMException
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Path,
    ValuePath,
)

from app.groups.changes import (
    AddMembers,
    GroupChange,
    RemoveMembers,
    ReplaceMembers,
    SetDisplayName,
    SetExternalId,
)
from app.groups.models import Group
from scim_facade.errors import invalid_path, invalid_value, mutability, no_target
from scim_facade.patch import check_op
from scim_facade.schemas import GROUP

Member = tuple[UUID, str | None, str]
BAD_ID = UUID(int=0)  # stands for a value that cannot be a member id: never a member of anything


def group_to_scim(group: Group, members: list[Member] | None, base_url: str) -> dict[str, Any]:
    """The SCIM Group; ``members=None`` leaves the attribute out (excluded, never loaded)."""
    out: dict[str, Any] = {"schemas": [GROUP], "id": str(group.id)}
    if group.external_id is not None:
        out["externalId"] = group.external_id
    out["displayName"] = group.display_name
    if members is not None:
        out["members"] = [
            {
                "value": str(mid),
                "display": display or user_name,
                "$ref": f"{base_url}/Users/{mid}",
                "type": "User",
            }
            for mid, display, user_name in members
        ]
    out["meta"] = {
        "resourceType": "Group",
        "created": group.created_at.isoformat().replace("+00:00", "Z"),
        "lastModified": group.updated_at.isoformat().replace("+00:00", "Z"),
        "location": f"{base_url}/Groups/{group.id}",
        "version": f'W/"{group.version}"',
    }
    return out


def _string(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise invalid_value(f"{field} must be a string")


def member_ids(value: Any, *, strict: bool) -> tuple[UUID, ...]:
    """Member ids of a ``members`` value; ``strict`` refuses ids that cannot exist (add/replace)."""
    if value is None:
        return ()
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise invalid_value("members must be an array of objects with a value")
    ids: list[UUID] = []
    for item in value:
        raw = item.get("value") if isinstance(item, dict) else None
        if not isinstance(raw, str) or not raw:
            raise invalid_value("each of members needs a value (the member's id)")
        try:
            ids.append(UUID(raw))
        except ValueError:
            if strict:
                raise invalid_value(f"no such member in this workspace: {raw[:80]}") from None
            ids.append(BAD_ID)
    return tuple(ids)


def body_fields(
    body: dict[str, Any], ignored: list[dict[str, str]]
) -> tuple[str, str | None, tuple[UUID, ...] | None]:
    """(displayName, externalId, member ids or None when ``members`` is absent) of a POST/PUT body."""
    name = _string(body.get("displayName"), "displayName")
    if not name:
        raise invalid_value("displayName is required")
    external_id = _string(body.get("externalId"), "externalId")
    members = member_ids(body["members"], strict=True) if "members" in body else None
    for key in body:
        if key not in ("displayName", "externalId", "members", "schemas", "id", "meta"):
            ignored.append({"attribute": key, "reason": "not supported by Roster"})
    return name, external_id, members


def patch_changes(ops: list[Any], group_id: UUID, ignored: list[dict[str, str]]) -> list[GroupChange]:
    """A group PATCH as typed changes, in order. An operation naming no members never touches them."""
    changes: list[GroupChange] = []
    for raw in ops:
        name, path, value = check_op(raw)
        if path is None:
            if name == "remove":
                raise no_target("a remove operation needs a path (RFC 7644 §3.5.2.2)")
            if not isinstance(value, dict):
                raise invalid_value(f"a path-less {name} needs an object of attributes as its value")
            for key, item in value.items():
                changes.extend(_attribute(name, key, None, item, group_id, ignored))
            continue
        try:
            node = Path(path).ast
        except (SCIMException, ValueError) as exc:
            raise invalid_path(f"{path!r} is not a valid attribute path: {exc}") from None
        if isinstance(node, AttrPath):
            if node.uri and node.uri != GROUP:
                ignored.append({"attribute": path[:120], "reason": "unknown schema extension"})
                continue
            key = node.attr if not node.sub_attr else f"{node.attr}.{node.sub_attr}"
            changes.extend(_attribute(name, key, None, value, group_id, ignored))
        elif isinstance(node, ValuePath) and node.attr_path.attr.lower() == "members" and not node.sub_attr:
            changes.extend(_attribute(name, "members", node.val_filter, value, group_id, ignored))
        else:
            raise invalid_path(
                f'{path!r}: Roster supports displayName, externalId, members and members[value eq "id"]'
            )
    return changes


def _attribute(
    op: str, key: str, selection: FilterNode | None, value: Any, group_id: UUID, ignored: list[dict[str, str]]
) -> list[GroupChange]:
    lowered = key.lower()
    if lowered in ("schemas", "meta"):
        return []
    if lowered == "id":
        if op != "remove" and value == str(group_id):
            return []
        raise mutability("id is read-only and cannot be changed")
    if lowered == "displayname":
        if op == "remove":
            raise invalid_value("displayName is required and cannot be removed")
        name = _string(value, "displayName")
        if not name:
            raise invalid_value("displayName is required")
        return [SetDisplayName(name)]
    if lowered == "externalid":
        return [SetExternalId(None if op == "remove" else _string(value, "externalId"))]
    if lowered == "members":
        if selection is not None:
            if op != "remove":
                raise invalid_path("a members[...] selection is only supported with remove")
            return [RemoveMembers(_selected_ids(selection))]
        if op == "remove":
            return [ReplaceMembers(())]  # RFC 7644 §3.5.2.2: remove without a filter removes them all
        ids = member_ids(value, strict=True)
        return [AddMembers(ids) if op == "add" else ReplaceMembers(ids)]
    if lowered.startswith("members."):
        raise invalid_path(f"{key!r}: members are changed as a whole entry, by value")
    ignored.append({"attribute": key[:120], "reason": "not supported by Roster"})
    return []


def _selected_ids(node: FilterNode) -> tuple[UUID, ...]:
    """``value eq "id"`` (or several of them joined by ``or``): the only member selection supported."""
    terms = node.terms if isinstance(node, LogicalExpr) and node.op == LogicalOperator.or_ else (node,)
    ids: list[UUID] = []
    for term in terms:
        if not (
            isinstance(term, Comparison)
            and term.op == CompareOperator.eq
            and term.attr_path.attr.lower() == "value"
            and not term.attr_path.sub_attr
            and isinstance(term.value, str)
        ):
            raise invalid_path(f'members[{node}]: only members[value eq "id"] selections are supported')
        try:
            ids.append(UUID(term.value))
        except ValueError:
            ids.append(BAD_ID)
    return tuple(ids)
