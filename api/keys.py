"""Who the caller is: the key's name and role, so a client shows only what the key may do."""

from __future__ import annotations

from fastapi import APIRouter

from api.access import Viewer
from api.models import KeyIdentity

router = APIRouter(prefix="/v1")


@router.get("/me", response_model=KeyIdentity, tags=["meta"])
def whoami(caller: Viewer) -> KeyIdentity:
    """The calling key: its public id, name and role (never the secret)."""
    return KeyIdentity(key_id=caller.key_id, name=caller.name, role=caller.role)


__all__ = ["router"]
