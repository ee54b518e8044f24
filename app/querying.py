"""A transport-neutral filter tree and sort order, and the helpers that compile them to SQL.

The SCIM facade parses its filter language into these nodes, naming *domain* attributes
(``user_name``, ``emails`` → ``value``, ``created_at``); the search modules of each aggregate
(``app/members/search.py``, ``app/groups/search.py``) describe their columns with ``Field`` and
``MultiValued`` and hand the tree to ``Compiler``.

Semantics (RFC 7644 §3.4.2.2): every leaf is two-valued (a NULL column never makes a predicate
"unknown"), so ``not (title eq "x")`` matches members without a title and ``title ne "x"`` does too.
A comparison on a multi-valued attribute holds when *some* entry satisfies the sub-filter.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, not_, or_, true
from sqlalchemy.orm import Session

from app.errors import InvalidFilter, InvalidValue
from app.orm import fold

Operator = Literal["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]
OPERATORS: frozenset[str] = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
Value = str | bool | datetime


@dataclass(frozen=True, slots=True)
class Compare:
    """``attribute op value`` on a single-valued attribute (or a sub-attribute inside ``Each``)."""

    attribute: str
    op: Operator
    value: Value


@dataclass(frozen=True, slots=True)
class Present:
    """The attribute has a non-empty value (``pr``)."""

    attribute: str


@dataclass(frozen=True, slots=True)
class And:
    terms: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Or:
    terms: tuple[Filter, ...]


@dataclass(frozen=True, slots=True)
class Not:
    term: Filter


@dataclass(frozen=True, slots=True)
class Each:
    """Some entry of the multi-valued ``attribute`` satisfies ``filter`` (names are sub-attributes)."""

    attribute: str
    filter: Filter


Filter = Compare | Present | And | Or | Not | Each


@dataclass(frozen=True, slots=True)
class SortSpec:
    """Order by one domain attribute; ties are always broken by id."""

    attribute: str
    descending: bool = False


# -- SQL compilation ---------------------------------------------------------------------------------

Kind = Literal["text", "bool", "flag", "datetime", "uuid"]


@dataclass(frozen=True, slots=True)
class Field:
    """How one domain attribute lives in SQL.

    ``key`` is a stored folded column (indexed) used instead of folding ``column`` in SQL;
    ``case_exact`` text compares raw values (RFC 7643 §2.4 caseExact). A ``flag`` is a boolean
    attribute derived from a condition (``active`` is ``status = 'ACTIVE'``): ``column`` is that condition.
    """

    column: SQLColumnExpression[Any]
    kind: Kind = "text"
    key: SQLColumnExpression[Any] | None = None
    case_exact: bool = False


@dataclass(frozen=True, slots=True)
class MultiValued:
    """A multi-valued attribute: its entries' fields, and how to say "some entry satisfies ``cond``"."""

    fields: Mapping[str, Field]
    some: Callable[[ColumnElement[bool]], ColumnElement[bool]]


