"""Mounts the GraphQL API at /graphql (GraphiQL enabled, hidden from OpenAPI)."""

from __future__ import annotations

from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter

from schema.api import schema
from schema.context import get_context


def mount(app: FastAPI) -> None:
    """Add the /graphql route to ``app``."""
    router: GraphQLRouter = GraphQLRouter(
        schema, path="/graphql", graphql_ide="graphiql", context_getter=get_context, include_in_schema=False
    )
    app.include_router(router)
