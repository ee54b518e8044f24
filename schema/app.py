"""Mounts the GraphQL API at /graphql (filled by the GraphQL work)."""

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    return None
