"""The one place where identity-provider dialects become RFC 7643/7644 shapes. Every rewrite is recorded
(short strings) so the provisioning log shows what was absorbed.

Absorbed: op names in any case; booleans as strings; dotted and URN-qualified keys in path-less values;
member (or e-mail) removal by value list; filtered paths that must create a missing entry; ``null`` as
absent; unknown extra schema URNs; PascalCase attribute names; the enterprise manager as a bare id; the
Microsoft group schema URN; unquoted values in PATCH path filters.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from scim2_models.path import AttrPath, CompareOperator, Comparison, FilterNode, LogicalExpr, LogicalOperator

from scim_facade.context import MICROSOFT_GROUP_URN
from scim_facade.schemas import (
    COMMON_ATTRS,
    ENTERPRISE,
    ENTERPRISE_ATTRS,
    GROUP,
    GROUP_ATTRS,
    USER,
    USER_ATTRS,
    Attr,
    find,
)

Resource = Literal["User", "Group"]
BOOLEAN_TRUE, BOOLEAN_FALSE = "true", "false"
_UNQUOTED = re.compile(r"\b(eq|ne|co|sw|ew|gt|ge|lt|le)\s+([^\s\"\]\)]+)", re.IGNORECASE)
_LITERALS = {"true", "false", "null"}


def _attrs(resource: Resource) -> tuple[Attr, ...]:
    return (USER_ATTRS if resource == "User" else GROUP_ATTRS) + COMMON_ATTRS


def _known_schemas(resource: Resource) -> tuple[str, ...]:
    return (USER, ENTERPRISE) if resource == "User" else (GROUP,)


# -- resources (POST / PUT bodies, path-less PATCH values) -------------------------------------------


def normalise_resource(body: dict[str, Any], resource: Resource, rewrites: list[str]) -> dict[str, Any]:
    """A resource body with canonical attribute names, nested dotted/URN keys, real booleans, no nulls."""
    out: dict[str, Any] = {}
    schemas = body.get("schemas")
    known = _known_schemas(resource)
    if isinstance(schemas, list):
        kept = []
        for urn in schemas:
            canonical = next((k for k in known if isinstance(urn, str) and k.lower() == urn.lower()), None)
            if canonical is not None:
                kept.append(canonical)
            elif urn == MICROSOFT_GROUP_URN:
                rewrites.append("ignored the Microsoft group schema URN")
            else:
                rewrites.append(f"ignored unknown schema URN {str(urn)[:80]}")
        out["schemas"] = kept
    for key, value in body.items():
        if key == "schemas":
            continue
        _put(out, key, value, resource, rewrites)
    return out


def _put(out: dict[str, Any], key: str, value: Any, resource: Resource, rewrites: list[str]) -> None:
    if value is None:
        rewrites.append(f"null {key} treated as absent")
        return
    ext = _extension_of(key, resource)
    if ext is not None:
        urn, rest = ext
        if not rest:  # the extension object itself
            if isinstance(value, dict):
                target = out.setdefault(urn, {})
                for sub_key, sub_value in value.items():
                    _put_attr(target, sub_key, sub_value, ENTERPRISE_ATTRS, rewrites, urn)
            else:
                out[urn] = value  # wrong type: reported by the mapping
            return
        rewrites.append(f"URN-qualified key {rest} moved into its extension")
        _put_attr(out.setdefault(urn, {}), rest, value, ENTERPRISE_ATTRS, rewrites, urn)
        return
    if key.lower().startswith("urn:"):
        rewrites.append(f"ignored unknown extension {key[:80]}")
        return
    if "." in key:
        head, _, tail = key.partition(".")
        rewrites.append(f"dotted key {key} nested")
        attr = find(_attrs(resource), head)
        name = attr.name if attr else head
        nested = out.setdefault(name, {})
        if isinstance(nested, dict):
            _put_attr(nested, tail, value, attr.sub if attr else (), rewrites, name)
        return
    _put_attr(out, key, value, _attrs(resource), rewrites, None)


def _put_attr(
    out: dict[str, Any],
    key: str,
    value: Any,
    attrs: tuple[Attr, ...],
    rewrites: list[str],
    parent: str | None,
) -> None:
    if value is None:
        rewrites.append(f"null {key} treated as absent")
        return
    attr = find(attrs, key)
    if attr is None:
        out[key] = value
        return
    if attr.name != key:
        rewrites.append(f"attribute name {key} read as {attr.name}")
    out[attr.name] = coerce(attr, value, rewrites, parent)


def coerce(attr: Attr, value: Any, rewrites: list[str], parent: str | None = None) -> Any:
    """A value of ``attr`` in RFC shape: string booleans, bare manager ids, canonical sub-attribute names."""
    label = f"{parent}.{attr.name}" if parent and not parent.startswith("urn:") else attr.name
    if attr.type == "boolean" and isinstance(value, str) and value.lower() in (BOOLEAN_TRUE, BOOLEAN_FALSE):
        rewrites.append(f"string boolean {label}={value!r} read as a boolean")
        return value.lower() == BOOLEAN_TRUE
    if attr.type == "complex":
        if attr.name == "manager" and isinstance(value, str):
            rewrites.append("bare manager id read as manager.value")
            return {"value": value}
        if isinstance(value, dict):
            return _coerce_complex(attr, value, rewrites, label)
        if attr.multi and isinstance(value, list):
            return [_coerce_complex(attr, v, rewrites, label) if isinstance(v, dict) else v for v in value]
    return value


def _coerce_complex(attr: Attr, value: dict[str, Any], rewrites: list[str], label: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, sub_value in value.items():
        if sub_value is None:
            continue
        sub = attr.child(key)
        if sub is None:
            out[key] = sub_value
            continue
        if sub.name != key:
            rewrites.append(f"attribute name {label}.{key} read as {sub.name}")
        out[sub.name] = coerce(sub, sub_value, rewrites, label)
    return out


def _extension_of(key: str, resource: Resource) -> tuple[str, str] | None:
    if resource != "User":
        return None
    lowered = key.lower()
    if lowered == ENTERPRISE.lower():
        return ENTERPRISE, ""
    if lowered.startswith(ENTERPRISE.lower() + ":"):
        return ENTERPRISE, key[len(ENTERPRISE) + 1 :]
    return None


# -- PATCH --------------------------------------------------------------------------------------------


def normalise_operations(body: dict[str, Any], rewrites: list[str]) -> list[Any]:
    """The Operations array, whatever the key's case."""
    for key, value in body.items():
        if key.lower() == "operations":
            if key != "Operations":
                rewrites.append(f"{key} read as Operations")
            return value if isinstance(value, list) else [value] if isinstance(value, dict) else value
    return []


