"""Bulk writes to Elasticsearch and when they become visible (``BulkWriter``).

Used by :class:`storage.elasticsearch.ElasticsearchStore`. No bulk request asks for a
refresh: ``refresh="wait_for"`` on every chunk of 500 held 100,000 posts with 512-d vectors
to about 200 posts/s. A write call is refreshed once when it ends (what the API writes is
visible at once); inside a bulk load (``BulkWriter.bulk_load``, a pipeline stage) nothing
is refreshed until the load ends. A refresh only decides what search sees: Elasticsearch
acknowledges a bulk request once its operations are in the translog, fsynced per request
(``index.translog.durability: request``, the default, which Siang never changes), so a
write not yet refreshed survives a crash of the writer or the node.

Chunk size and threads are ``bench.es_ingest``'s measurement (``bench/results/es_ingest.json``,
512-d vectors): two bulk requests in flight let the node index on both cores, about 1.7x one
(at 30,000 posts 1,244 posts/s against 740 with chunks of 2,000 on one thread); among chunk
sizes of 250 to 2,000 the differences were within the noise of the shared machine.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch.helpers import parallel_bulk, streaming_bulk

from domain.errors import StoreError, StoreUnavailable
from domain.models import QuarantinedRecord

log = logging.getLogger(__name__)
T = TypeVar("T")

BULK_CHUNK_SIZE = 500  # posts per bulk request (bench.es_ingest)
BULK_THREADS = 2  # bulk requests in flight at once (bench.es_ingest)
_LOAD_KEYS = ("index.refresh_interval", "index.number_of_replicas")


class BulkSender:
    """Sends bulk actions in chunks and reports every action's outcome.

    On one thread, documents refused with 429 are retried with exponential backoff by the
    client's ``streaming_bulk``. On several (``parallel_bulk``, which does not retry), the
    documents refused with 429 are sent again on one thread once the others are through.
    """

    def __init__(
        self,
        client: Elasticsearch,
        *,
        chunk_size: int = BULK_CHUNK_SIZE,
        threads: int = BULK_THREADS,
        max_retries: int = 3,
        initial_backoff: float = 0.2,
    ) -> None:
        if chunk_size < 1 or threads < 1:
            raise ValueError("chunk_size and threads must be at least 1")
        self.client = client
        self.chunk_size = chunk_size
        self.threads = threads
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff

    def send(self, actions: Sequence[dict[str, Any]]) -> Iterator[tuple[bool, str, dict[str, Any]]]:
        """(ok, op type, item result) for each action; in no set order on several threads.

        A delete of a document that is not there is ok: it is gone either way. Errors of
        the transport (unreachable node, 5xx after the client's retries) are raised.
        """
        if self.threads == 1 or len(actions) <= self.chunk_size:
            yield from self._serial(actions)
            return
        by_key = {_key(a.get("_op_type", "index"), a["_index"], a["_id"]): a for a in actions}
        busy: list[dict[str, Any]] = []
        results = parallel_bulk(
            self.client,
            actions,
            thread_count=self.threads,
            chunk_size=self.chunk_size,
            raise_on_error=False,
            raise_on_exception=True,
        )
        for ok, op, result in _outcomes(results):
            action = by_key.get(_key(op, result.get("_index"), result.get("_id")))
            if not ok and result.get("status") == 429 and action is not None:
                busy.append(action)
            else:
                yield ok, op, result
        if busy:
            log.info(
                "%d documents refused with 429 on parallel bulk; sending them again", len(busy)
            )
            yield from self._serial(busy)

    def _serial(
        self, actions: Sequence[dict[str, Any]]
    ) -> Iterator[tuple[bool, str, dict[str, Any]]]:
        return _outcomes(
            streaming_bulk(
                self.client,
                actions,
                chunk_size=self.chunk_size,
                max_retries=self.max_retries,
                initial_backoff=self.initial_backoff,
                raise_on_error=False,
                raise_on_exception=True,
            )
        )


def _outcomes(
    results: Iterable[tuple[bool, dict[str, Any]]],
) -> Iterator[tuple[bool, str, dict[str, Any]]]:
    for ok, item in results:
        op, result = next(iter(item.items()))
        yield ok or (op == "delete" and result.get("status") == 404), op, result


def _key(op: str, index: Any, doc_id: Any) -> tuple[str, str, str]:
    return op, str(index), str(doc_id)


class LoadSettings:
    """Index settings for a bulk load: applied to each index when the load first writes to
    it (creating it from its template if need be), put back when the load ends.

    During the load an index is never refreshed on a timer (``refresh_interval: -1``). With
    ``replicas`` (say 0) it also keeps that many replicas, which Elasticsearch rebuilds from
    the primary when the setting comes back. That is opt-in: until then an acknowledged
    post would live on one node only, and the node's loss would lose it (on one node, as
    here, the template has no replica anyway). A refresh interval of ``-1`` found before the
    load is what a load that never ended left: the template's value comes back. An index
    whose settings this user may not change (403) or that went (404) is loaded as it is.
    """

    def __init__(self, client: Elasticsearch, *, replicas: int | None = None) -> None:
        self.client = client
        self.replicas = replicas
        self.saved: dict[str, dict[str, Any]] = {}  # index → settings to put back
        self.left_alone: set[str] = set()

    def prepare(self, index: str) -> None:
        """Give ``index`` the load's settings (once per load), remembering its own."""
        if index in self.saved or index in self.left_alone:
            return
        try:
            self._prepare(index)
        except ApiError as exc:
            if exc.status_code >= 500 or exc.status_code == 429:
                raise  # the cluster is in trouble: the write fails (and may be spooled)
            log.warning("bulk load: %s keeps its own settings (%s)", index, exc)
            self.left_alone.add(index)

    def _prepare(self, index: str) -> None:
        try:
            self.client.indices.create(index=index)
        except ApiError as exc:
            if exc.status_code != 400 or "resource_already_exists" not in str(exc):
                raise
        current = self.client.indices.get_settings(index=index, flat_settings=True)
        settings = next(iter(current.values()))["settings"]
        own = {key: settings.get(key) for key in _LOAD_KEYS}
        if own["index.refresh_interval"] == "-1":
            own["index.refresh_interval"] = self._template_refresh_interval(index)
        load: dict[str, Any] = {"index.refresh_interval": "-1"}
        if self.replicas is None:
            del own["index.number_of_replicas"]
        else:
            load["index.number_of_replicas"] = self.replicas
        self.client.indices.put_settings(index=index, settings=load)
        self.saved[index] = own

    def restore(self) -> None:
        """Put every prepared index's own settings back (an index done is not done again)."""
        for index in list(self.saved):
            try:
                self.client.indices.put_settings(index=index, settings=self.saved[index])
            except NotFoundError:
                log.info("bulk load: %s went before its settings came back", index)
            del self.saved[index]

    def _template_refresh_interval(self, index: str) -> str | None:
        simulated = self.client.indices.simulate_index_template(name=index)
        settings = simulated.get("template", {}).get("settings", {}).get("index", {})
        value = settings.get("refresh_interval")
        return None if value in (None, "-1") else str(value)


