"""In-memory evaluation of a value filter on one entry of a multi-valued attribute (PATCH paths)."""

from __future__ import annotations

from typing import Any

from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
)

from scim_facade.errors import invalid_path


def _get(entry: Any, name: str) -> Any:
    if not isinstance(entry, dict):
        return entry if name == "value" else None
    lowered = name.lower()
    return next((v for k, v in entry.items() if k.lower() == lowered), None)


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def matches(node: FilterNode, entry: Any) -> bool:
    """Whether ``entry`` satisfies ``node``; strings compare case-insensitively (caseExact false)."""
    if isinstance(node, LogicalExpr):
        results = (matches(term, entry) for term in node.terms)
        return all(results) if node.op == LogicalOperator.and_ else any(results)
    if isinstance(node, Not):
        return not matches(node.expr, entry)
    if isinstance(node, Present):
        value = _get(entry, node.attr_path.attr)
        return value not in (None, "", [], {})
    if isinstance(node, Comparison):
        return _compare(node, _fold(_get(entry, node.attr_path.attr)), _fold(node.value))
    raise invalid_path(f"unsupported value filter {node}")


def _compare(node: Comparison, actual: Any, expected: Any) -> bool:
    op = node.op
    if op == CompareOperator.eq:
        return actual == expected
    if op == CompareOperator.ne:
        return actual != expected
    if actual is None:
        return False
    if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        return {
            CompareOperator.co: expected in actual,
            CompareOperator.sw: actual.startswith(expected),
            CompareOperator.ew: actual.endswith(expected),
        }[op]
    try:
        return {
            CompareOperator.gt: actual > expected,
            CompareOperator.ge: actual >= expected,
            CompareOperator.lt: actual < expected,
            CompareOperator.le: actual <= expected,
        }[op]
    except TypeError:
        return False