def normalise_op(op: dict[str, Any], resource: Resource, rewrites: list[str]) -> dict[str, Any]:
    """One PATCH operation in RFC shape."""
    out = {str(k).lower(): v for k, v in op.items()}
    name = out.get("op")
    if isinstance(name, str) and name != name.lower():
        rewrites.append(f"op {name} read as {name.lower()}")
        out["op"] = name.lower()
    path = out.get("path")
    if isinstance(path, str):
        path = path.strip()
        quoted = _UNQUOTED.sub(_quote_literal, path)
        if quoted != path:
            rewrites.append(f"unquoted filter value in path {path[:80]} quoted")
        out["path"] = path = quoted or None
    value = out.get("value")
    if out.get("op") in ("add", "replace"):
        if path and value is None and "value" in out:
            rewrites.append(f"{out['op']} {path} with null read as remove")
            out["op"] = "remove"
            out.pop("value")
        elif not path and isinstance(value, dict):
            out["value"] = normalise_resource(value, resource, rewrites)
    if out.get("op") == "remove" and isinstance(path, str) and isinstance(value, list) and "[" not in path:
        out["path"] = _value_list_filter(path, value, rewrites)
        out.pop("value")
    return out


def _quote_literal(match: re.Match[str]) -> str:
    op, literal = match.group(1), match.group(2)
    if literal.lower() in _LITERALS or re.fullmatch(r"-?\d+(\.\d+)?", literal):
        return match.group(0)
    return f'{op} "{literal}"'


def _value_list_filter(path: str, value: list[Any], rewrites: list[str]) -> str:
    """``remove`` of ``members`` (or ``emails``) with a value list removes only the values listed."""
    ids: list[str] = [v["value"] for v in value if isinstance(v, dict) and isinstance(v.get("value"), str)]
    if not ids:
        return path
    rewrites.append(f"remove {path} with a value list read as removing only the {len(ids)} listed")
    quoted = " or ".join(f"value eq {_json_string(i)}" for i in ids)
    return f"{path}[{quoted}]"


def _json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_for_filter(node: FilterNode) -> dict[str, Any] | None:
    """The entry a filtered path implies when none matches (``emails[type eq "work"]`` → a work e-mail),
    or None when the filter does not name one (then the RFC's noTarget applies)."""
    terms = node.terms if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_ else (node,)
    entry: dict[str, Any] = {}
    for term in terms:
        if not (isinstance(term, Comparison) and term.op == CompareOperator.eq):
            return None
        path: AttrPath = term.attr_path
        if path.sub_attr or path.uri:
            return None
        entry[path.attr] = term.value
    return entry or None
