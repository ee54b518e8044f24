"""Mounts the web UI (filled by the web UI work)."""

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    return None
