from tests.factories import make_member, make_workspace


async def test_health_and_services(client, db):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ws = await make_workspace(db, scim=True)
    assert ws.scim_token and ws.scim_token.startswith("rst_scim_")
    member = await make_member(db, ws, email="Åsa@acme.test", name="Åsa")
    assert member.user_name_key == "åsa@acme.test"
