"""Each pipeline stage's run, timed and counted into the store for ``GET /metrics``.

The pipeline (``siang run``, ``siang demo``) and the API are different processes, so a
stage's duration and throughput reach /metrics through the store (``record_stage_run``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.errors import StoreError
from domain.models import StageRun
from domain.privacy import redact
from storage.base import OperationsStore

log = logging.getLogger(__name__)


@dataclass
class StageTally:
    """What a running stage took in and gave out; set by the stage before it ends."""

    items_in: int = 0
    items_out: int = 0


@contextmanager
def recorded_stage(
    store: OperationsStore,
    stage: str,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    monotonic: Callable[[], float] = time.monotonic,
) -> Iterator[StageTally]:
    """Time the ``with`` body as one run of ``stage`` and record it, failed or not.

    The duration comes from the monotonic clock (a wall-clock step cannot make it
    negative). A store that cannot take the record is logged: the figures of a run are
    never a reason to fail it.
    """
    tally = StageTally()
    started, start = now(), monotonic()
    error: str | None = None
    try:
        yield tally
    except BaseException as exc:
        error = redact(f"{type(exc).__name__}: {exc}")[0][:500]
        raise
    finally:
        run = StageRun(
            stage=stage,
            started_at=started,
            finished_at=started + timedelta(seconds=max(0.0, monotonic() - start)),
            items_in=tally.items_in,
            items_out=tally.items_out,
            error=error,
        )
        try:
            store.record_stage_run(run)
        except StoreError as exc:
            log.warning("could not record the %s run: %s", stage, exc)


__all__ = ["StageTally", "recorded_stage"]