def escape_like(value: str) -> str:
    """Escape LIKE wildcards for ``ESCAPE '\\'``."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _escape_glob(value: str) -> str:
    # GLOB has no escape character: a bracketed class matches the metacharacter literally.
    return "".join(f"[{c}]" if c in "*?[" else c for c in value)


class Compiler:
    """Compiles a ``Filter`` into a boolean SQLAlchemy expression over one aggregate's columns."""

    def __init__(
        self, session: Session, fields: Mapping[str, Field], multi: Mapping[str, MultiValued]
    ) -> None:
        self.dialect = session.get_bind().dialect.name
        self.fields = fields
        self.multi = multi

    def compile(self, node: Filter) -> ColumnElement[bool]:
        return self._node(node, self.fields, inside=None)

    def _node(self, node: Filter, fields: Mapping[str, Field], inside: str | None) -> ColumnElement[bool]:
        if isinstance(node, And):
            return and_(*(self._node(t, fields, inside) for t in node.terms))
        if isinstance(node, Or):
            return or_(*(self._node(t, fields, inside) for t in node.terms))
        if isinstance(node, Not):
            return not_(self._node(node.term, fields, inside))
        if isinstance(node, Each):
            spec = self.multi.get(node.attribute) if inside is None else None
            if spec is None:
                raise InvalidFilter(f"{node.attribute!r} is not a multi-valued attribute")
            return spec.some(self._node(node.filter, spec.fields, inside=node.attribute))
        if isinstance(node, Present) and inside is None and node.attribute in self.multi:
            return self.multi[node.attribute].some(true())
        field = fields.get(node.attribute)
        if field is None:
            where = f" of {inside!r}" if inside else ""
            raise InvalidFilter(f"unknown attribute {node.attribute!r}{where}")
        if isinstance(node, Present):
            return self._present(field)
        return self._compare(field, node.attribute, node.op, node.value)

    @staticmethod
    def _present(field: Field) -> ColumnElement[bool]:
        if field.kind == "flag":
            return true()
        if field.kind == "text":
            return and_(field.column.is_not(None), field.column != "")
        return field.column.is_not(None)

    def _compare(self, field: Field, name: str, op: Operator, value: Value) -> ColumnElement[bool]:
        if op not in OPERATORS:
            raise InvalidFilter(f"unknown operator {op!r}")
        if field.kind in ("bool", "flag"):
            return self._compare_bool(field, name, op, value)
        if field.kind == "uuid":
            return self._compare_uuid(field, name, op, value)
        if field.kind == "datetime":
            if not isinstance(value, datetime) or op in ("co", "sw", "ew"):
                raise InvalidFilter(f"{name!r} is a date-time: use eq, ne, gt, ge, lt or le with a date")
            return self._ordered(field.column, op, value)
        if not isinstance(value, str):
            raise InvalidFilter(f"{name!r} is a string: compare it with a quoted string")
        column, operand = field.column, value
        if not field.case_exact:
            column = field.key if field.key is not None else func.roster_fold(field.column)
            operand = fold(value)
        if op in ("co", "sw", "ew"):
            return self._like(column, op, operand, case_exact=field.case_exact)
        if op in ("gt", "ge", "lt", "le") and self.dialect == "postgresql":
            # Code-point order on both databases (SQLite compares bytes; roster_fold is ICU-collated).
            column = column.collate("C")
        return self._ordered(column, op, operand)

    @staticmethod
    def _ordered(column: SQLColumnExpression[Any], op: Operator, value: object) -> ColumnElement[bool]:
        if op == "ne":
            return or_(column.is_(None), column != value)
        compare = {
            "eq": column.__eq__,
            "gt": column.__gt__,
            "ge": column.__ge__,
            "lt": column.__lt__,
            "le": column.__le__,
        }[op]
        return and_(column.is_not(None), compare(value))

    def _like(
        self, column: SQLColumnExpression[Any], op: Operator, value: str, *, case_exact: bool
    ) -> ColumnElement[bool]:
        if case_exact and self.dialect == "sqlite":
            # SQLite's LIKE ignores ASCII case; GLOB does not.
            body = _escape_glob(value)
            pattern = {"co": f"*{body}*", "sw": f"{body}*", "ew": f"*{body}"}[op]
            return and_(column.is_not(None), column.op("GLOB")(pattern))
        body = escape_like(value)
        pattern = {"co": f"%{body}%", "sw": f"{body}%", "ew": f"%{body}"}[op]
        return and_(column.is_not(None), column.like(pattern, escape="\\"))

    @staticmethod
    def _compare_bool(field: Field, name: str, op: Operator, value: Value) -> ColumnElement[bool]:
        if not isinstance(value, bool) or op not in ("eq", "ne"):
            raise InvalidFilter(f"{name!r} is a boolean: use eq or ne with true or false")
        if field.kind == "flag":
            condition: ColumnElement[bool] = field.column  # type: ignore[assignment]
            return condition if (op == "eq") == value else not_(condition)
        if op == "eq":
            return and_(field.column.is_not(None), field.column == value)
        return or_(field.column.is_(None), field.column != value)

    @staticmethod
    def _compare_uuid(field: Field, name: str, op: Operator, value: Value) -> ColumnElement[bool]:
        if op not in ("eq", "ne") or not isinstance(value, str):
            raise InvalidFilter(f"{name!r} is an identifier: use eq or ne with a quoted id")
        try:
            ident = uuid.UUID(value)
        except ValueError:
            # No object has this id: eq matches nothing, ne everything.
            return false() if op == "eq" else true()
        return field.column == ident if op == "eq" else field.column != ident


def order_by(
    sort: SortSpec | None,
    sortable: Mapping[str, tuple[SQLColumnExpression[Any], bool]],
    *,
    default: SQLColumnExpression[Any],
    ident: SQLColumnExpression[Any],
    dialect: str,
) -> list[SQLColumnExpression[Any]]:
    """ORDER BY terms: the sort attribute with missing values last ascending (first descending), then id.

    ``sortable`` maps attribute → (column, is_text); text sorts by code point on both databases.
    """
    if sort is None:
        return [default, ident]
    if sort.attribute not in sortable:
        raise InvalidFilter(f"cannot sort by {sort.attribute!r}")
    column, is_text = sortable[sort.attribute]
    missing = column.is_(None)
    if is_text and dialect == "postgresql":
        column = column.collate("C")
    if sort.descending:
        return [missing.desc(), column.desc(), ident.desc()]
    return [missing.asc(), column.asc(), ident.asc()]


def pins_one(filter: Filter | None, unique: frozenset[str]) -> bool:
    """Whether ``filter`` requires equality on one of the ``unique`` attributes (at most one match)."""
    terms = filter.terms if isinstance(filter, And) else (filter,)
    return any(isinstance(t, Compare) and t.op == "eq" and t.attribute in unique for t in terms)


def page_with_total(
    session: Session,
    *,
    count: Select[Any],
    page: Select[Any],
    filter: Filter | None,
    unique: frozenset[str],
    offset: int,
    limit: int,
) -> tuple[int, list[Any]]:
    """The total number of matches and one page of them, running only the statements needed.

    ``limit=0`` is a count alone; a filter pinning a unique attribute has at most one match, so its page
    is its count; a page past the end is not fetched.
    """
    if offset < 0 or limit < 0:
        raise InvalidValue("offset and limit must not be negative")
    if limit == 0 or (offset > 0 and pins_one(filter, unique)):
        return session.scalar(count) or 0, []
    if pins_one(filter, unique):
        rows = list(session.scalars(page))
        return len(rows), rows
    total = session.scalar(count) or 0
    if offset >= total:
        return total, []
    return total, list(session.scalars(page))