class Unrefreshed:
    """What one store wrote that no refresh has made visible yet: the indices, and the index
    each post went to, so the store reads its own recent writes by realtime get (search
    would miss them, and take a re-sent post for a new one)."""

    def __init__(self, posts_prefix: str) -> None:
        self.posts_prefix = posts_prefix
        self._lock = threading.Lock()
        self._indices: set[str] = set()
        self._posts: dict[str, str] = {}  # post id → index it was last written to

    def note(self, op: str, result: Mapping[str, Any]) -> None:
        index, doc_id = str(result.get("_index")), str(result.get("_id"))
        with self._lock:
            self._indices.add(index)
            if op != "delete" and index.startswith(self.posts_prefix):
                self._posts[doc_id] = index

    def posts(self, ids: Iterable[str]) -> dict[str, str]:
        """The index of each of ``ids`` written since the last refresh."""
        with self._lock:
            return {i: self._posts[i] for i in ids if i in self._posts}

    def snapshot(self) -> tuple[set[str], dict[str, str]]:
        with self._lock:
            return set(self._indices), dict(self._posts)

    def refreshed(self, indices: set[str], posts: dict[str, str]) -> None:
        """Forget what a refresh of ``indices`` (taken with ``snapshot``) made visible; a
        write noted meanwhile stays."""
        with self._lock:
            self._indices -= indices
            for doc_id, index in posts.items():
                if self._posts.get(doc_id) == index:
                    del self._posts[doc_id]


