"""/Bulk (RFC 7644 §3.7): operations run in order, each its own unit of work and provisioning event.

``bulkId:x`` references (in paths and anywhere in data, e.g. group member values) resolve to the id the
POST with that bulkId created; an operation that refers to a later POST waits for it. ``failOnErrors``
stops processing after that many errors. maxOperations / maxPayloadSize come from the settings and are
advertised in ServiceProviderConfig; past them the whole request is a 413.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.provisioning.service import record_event
from scim_facade import events, groups, users
from scim_facade.context import ScimClient, ScimClientDep
from scim_facade.errors import ScimError, error_body, invalid_syntax, invalid_value, translate
from scim_facade.http import ScimRoute, parse_json
from scim_facade.results import Result
from scim_facade.schemas import BULK_RESPONSE

router = APIRouter(route_class=ScimRoute)
log = logging.getLogger("roster.scim")
METHODS = ("POST", "PUT", "PATCH", "DELETE")
PATH = re.compile(r"^/?(Users|Groups)(?:/([^/]+))?$", re.IGNORECASE)
BULK_REF = re.compile(r"^bulkId:(.+)$")


def _refs(value: Any) -> set[str]:
    """Every bulkId referenced in a value."""
    if isinstance(value, str):
        match = BULK_REF.match(value)
        return {match.group(1)} if match else set()
    if isinstance(value, dict):
        return set().union(*(_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        match = BULK_REF.match(value)
        if match:
            if match.group(1) not in ids:
                raise invalid_value(f"{value!r} does not name a resource created by this bulk request")
            return ids[match.group(1)]
        return value
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return value


def _op_refs(op: Any) -> set[str]:
    if not isinstance(op, dict):
        return set()
    raw = op.get("path")
    path = raw if isinstance(raw, str) else ""
    segments = {s for s in path.split("/") if s.startswith("bulkId:")}
    return {s[len("bulkId:") :] for s in segments} | _refs(op.get("data"))


async def _run(client: ScimClient, op: dict[str, Any], ids: dict[str, str]) -> tuple[Result, str, str | None]:
    """Execute one operation: (result, method, resource type)."""
    method = op.get("method")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise invalid_syntax(f"bulk method must be one of {', '.join(METHODS)}")
    method = method.upper()
    path = op.get("path")
    if not isinstance(path, str):
        raise invalid_syntax("each bulk operation needs a path such as /Users or /Groups/{id}")
    path = "/".join(_resolve(s, ids) if s.startswith("bulkId:") else s for s in path.split("/"))
    match = PATH.match(path)
    if match is None:
        raise invalid_syntax(f"unsupported bulk path {path!r}; use /Users, /Groups or /{{Resource}}/{{id}}")
    resource, resource_id = match.group(1).capitalize(), match.group(2)
    if (method == "POST") != (resource_id is None):
        raise invalid_syntax(f"{method} {path}: POST takes /{resource}, other methods /{resource}/{{id}}")
    raw_data = op.get("data")
    data: dict[str, Any] = {}
    if method != "DELETE":
        if not isinstance(raw_data, dict):
            raise invalid_syntax(f"{method} {path}: data must be a JSON object")
        data = _resolve(raw_data, ids)
    version = op.get("version") if isinstance(op.get("version"), str) else None
    module = users if resource == "Users" else groups
    if method == "POST":
        action = users.create_user if resource == "Users" else groups.create_group
        return await action(client, data), method, resource
    assert resource_id is not None
    if method == "PUT":
        put = users.replace_user if module is users else groups.replace_group
        return await put(client, resource_id, data, version), method, resource
    if method == "PATCH":
        patch = users.patch_user if module is users else groups.patch_group
        return await patch(client, resource_id, data, version), method, resource
    delete = users.delete_user if module is users else groups.delete_group
    return await delete(client, resource_id, version), method, resource


@router.post("/{key}/Bulk", name="bulk")
async def bulk_route(request: Request, client: ScimClientDep) -> Response:
    await client.authenticate()  # once, before the operations (each would otherwise check it again)
    settings = client.settings
    max_payload, max_ops = settings.scim_bulk_max_payload, settings.scim_bulk_max_operations
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_payload:
        raise ScimError(413, f"the bulk request exceeds maxPayloadSize ({max_payload} bytes)")
    raw = await request.body()
    if len(raw) > max_payload:
        raise ScimError(413, f"the bulk request exceeds maxPayloadSize ({max_payload} bytes)")
    body = parse_json(raw)
    operations = next((v for k, v in body.items() if k.lower() == "operations"), None)
    if not isinstance(operations, list) or not operations:
        raise invalid_syntax("a bulk request needs a non-empty Operations array")
    if len(operations) > max_ops:
        raise ScimError(413, f"the bulk request has {len(operations)} operations; maxOperations is {max_ops}")
    fail_on_errors = body.get("failOnErrors")
    if fail_on_errors is not None and (
        isinstance(fail_on_errors, bool) or not isinstance(fail_on_errors, int) or fail_on_errors < 1
    ):
        raise invalid_value("failOnErrors must be a positive integer")
    return Result(200, await run_bulk(client, operations, fail_on_errors)).response()


async def run_bulk(client: ScimClient, operations: list[Any], fail_on_errors: int | None) -> dict[str, Any]:
    """Run the operations, deferring those that refer to a bulkId a later POST defines."""
    ids: dict[str, str] = {}
    defined = {
        op.get("bulkId"): i
        for i, op in enumerate(operations)
        if isinstance(op, dict)
        and isinstance(op.get("bulkId"), str)
        and str(op.get("method", "")).upper() == "POST"
    }
    pending = list(range(len(operations)))
    done: set[int] = set()
    answers: list[dict[str, Any]] = []
    errors = 0
    while pending:
        ready = [
            i
            for i in pending
            if not any(r not in ids and defined.get(r) in pending for r in _op_refs(operations[i]))
        ]
        if not ready:
            ready = pending[:1]  # a cycle: run the first, its unresolved reference fails clearly
        for index in ready:
            pending.remove(index)
            done.add(index)
            answer, failed = await _answer(client, operations[index], ids)
            answers.append(answer)
            errors += failed
            if fail_on_errors is not None and errors >= fail_on_errors:
                return {"schemas": [BULK_RESPONSE], "Operations": answers}
            if any(r not in ids and defined.get(r) in pending for r in _all_refs(operations, pending)):
                break  # re-evaluate what became ready
    return {"schemas": [BULK_RESPONSE], "Operations": answers}


def _all_refs(operations: list[Any], pending: list[int]) -> set[str]:
    return set().union(*(_op_refs(operations[i]) for i in pending)) if pending else set()


async def _answer(client: ScimClient, op: Any, ids: dict[str, str]) -> tuple[dict[str, Any], int]:
    bulk_id = op.get("bulkId") if isinstance(op, dict) else None
    method = str(op.get("method", "")).upper() if isinstance(op, dict) else ""
    raw_path = op.get("path") if isinstance(op, dict) else None
    path = raw_path if isinstance(raw_path, str) else ""
    op_client = replace(
        client, method=method or "POST", path=f"{client.path} {path}"[:500], rewrites=[], target=None
    )
    answer: dict[str, Any] = {"method": method}
    if bulk_id is not None:
        answer["bulkId"] = bulk_id
    try:
        if not isinstance(op, dict):
            raise invalid_syntax("each bulk operation must be a JSON object")
        if method == "POST" and not isinstance(bulk_id, str):
            raise invalid_syntax("a bulk POST needs a bulkId (RFC 7644 §3.7)")
        result, method, resource = await _run(op_client, op, ids)
    except Exception as exc:  # one failed operation never stops the others (unless failOnErrors)
        error = translate(exc)
        if error.status >= 500:
            log.exception("bulk operation failed")
        await _record_failure(op_client, error, exc, path)
        answer["status"] = str(error.status)
        answer["response"] = error_body(error)
        return answer, 1
    if method == "POST" and isinstance(bulk_id, str) and result.resource_id:
        ids[bulk_id] = result.resource_id
    if result.location:
        answer["location"] = result.location
    elif result.resource_id and resource:
        answer["location"] = client.location(resource, result.resource_id)
    if result.version is not None:
        answer["version"] = f'W/"{result.version}"'
    answer["status"] = str(result.status)
    return answer, 0


async def _record_failure(client: ScimClient, error: ScimError, exc: BaseException, path: str) -> None:
    match = PATH.match(path.strip()) if path else None
    resource = {"users": "User", "groups": "Group"}.get(match.group(1).lower()) if match else None
    verb = {"POST": "create", "PUT": "replace", "PATCH": "patch", "DELETE": "delete"}.get(
        client.method, "bulk"
    )
    operation = f"{verb}_{resource.lower()}" if resource else "bulk_operation"
    record = events.failure(
        client,
        error,
        exc,
        operation=operation,
        resource_type=resource,
        resource_id=match.group(2) if match else None,
        target=client.target,
    )
    try:
        await client.db.write(record_event, record)
    except Exception:
        log.exception("could not record a failed bulk operation")
