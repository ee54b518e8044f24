"""Mounts the SCIM 2.0 facade under /scim/v2/{key} (filled by the SCIM work)."""

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    return None