class BulkWriter:
    """One store's bulk writes: retried, quarantined when refused, and made visible once per
    call, or once per bulk load.

    ``visible``: every write call refreshes what it wrote before it returns; without it,
    and inside a load, writes become visible at ``refresh()``. ``quarantine`` keeps the
    documents the cluster refuses for good, with the reason.
    """

    def __init__(
        self,
        client: Elasticsearch,
        *,
        posts_prefix: str,
        quarantine: Callable[[Sequence[QuarantinedRecord]], int],
        visible: bool = True,
        chunk_size: int = BULK_CHUNK_SIZE,
        threads: int = BULK_THREADS,
        max_retries: int = 3,
        initial_backoff: float = 0.2,
    ) -> None:
        self.client = client
        self.posts_prefix = posts_prefix
        self.quarantine = quarantine
        self.visible = visible
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self.sender = BulkSender(
            client,
            chunk_size=chunk_size,
            threads=threads,
            max_retries=max_retries,
            initial_backoff=initial_backoff,
        )
        self.unrefreshed = Unrefreshed(posts_prefix)
        self._load: LoadSettings | None = None
        self._unsettled: list[LoadSettings] = []  # ended loads whose settings are not back

    def retrying(self, call: Callable[[], T], *, stage: str) -> T:
        """Run ``call``, retrying 429, 5xx and connection failures with exponential backoff
        and jitter; after the last attempt raise ``StoreUnavailable`` (callers may spool)."""
        delay = self.initial_backoff
        for attempt in range(self.max_retries + 1):
            try:
                return call()
            except (ESConnectionError, TransportError) as exc:
                failure: Exception = exc
            except ApiError as exc:
                if exc.status_code < 500 and exc.status_code != 429:
                    raise StoreError(f"Elasticsearch refused {stage}: {exc}") from exc
                failure = exc
            if attempt == self.max_retries:
                raise StoreUnavailable(
                    f"Elasticsearch unavailable during {stage} after {attempt + 1} attempts: "
                    f"{failure}"
                ) from failure
            log.warning("%s: %s; retrying in %.1fs", stage, failure, delay)
            time.sleep(delay * (1 + random.random() / 2))
            delay *= 2
        raise AssertionError("unreachable")

    def bulk(self, actions: list[dict[str, Any]], *, stage: str) -> list[dict[str, Any]]:
        """Run bulk actions; return the documents refused for good, quarantined with the
        reason (429s are retried per document; 5xx and outages raise after retries)."""
        if not actions:
            return []
        written: set[str] = set()

        def run() -> list[dict[str, Any]]:
            failures = []
            for ok, op, result in self._send(actions):
                if ok:
                    self._note(op, result, written)
                else:
                    failures.append(result)
            return failures

        failures = self.retrying(run, stage=stage)
        self._end_call(written)
        if failures:
            self._quarantine_failures(failures, stage=stage, actions=actions)
        return failures

    def create(self, actions: list[dict[str, Any]], *, stage: str) -> int:
        """``create`` ops: a 409 (already there) is success by design, not a rejection."""
        if not actions:
            return 0
        written: set[str] = set()

        def run() -> int:
            created = 0
            for ok, op, result in self._send(actions):
                if ok:
                    created += 1
                    self._note(op, result, written)
                elif result.get("status") != 409:
                    raise StoreError(f"Elasticsearch refused {stage}: {result.get('error')}")
            return created

        created = self.retrying(run, stage=stage)
        self._end_call(written)
        return created

    def get(self, where: Mapping[str, str], fields: list[str]) -> dict[str, dict[str, Any]]:
        """``fields`` of documents by id, each from the index ``where`` names, by realtime
        get (it sees writes no refresh has made visible)."""
        found: dict[str, dict[str, Any]] = {}
        pairs = list(where.items())
        for start in range(0, len(pairs), 1000):
            docs = [{"_index": index, "_id": i} for i, index in pairs[start : start + 1000]]
            response = self.retrying(
                lambda docs=docs: self.client.mget(docs=docs, source_includes=fields),  # type: ignore[misc]
                stage="get",
            )
            for doc in response["docs"]:
                if doc.get("found"):
                    found[doc["_id"]] = {"_index": doc["_index"], **doc.get("_source", {})}
        return found

    def refresh(self) -> None:
        """Make every write so far visible to search (one refresh of the indices written
        since the last one), after putting back the settings of a bulk load that ended
        while the cluster could not take them."""
        for load in list(self._unsettled):
            self.retrying(load.restore, stage="bulk load settings")
            self._unsettled.remove(load)
        indices, posts = self.unrefreshed.snapshot()
        if indices:
            self._refresh_indices(indices)
        self.unrefreshed.refreshed(indices, posts)

    @contextlib.contextmanager
    def bulk_load(self, *, replicas: int | None = None) -> Iterator[None]:
        """Load many posts fast: no refresh until the (outermost) load ends, then one.

        The post indices the load writes to have ``LoadSettings`` (no timed refresh; with
        ``replicas``, that many replicas) until it ends. What a load wrote is not
        lost if it never ends (a kill): it is in the translog, and becomes visible at the
        next refresh. If the cluster is down when a load ends, its settings are put back
        and its writes refreshed by the next ``refresh`` or load.
        """
        if self._load is not None:
            yield
            return
        self._settle(when="before a bulk load")
        self._load = LoadSettings(self.client, replicas=replicas)
        try:
            yield
        finally:
            self._unsettled.append(self._load)
            self._load = None
            self._settle(when="when a bulk load ended")

    def _settle(self, *, when: str) -> None:
        try:
            self.refresh()
        except StoreError as exc:  # what was written is stored; only visibility waits
            log.error(
                "could not refresh or put back bulk-load settings %s (%s); the next refresh "
                "or bulk load tries again",
                when,
                exc,
            )

    def _send(self, actions: list[dict[str, Any]]) -> Iterator[tuple[bool, str, dict[str, Any]]]:
        if self._load is not None:
            posts = {
                a["_index"]
                for a in actions
                if a.get("_op_type") != "delete" and a["_index"].startswith(self.posts_prefix)
            }
            for index in sorted(posts):
                self._load.prepare(index)
        return self.sender.send(actions)

    def _note(self, op: str, result: dict[str, Any], written: set[str]) -> None:
        written.add(str(result.get("_index")))
        if self._load is not None or not self.visible:
            self.unrefreshed.note(op, result)

    def _end_call(self, written: set[str]) -> None:
        """One refresh of what the call wrote, unless a load or the store defers it."""
        if written and self._load is None and self.visible:
            self._refresh_indices(written)

    def _refresh_indices(self, indices: set[str]) -> None:
        names = ",".join(sorted(indices))
        self.retrying(
            lambda: self.client.indices.refresh(index=names, ignore_unavailable=True),
            stage="refresh",
        )

    def _quarantine_failures(
        self, failures: list[dict[str, Any]], *, stage: str, actions: list[dict[str, Any]]
    ) -> None:
        by_id = {a["_id"]: a for a in actions}
        now = datetime.now(UTC)
        records = []
        for failure in failures:
            status = failure.get("status", 0)
            if status >= 500 or status == 429:
                raise StoreUnavailable(f"Elasticsearch kept failing during {stage}: {failure}")
            error = failure.get("error", {})
            reason = error.get("reason", str(error)) if isinstance(error, dict) else str(error)
            action = by_id.get(failure.get("_id"), {})
            source = action.get("_source", action.get("doc", {}))
            if isinstance(source, str):  # sent as JSON already (storage.es_documents)
                source = json.loads(source)
            payload = source.get("doc", {})
            records.append(
                QuarantinedRecord(
                    stage=stage,
                    source="elasticsearch",
                    reason=f"{failure.get('_id')}: {reason}",
                    payload=str(payload),
                    received_at=now,
                )
            )
        log.warning("%d documents rejected during %s", len(records), stage)
        self.quarantine(records)


__all__ = [
    "BULK_CHUNK_SIZE",
    "BULK_THREADS",
    "BulkSender",
    "BulkWriter",
    "LoadSettings",
    "Unrefreshed",
]
