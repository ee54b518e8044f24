"""The provisioning log over GraphQL: owners and admins only, newest first, filters and pages."""

from __future__ import annotations

from app.provisioning import service as provisioning_service
from app.provisioning.service import EventRecord

FIELDS = """id at idp method path operation resourceType resourceId target statusCode outcome errorType detail
applied ignored rewrites"""
EVENTS = (
    """query($first: Int, $after: String, $outcome: String, $resourceType: String, $idp: String) {
  provisioningEvents(
    first: $first, after: $after, outcome: $outcome, resourceType: $resourceType, idp: $idp
  ) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { """
    + FIELDS
    + """ } } nodes { target }
  }
}"""
)


async def record(db, ws, n: int, **kw):  # type: ignore[no-untyped-def]
    values = {
        "method": "POST",
        "path": "/Users",
        "operation": "create",
        "status_code": 201,
        "outcome": "success",
        "idp": "okta",
        "resource_type": "User",
        "target": f"user{n}@acme.test",
    } | kw
    return await db.write(provisioning_service.record_event, EventRecord(workspace_id=ws.id, **values))


class TestProvisioningEvents:
    async def test_newest_first_with_every_field(self, db, team):
        await record(db, team.ws, 1)
        await record(
            db,
            team.ws,
            2,
            outcome="failure",
            status_code=409,
            error_type="uniqueness",
            detail="taken",
            applied=["created"],
            ignored=[{"attribute": "timezone", "reason": "invalid"}],
            rewrites=[{"from": "Replace", "to": "replace"}],
            idp="entra",
            resource_id="abc",
        )
        data = (await team.admin.data(EVENTS))["provisioningEvents"]
        assert data["totalCount"] == 2
        newest = data["edges"][0]["node"]
        assert newest["target"] == "user2@acme.test"
        assert (newest["outcome"], newest["statusCode"], newest["errorType"], newest["detail"]) == (
            "failure",
            409,
            "uniqueness",
            "taken",
        )
        assert newest["applied"] == ["created"]
        assert newest["ignored"] == [{"attribute": "timezone", "reason": "invalid"}]
        assert newest["rewrites"] == [{"from": "Replace", "to": "replace"}]
        assert (
            newest["idp"],
            newest["method"],
            newest["path"],
            newest["resourceType"],
            newest["resourceId"],
        ) == (
            "entra",
            "POST",
            "/Users",
            "User",
            "abc",
        )
        oldest = data["edges"][1]["node"]
        assert (oldest["applied"], oldest["ignored"], oldest["rewrites"]) == ([], [], [])

    async def test_filters(self, db, team):
        await record(db, team.ws, 1)
        await record(db, team.ws, 2, outcome="failure", status_code=400)
        await record(db, team.ws, 3, resource_type="Group", idp="entra")
        failures = (await team.owner.data(EVENTS, outcome="failure"))["provisioningEvents"]
        assert [n["target"] for n in failures["nodes"]] == ["user2@acme.test"] and failures["totalCount"] == 1
        groups = (await team.owner.data(EVENTS, resourceType="Group"))["provisioningEvents"]
        assert [n["target"] for n in groups["nodes"]] == ["user3@acme.test"]
        okta = (await team.owner.data(EVENTS, idp="okta"))["provisioningEvents"]
        assert okta["totalCount"] == 2

    async def test_pages(self, db, team):
        for n in range(5):
            await record(db, team.ws, n)
        seen: list[str] = []
        after = None
        while True:
            page = (await team.owner.data(EVENTS, first=2, after=after))["provisioningEvents"]
            seen += [n["target"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert sorted(seen) == [f"user{n}@acme.test" for n in range(5)] and len(set(seen)) == 5

    async def test_plain_member_is_forbidden(self, db, team):
        await record(db, team.ws, 1)
        body = await team.member(EVENTS)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "user1" not in str(body)

    async def test_other_workspace_events_are_invisible(self, db, team):
        from tests.factories import make_workspace

        other = await make_workspace(db, name="Other", owner_email="boss@other.test")
        await record(db, other, 1)
        assert (await team.owner.data(EVENTS))["provisioningEvents"]["totalCount"] == 0

    async def test_bad_input(self, team):
        for variables in ({"outcome": "maybe"}, {"first": 0}, {"after": "xyz"}, {"first": 501}):
            body = await team.owner(EVENTS, **variables)
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables
