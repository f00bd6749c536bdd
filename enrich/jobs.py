"""Batch enrichment over worker processes, results in input order.

``run_enrichment`` cuts posts into batches and runs ``Enricher.run`` on each:

* ``workers=1``: in this process, on one ``Enricher`` (given, or built from settings).
* ``workers>1``: on a pool of ``spawn``-ed processes. Each worker builds its own Enricher and
  embedder once, in the pool initializer: the USE model and the Rust tokenizer's loaded
  dictionary are process state that must not be shared through ``fork``. Each worker's
  BLAS is held to one thread, so N workers use N cores instead of fighting over them.

Posts go to the workers and enriched posts plus their vectors come back by pickle: about
0.08 ms a post for a 256-post batch both ways, against a few ms of enrichment. At most
``window`` batches are in flight (default two per worker), so memory stays bounded however
many posts the iterable yields, and the iterable is read lazily. A failure in a batch,
in a worker or in the pool reaches the caller as ``EnrichError`` with the cause chained.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial

from domain.errors import EnrichError
from domain.models import Post
from domain.settings import EmbedderSettings, Settings
from enrich.embeddings import Embedder, build_embedder
from enrich.service import EnrichedBatch, Enricher

EmbedderFactory = Callable[[], Embedder | None]
"""Builds a worker's embedder (``None``: no vectors); must pickle (a module-level function
or a ``functools.partial`` of one), since it is sent to the worker processes."""

_BatchResult = tuple[EnrichedBatch, dict[str, float]]


def no_embedder() -> None:
    """An ``EmbedderFactory`` for enrichment without vectors."""
    return None


def run_enrichment(
    posts: Iterable[Post],
    *,
    settings: Settings,
    workers: int,
    batch_size: int,
    progress: Callable[[int], object] | None = None,
    timings: dict[str, float] | None = None,
    enricher: Enricher | None = None,
    embedder_factory: EmbedderFactory | None = None,
    window: int | None = None,
) -> Iterator[EnrichedBatch]:
    """Enrich ``posts`` in batches of ``batch_size``; yield the batches in input order.

    Args:
        workers: 1 runs in this process; more starts that many worker processes.
        progress: called with each batch's size as it is yielded.
        timings: accumulates seconds per stage (see ``Enricher.run``), summed over workers.
        enricher: used in this process when ``workers == 1``; by default one is built from
            ``settings``. Workers always build their own from ``settings``.
        embedder_factory: builds the embedder of each Enricher built here (in process
            when none is given, and in every worker); by default the configured one
            (``models.embedder``), held to one thread in the workers.
        window: batches in flight at once with workers (default ``2 * workers``).

    Raises:
        ValueError: ``workers``, ``batch_size`` or ``window`` below 1 (at the call).
        EnrichError: while iterating, when a batch fails or a worker cannot start or dies;
            the original exception is the ``__cause__`` (a worker's carries its traceback).
    """
    if min(workers, batch_size, 1 if window is None else window) < 1:
        raise ValueError(
            f"workers, batch_size and window must be >= 1: {workers, batch_size, window}"
        )
    batches = _batched(posts, batch_size)
    timed = timings is not None
    results: Generator[_BatchResult, None, None]
    if workers == 1:
        if enricher is None:
            factory = embedder_factory or partial(build_embedder, settings.models.embedder)
            enricher = Enricher.from_settings(settings, embedder=factory())
        results = _in_process(batches, enricher, timed=timed)
    else:
        factory = embedder_factory or partial(_one_thread_embedder, settings.models.embedder)
        results = _in_workers(
            batches,
            settings=settings,
            factory=factory,
            workers=workers,
            window=window or 2 * workers,
            timed=timed,
        )
    return _reported(results, progress=progress, timings=timings)


def _reported(
    results: Generator[_BatchResult, None, None],
    *,
    progress: Callable[[int], object] | None,
    timings: dict[str, float] | None,
) -> Iterator[EnrichedBatch]:
    try:
        for batch, batch_timings in results:
            if timings is not None:
                for stage, seconds in batch_timings.items():
                    timings[stage] = timings.get(stage, 0.0) + seconds
            if progress is not None:
                progress(len(batch.posts))
            yield batch
    finally:
        results.close()  # a caller that stops early shuts the pool down now, not at GC


def _batched(posts: Iterable[Post], size: int) -> Iterator[list[Post]]:
    iterator = iter(posts)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _describe(index: int, batch: list[Post]) -> str:
    return f"batch {index} ({len(batch)} posts, {batch[0].id} … {batch[-1].id})"


def _in_process(
    batches: Iterator[list[Post]], enricher: Enricher, *, timed: bool
) -> Generator[_BatchResult, None, None]:
    for index, batch in enumerate(batches):
        batch_timings: dict[str, float] = {}
        try:
            result = enricher.run(batch, timings=batch_timings if timed else None)
        except Exception as exc:
            raise EnrichError(f"enriching {_describe(index, batch)} failed: {exc}") from exc
        yield result, batch_timings


def _in_workers(
    batches: Iterator[list[Post]],
    *,
    settings: Settings,
    factory: EmbedderFactory,
    workers: int,
    window: int,
    timed: bool,
) -> Generator[_BatchResult, None, None]:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(settings, factory),
    )
    numbered = enumerate(batches)
    pending: deque[tuple[int, list[Post], Future[_BatchResult]]] = deque()

    def top_up() -> None:
        for index, batch in itertools.islice(numbered, window - len(pending)):
            pending.append((index, batch, pool.submit(_run_batch, batch, timed)))

    try:
        top_up()
        while pending:
            index, batch, future = pending.popleft()
            try:
                result = future.result()
            except Exception as exc:
                raise EnrichError(
                    f"enrich worker failed on {_describe(index, batch)}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            top_up()  # before yielding, so the workers keep busy while the caller saves
            yield result
    finally:
        # On success, error or early stop: drop queued batches, wait only for the (at
        # most ``workers``) batches already running, and stop the processes.
        pool.shutdown(wait=True, cancel_futures=True)


def _one_thread_embedder(settings: EmbedderSettings) -> Embedder:
    return build_embedder(settings.model_copy(update={"threads": 1}))


# Per worker process: its one Enricher, or why it could not be built. Module state is how
# a pool initializer hands objects to the tasks; it never exists in the parent.
_worker_enricher: Enricher | Exception | None = None


def _start_worker(settings: Settings, factory: EmbedderFactory) -> None:
    from threadpoolctl import threadpool_limits

    global _worker_enricher
    threadpool_limits(limits=1)  # process-wide; the default embedder also gets threads=1
    try:
        _worker_enricher = Enricher.from_settings(settings, embedder=factory())
    except Exception as exc:
        # An initializer's exception reaches the parent only as a bare BrokenProcessPool:
        # keep it and raise it with the first batch, which carries it back whole.
        exc.add_note("raised while the enrich worker was building its Enricher")
        _worker_enricher = exc


def _run_batch(posts: list[Post], timed: bool) -> _BatchResult:
    enricher = _worker_enricher
    if isinstance(enricher, Exception):
        raise enricher
    if enricher is None:
        raise EnrichError("enrich worker has no Enricher: its initializer did not run")
    timings: dict[str, float] = {}
    return enricher.run(posts, timings=timings if timed else None), timings


__all__ = ["EmbedderFactory", "no_embedder", "run_enrichment"]
