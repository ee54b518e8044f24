"""SCIM filters and sort parameters → the domain's filter tree (``app.querying``).

Parsing is scim2-models' RFC 7644 grammar (``ScimFilter(...).ast``); this module maps SCIM attribute
names (case-insensitive, optionally URN-qualified) to domain attributes, checks operators and value
types, and absorbs one dialect: unquoted string values (Entra's samples send
``userName eq someone@x.com``), each rewrite reported by ``parse_filter_with_rewrites``.
Anything malformed or unsupported raises ``InvalidFilter``; no clause is ever dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from scim2_models import ScimFilter
from scim2_models.exceptions import InvalidFilterException
from scim2_models.path import AttrPath, Comparison, FilterNode, LogicalExpr, LogicalOperator, ValuePath
from scim2_models.path import Not as ScimNot
from scim2_models.path import Present as ScimPresent

from app.errors import InvalidFilter, InvalidValue
from app.querying import And, Compare, Each, Filter, Not, Or, Present, SortSpec, Value

Resource = Literal["User", "Group"]
Type = Literal["string", "boolean", "dateTime", "reference"]

MAX_FILTER_BYTES = 4096
MAX_DEPTH = 50

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"


@dataclass(frozen=True, slots=True)
class Attr:
    """A filterable SCIM attribute: its domain name and SCIM type."""

    domain: str
    type: Type = "string"


@dataclass(frozen=True, slots=True)
class Multi:
    """A multi-valued complex SCIM attribute: its domain name and sub-attributes."""

    domain: str
    subs: dict[str, Attr]


_CONTACT = {
    "value": Attr("value"),
    "type": Attr("type"),
    "primary": Attr("primary", "boolean"),
    "display": Attr("display"),
}
_META = {"created": Attr("created_at", "dateTime"), "lastmodified": Attr("updated_at", "dateTime")}

# Keys are lower-cased SCIM names; complex single-valued attributes map sub-attribute → Attr.
_USER_SIMPLE: dict[str, Attr] = {
    "id": Attr("id", "reference"),
    "externalid": Attr("external_id"),
    "username": Attr("user_name"),
    "displayname": Attr("display_name"),
    "nickname": Attr("nick_name"),
    "title": Attr("title"),
    "usertype": Attr("user_type"),
    "profileurl": Attr("profile_url"),
    "locale": Attr("locale"),
    "preferredlanguage": Attr("preferred_language"),
    "timezone": Attr("timezone"),
    "active": Attr("active", "boolean"),
}
_USER_COMPLEX: dict[str, dict[str, Attr]] = {
    "name": {
        "formatted": Attr("formatted_name"),
        "familyname": Attr("family_name"),
        "givenname": Attr("given_name"),
        "middlename": Attr("middle_name"),
        "honorificprefix": Attr("honorific_prefix"),
        "honorificsuffix": Attr("honorific_suffix"),
    },
    "meta": _META,
}
_USER_MULTI: dict[str, Multi] = {
    "emails": Multi("emails", _CONTACT),
    "phonenumbers": Multi("phone_numbers", _CONTACT),
    "groups": Multi("groups", {"value": Attr("value", "reference"), "display": Attr("display")}),
}
_ENTERPRISE_SIMPLE: dict[str, Attr] = {
    "employeenumber": Attr("employee_number"),
    "costcenter": Attr("cost_center"),
    "organization": Attr("organization"),
    "division": Attr("division"),
    "department": Attr("department"),
}
_ENTERPRISE_COMPLEX: dict[str, dict[str, Attr]] = {
    "manager": {"value": Attr("manager_value"), "displayname": Attr("manager_display_name")},
}
_GROUP_SIMPLE: dict[str, Attr] = {
    "id": Attr("id", "reference"),
    "externalid": Attr("external_id"),
    "displayname": Attr("display_name"),
}
_GROUP_MULTI: dict[str, Multi] = {
    "members": Multi("members", {"value": Attr("value", "reference"), "display": Attr("display")}),
}

# sortBy → domain attribute (lower-cased SCIM paths, URN prefixes stripped first).
_USER_SORT = {
    "username": "user_name",
    "displayname": "display_name",
    "name.familyname": "family_name",
    "name.givenname": "given_name",
    "emails": "primary_email",
    "emails.value": "primary_email",
    "meta.created": "created_at",
    "meta.lastmodified": "updated_at",
    "externalid": "external_id",
    "id": "id",
}
_GROUP_SORT = {
    "displayname": "display_name",
    "meta.created": "created_at",
    "meta.lastmodified": "updated_at",
    "externalid": "external_id",
    "id": "id",
}

_OPS = r"(?:eq|ne|co|sw|ew|gt|ge|lt|le)"
_UNQUOTED = re.compile(
    rf"(?<![\w:.$-])(?P<head>[A-Za-z][\w:.$-]*\s+{_OPS}\s+)(?P<value>[^\s\"()\[\]]+)", re.IGNORECASE
)
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?')


def parse_filter(expr: str, resource: Resource) -> Filter:
    """Parse a SCIM filter for ``resource`` into the domain filter tree; raises ``InvalidFilter``."""
    return parse_filter_with_rewrites(expr, resource)[0]


def parse_filter_with_rewrites(expr: str, resource: Resource) -> tuple[Filter, list[str]]:
    """Like ``parse_filter``, also returning the dialect rewrites applied (for the provisioning log)."""
    if resource not in ("User", "Group"):
        raise ValueError(f"no filters for resource type {resource!r}")
    if len(expr.encode()) > MAX_FILTER_BYTES:
        raise InvalidFilter(f"filter is longer than {MAX_FILTER_BYTES} bytes")
    if not expr.strip():
        raise InvalidFilter("filter is empty")
    rewrites: list[str] = []
    ast = _parse(expr, rewrites)
    mapper = _Mapper(resource, rewrites)
    return mapper.node(ast, depth=1), rewrites


def parse_sort(sort_by: str | None, sort_order: str | None, resource: Resource) -> SortSpec | None:
    """``sortBy``/``sortOrder`` → ``SortSpec``; an unknown attribute or order raises ``InvalidValue``."""
    if sort_by is None or not sort_by.strip():
        return None  # sortOrder alone has nothing to order (RFC 7644 §3.4.2.3)
    order = (sort_order or "ascending").strip().lower()
    if order not in ("ascending", "descending"):
        raise InvalidValue(f"sortOrder must be 'ascending' or 'descending', not {sort_order!r}")
    path = sort_by.strip().lower()
    for urn in (CORE_USER, CORE_GROUP, ENTERPRISE):
        if path.startswith(urn + ":"):
            path = path[len(urn) + 1 :]
            break
    table = _USER_SORT if resource == "User" else _GROUP_SORT
    if path not in table:
        raise InvalidValue(
            f"cannot sort {resource}s by {sort_by!r}; supported: {', '.join(sorted(table))}",
            field="sortBy",
        )
    return SortSpec(table[path], descending=order == "descending")


# -- parsing -----------------------------------------------------------------------------------------


def _parse(expr: str, rewrites: list[str]) -> FilterNode:
    try:
        return ScimFilter(expr).ast
    except InvalidFilterException as exc:
        original = exc
    quoted = _quote_bare_values(expr, rewrites)
    if quoted != expr:
        try:
            return ScimFilter(quoted).ast
        except InvalidFilterException:
            pass
    rewrites.clear()
    raise InvalidFilter(f"invalid filter: {_detail(original)}") from original


def _detail(exc: InvalidFilterException) -> str:
    detail = str(getattr(exc, "detail", None) or exc)
    return detail.replace("32 expressions", "32 levels")


def _quote_bare_values(expr: str, rewrites: list[str]) -> str:
    """Quote unquoted comparison values outside string literals (``userName eq a@b.c``)."""
    out: list[str] = []
    pos = 0
    for match in _STRING.finditer(expr):
        out.append(_quote_segment(expr[pos : match.start()], rewrites))
        out.append(match.group())
        pos = match.end()
    out.append(_quote_segment(expr[pos:], rewrites))
    return "".join(out)


def _quote_segment(segment: str, rewrites: list[str]) -> str:
    def quote(match: re.Match[str]) -> str:
        value = match.group("value")
        if value.lower() in ("true", "false", "null") or _JSON_NUMBER.fullmatch(value):
            return match.group()
        rewrites.append(f"unquoted filter value {value} read as the string {json.dumps(value)}")
        return match.group("head") + json.dumps(value)

    return _UNQUOTED.sub(quote, segment)


# -- mapping -----------------------------------------------------------------------------------------


class _Mapper:
    def __init__(self, resource: Resource, rewrites: list[str]) -> None:
        self.resource = resource
        self.rewrites = rewrites
        if resource == "User":
            self.simple, self.complex, self.multi = _USER_SIMPLE, _USER_COMPLEX, _USER_MULTI
            self.urns = {CORE_USER: "core", ENTERPRISE: "enterprise"}
        else:
            self.simple, self.complex, self.multi = _GROUP_SIMPLE, {"meta": _META}, _GROUP_MULTI
            self.urns = {CORE_GROUP: "core"}

    def node(self, ast: FilterNode, depth: int) -> Filter:
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"filter nests deeper than {MAX_DEPTH} levels")
        if isinstance(ast, LogicalExpr):
            terms = tuple(self.node(t, depth + 1) for t in ast.terms)
            return And(terms) if ast.op == LogicalOperator.and_ else Or(terms)
        if isinstance(ast, ScimNot):
            return Not(self.node(ast.expr, depth + 1))
        if isinstance(ast, ValuePath):
            return self._value_path(ast, depth)
        if isinstance(ast, ScimPresent | Comparison):
            return self._leaf(ast)
        raise InvalidFilter(f"unsupported filter expression {str(ast)!r}")

    def _leaf(self, ast: ScimPresent | Comparison) -> Filter:
        path = ast.attr_path
        name = str(path)
        schema, attr, sub = self._split(path)
        multi = self.multi.get(attr) if schema == "core" else None
        if multi is not None:
            # emails.value eq "x": some e-mail has that value; a bare "emails eq" compares .value
            if sub is None and isinstance(ast, ScimPresent):
                return Present(multi.domain)  # some entry exists
            target = multi.subs.get(sub or "value")
            if target is None:
                raise InvalidFilter(f"unknown attribute {name!r}")
            return Each(multi.domain, self._apply(ast, target, name))
        return self._apply(ast, self._single(schema, attr, sub, name), name)

    def _value_path(self, ast: ValuePath, depth: int) -> Filter:
        name = str(ast.attr_path)
        if ast.sub_attr is not None:
            raise InvalidFilter(f"unsupported filter expression {str(ast)!r}")
        schema, attr, sub = self._split(ast.attr_path)
        multi = self.multi.get(attr) if schema == "core" and sub is None else None
        if multi is None:
            known = self._known(schema, attr)
            raise InvalidFilter(
                f"{name!r} is not a multi-valued attribute" if known else f"unknown attribute {name!r}"
            )
        return Each(multi.domain, _SubMapper(multi, name, self).node(ast.val_filter, depth + 1))

    def _split(self, path: AttrPath) -> tuple[str, str, str | None]:
        """(schema, lower-cased attribute, lower-cased sub-attribute); unknown URNs are refused."""
        schema = "core"
        if path.uri is not None:
            known = self.urns.get(path.uri.lower())
            if known is None:
                raise InvalidFilter(f"unknown schema {path.uri!r} in filter attribute {str(path)!r}")
            schema = known
        attr = path.attr.lower()
        enterprise = attr in _ENTERPRISE_SIMPLE or attr in _ENTERPRISE_COMPLEX
        if schema == "core" and self.resource == "User" and path.uri is None and enterprise:
            schema = "enterprise"  # unambiguous: the core User schema has no such attribute
        return schema, attr, path.sub_attr.lower() if path.sub_attr else None

    def _known(self, schema: str, attr: str) -> bool:
        if schema == "enterprise":
            return attr in _ENTERPRISE_SIMPLE or attr in _ENTERPRISE_COMPLEX
        return attr in self.simple or attr in self.complex or attr in self.multi

    def _single(self, schema: str, attr: str, sub: str | None, name: str) -> Attr:
        simple = _ENTERPRISE_SIMPLE if schema == "enterprise" else self.simple
        complex_ = _ENTERPRISE_COMPLEX if schema == "enterprise" else self.complex
        if attr in simple:
            if sub is not None:
                raise InvalidFilter(f"unknown attribute {name!r}: {attr!r} has no sub-attributes")
            return simple[attr]
        if attr in complex_:
            if sub is None:
                raise InvalidFilter(
                    f"{name!r} is a complex attribute: name a sub-attribute, "
                    f"e.g. {name}.{next(iter(complex_[attr]))}"
                )
            if sub not in complex_[attr]:
                raise InvalidFilter(f"unknown attribute {name!r}")
            return complex_[attr][sub]
        raise InvalidFilter(f"unknown attribute {name!r}")

    def _apply(self, ast: ScimPresent | Comparison, target: Attr, name: str) -> Filter:
        if isinstance(ast, ScimPresent):
            return Present(target.domain)
        op = ast.op.value
        if ast.value is None:
            # "eq null" asks for absence, "ne null" for presence; nothing else compares with null.
            if op == "eq":
                return Not(Present(target.domain))
            if op == "ne":
                return Present(target.domain)
            raise InvalidFilter(f"{name!r} {op} null: only eq and ne compare with null")
        return Compare(target.domain, op, self._value(target, op, ast.value, name))  # type: ignore[arg-type]

    def _value(self, target: Attr, op: str, value: Any, name: str) -> Value:
        if target.type == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                self.rewrites.append(f"string {json.dumps(value)} for boolean {name} read as a boolean")
                value = value.lower() == "true"
            if not isinstance(value, bool):
                raise InvalidFilter(f"{name!r} is a boolean: compare it with true or false")
            if op not in ("eq", "ne"):
                raise InvalidFilter(f"{name!r} is a boolean: only eq and ne apply")
            return value
        if target.type == "dateTime":
            if op in ("co", "sw", "ew"):
                raise InvalidFilter(f"{name!r} is a date-time: {op} does not apply")
            return _datetime(value, name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidFilter(f"{name!r} is a string: compare it with a quoted string")
        if isinstance(value, int):
            self.rewrites.append(f'number {value} for string {name} read as the string "{value}"')
            value = str(value)
        if target.type == "reference" and op not in ("eq", "ne"):
            raise InvalidFilter(f"{name!r} is an identifier: only eq and ne apply")
        return str(value)


class _SubMapper:
    """Maps the filter inside ``emails[...]``: names there are sub-attributes of the selected one."""

    def __init__(self, multi: Multi, name: str, outer: _Mapper) -> None:
        self.multi, self.name, self.outer = multi, name, outer

    def node(self, ast: FilterNode, depth: int) -> Filter:
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"filter nests deeper than {MAX_DEPTH} levels")
        if isinstance(ast, LogicalExpr):
            terms = tuple(self.node(t, depth + 1) for t in ast.terms)
            return And(terms) if ast.op == LogicalOperator.and_ else Or(terms)
        if isinstance(ast, ScimNot):
            return Not(self.node(ast.expr, depth + 1))
        if isinstance(ast, ScimPresent | Comparison):
            path = ast.attr_path
            full = f"{self.name}.{path}"
            if path.uri is not None or path.sub_attr is not None:
                raise InvalidFilter(f"unknown attribute {full!r}")
            target = self.multi.subs.get(path.attr.lower())
            if target is None:
                raise InvalidFilter(f"unknown attribute {full!r}")
            return self.outer._apply(ast, target, full)
        raise InvalidFilter(f"unsupported filter expression {str(ast)!r} inside {self.name}[...]")


def _datetime(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidFilter(f"{name!r} is a date-time: compare it with a quoted ISO 8601 date")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidFilter(f"{name!r} is a date-time and {value!r} is not an ISO 8601 date") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
