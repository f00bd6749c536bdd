"""What every part of the Elasticsearch store shares: the client, the index names and the
calls that retry, search, bulk-write and page through an index.

``ElasticsearchStore`` is put together from one class per aggregate (posts in
``elasticsearch.py``; complaints, topics, links, alerts, access, intake, emergences and
operations beside it), each built on ``ElasticsearchConnection``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from elasticsearch import ConflictError, Elasticsearch, NotFoundError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch.helpers import scan
from pydantic import BaseModel

from domain.errors import StoreError, StoreUnavailable
from storage.es_bulk import BulkWriter
from storage.es_documents import vector_matrix

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class ElasticsearchConnection:
    """The client, index names and bulk writer (set by ``ElasticsearchStore``), and the
    calls every aggregate makes through them."""

    client: Elasticsearch
    prefix: str
    index: dict[str, str]
    writer: BulkWriter

    def _retrying(self, call: Callable[[], T], *, stage: str) -> T:
        """``call``, retried on 429, 5xx and connection failures; then ``StoreUnavailable``."""
        return self.writer.retrying(call, stage=stage)

    def _bulk(self, actions: list[dict[str, Any]], *, stage: str) -> list[dict[str, Any]]:
        """Bulk actions without a refresh per chunk; refused documents are quarantined."""
        return self.writer.bulk(actions, stage=stage)

    def _create(self, actions: list[dict[str, Any]], *, stage: str) -> int:
        """``create`` ops: a 409 (already there) is success by design, not a rejection."""
        return self.writer.create(actions, stage=stage)

    def _search(self, index: str, **body: Any) -> dict[str, Any]:
        """A retried search; a missing index answers as an empty one."""

        def run() -> dict[str, Any]:
            try:
                return dict(
                    self.client.search(
                        index=index, ignore_unavailable=True, allow_no_indices=True, **body
                    )
                )
            except NotFoundError:
                return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}

        return self._retrying(run, stage="search")

    def _add_up(
        self,
        index: str,
        doc_id: str,
        model: type[M],
        *,
        empty: Callable[[], M],
        add: Callable[[M], M],
        fields: Callable[[M], dict[str, Any]],
        stage: str,
    ) -> M:
        """Read a totals document, add to it and write it back under optimistic concurrency
        (``if_seq_no``): a writer that lost the race reads again, so no count is lost."""

        def attempt() -> M:
            for _ in range(10):
                try:
                    found = self.client.get(index=index, id=doc_id)
                    current = model.model_validate(found["_source"]["doc"])
                    guard = {
                        "if_seq_no": found["_seq_no"],
                        "if_primary_term": found["_primary_term"],
                    }
                except NotFoundError:
                    current, guard = empty(), {"op_type": "create"}
                totals = add(current)
                try:
                    self.client.index(
                        index=index,
                        id=doc_id,
                        document={**fields(totals), "doc": totals.model_dump(mode="json")},
                        refresh="wait_for",
                        **guard,
                    )
                    return totals
                except ConflictError:
                    continue  # another run wrote first: read again
            raise StoreError(f"{stage} totals for {doc_id} kept changing under us")

        return self._retrying(attempt, stage=stage)

    def _docs_by_ids(self, index: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored ``doc`` of each of ``ids`` found in ``index``, by id."""
        docs: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 1000):  # well inside the 10,000-hit window
            chunk = unique[start : start + 1000]
            hits = self._search(
                index, query={"ids": {"values": chunk}}, size=len(chunk), source_includes=["doc"]
            )["hits"]["hits"]
            docs.update({h["_id"]: h["_source"]["doc"] for h in hits})
        return docs

    def _vectors(self, index: str, ids: Sequence[str]) -> np.ndarray:
        """Embeddings of ``ids`` in ``index``, row-aligned (zeros where a document has none)."""
        found: dict[str, list[float]] = {}
        for start in range(0, len(ids), 1000):
            chunk = list(ids[start : start + 1000])
            hits = self._search(
                index,
                query={"ids": {"values": chunk}},
                size=len(chunk),
                source_includes=["embedding"],
            )["hits"]["hits"]
            found.update(
                {h["_id"]: h["_source"]["embedding"] for h in hits if h["_source"].get("embedding")}
            )
        return vector_matrix(ids, found)

    def _replace(self, index: str, docs: dict[str, dict[str, Any]], *, stage: str) -> None:
        """Make ``index`` hold exactly ``docs`` (by id): index them, delete the others."""
        current = {h["_id"] for h in self._scan_ids(index)}
        actions = [
            {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source}
            for doc_id, source in docs.items()
        ]
        actions += [
            {"_op_type": "delete", "_index": index, "_id": doc_id}
            for doc_id in sorted(current - set(docs))
        ]
        self._bulk(actions, stage=stage)

    def _pages(
        self,
        index: str,
        *,
        query: dict[str, Any],
        sort: list[dict[str, str]],
        batch_size: int,
    ) -> Iterator[dict[str, Any]]:
        """Every ``doc`` matching ``query``, ``batch_size`` hits a search, by ``search_after``
        on ``sort`` (which must end on a unique field)."""
        after: list[Any] | None = None
        while True:
            extra = {"search_after": after} if after else {}
            hits = self._search(
                index, query=query, sort=sort, size=batch_size, source_includes=["doc"], **extra
            )["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield hit["_source"]["doc"]
            after = hits[-1]["sort"]

    def _scan_ids(self, index: str) -> list[dict[str, Any]]:
        try:
            return list(
                scan(
                    self.client,
                    index=index,
                    query={"query": {"match_all": {}}},
                    _source=False,
                    ignore_unavailable=True,
                )
            )
        except NotFoundError:
            return []
        except (ESConnectionError, TransportError) as exc:
            raise StoreUnavailable(f"Elasticsearch unavailable: {exc}") from exc


__all__ = ["ElasticsearchConnection"]
