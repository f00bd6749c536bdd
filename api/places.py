"""Places as people write them: which official province a name, nickname or short form is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.access import Viewer
from api.deps import official_province
from api.models import ProvinceName

router = APIRouter(prefix="/v1")


@router.get("/places/province", response_model=ProvinceName, tags=["places"])
def resolve_province(
    request: Request,
    caller: Viewer,
    province: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            examples=["โคราช"],
            description="A province as people write it: official name, nickname, short "
            "form or English name.",
        ),
    ],
) -> ProvinceName:
    """The official name every ``province`` filter reads ``province`` as (โคราช →
    นครราชสีมา, กทม. → กรุงเทพมหานคร); 422 when it names no province."""
    return ProvinceName(written=province, province=official_province(request, province))


__all__ = ["router"]
