"""Complaints, topics, links, alerts and quarantine on Elasticsearch (one index each).

A mixin of :class:`storage.elasticsearch.ElasticsearchStore`, which supplies ``client``,
``index``, ``_search``, ``_bulk`` and ``_create``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from elasticsearch import ConflictError, NotFoundError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch.helpers import scan

from domain.errors import StoreError, StoreUnavailable
from domain.models import (
    Alert,
    AlertRule,
    ApiKey,
    AuditEntry,
    Complaint,
    LinkDecision,
    PostComplaintLink,
    QuarantinedRecord,
    SourceRun,
    SourceStats,
    Topic,
)
from domain.quarantine import reason_class
from storage.base import ComplaintQuery, UpsertCounts, decision_id
from storage.es_documents import link_id, vector_matrix

T = TypeVar("T")


class EntityIndices:
    """Store methods for everything that is not a post."""

    client: Any
    index: dict[str, str]

    def _search(self, index: str, **body: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _bulk(self, actions: list[dict[str, Any]], *, stage: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _create(self, actions: list[dict[str, Any]], *, stage: str) -> int:
        raise NotImplementedError

    def _retrying(self, call: Callable[[], T], *, stage: str) -> T:
        raise NotImplementedError

    # complaints ----------------------------------------------------------------------------
    def upsert_complaints(
        self, complaints: Sequence[Complaint], vectors: np.ndarray | None = None
    ) -> UpsertCounts:
        counts = UpsertCounts()
        index = self.index["complaints"]
        ids = [c.complaint_id for c in complaints]
        existing = (
            {
                h["_id"]: h["_source"]
                for h in self._search(
                    index,
                    query={"ids": {"values": ids}},
                    size=max(len(ids), 1),
                    source_includes=["doc", "embedding"],
                )["hits"]["hits"]
            }
            if ids
            else {}
        )
        actions = []
        for i, complaint in enumerate(complaints):
            doc = complaint.model_dump(mode="json")
            vector = vectors[i] if vectors is not None and vectors.shape[1] else None
            old = existing.get(complaint.complaint_id)
            same_vector = vector is None or (
                old is not None
                and old.get("embedding") is not None
                and np.allclose(old["embedding"], vector, atol=1e-6)
            )
            if old and old["doc"] == doc and same_vector:
                counts.unchanged += 1
                continue
            source: dict[str, Any] = {
                "complaint_id": complaint.complaint_id,
                "filed_at": complaint.filed_at.isoformat(),
                "channel": complaint.channel,
                "category": complaint.category.value,
                "agency": complaint.agency,
                "province": complaint.province,
                "district": complaint.district,
                "status": complaint.status,
                "tokens": " ".join(complaint.tokens),
                "subject": complaint.subject,
                "description": complaint.description,
                "doc": doc,
            }
            if vector is not None:
                source["embedding"] = [float(x) for x in vector]
            elif old and old.get("embedding"):
                source["embedding"] = old["embedding"]
            actions.append(
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": complaint.complaint_id,
                    "_source": source,
                }
            )
            if old and old["doc"] == doc:
                counts.unchanged += 1
            elif old:
                counts.updated += 1
            else:
                counts.created += 1
        self._bulk(actions, stage="complaints")
        return counts

    def get_complaint(self, complaint_id: str) -> Complaint | None:
        hits = self._search(
            self.index["complaints"],
            query={"ids": {"values": [complaint_id]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return Complaint.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def list_complaints(self, *, limit: int = 1000, offset: int = 0) -> list[Complaint]:
        out: list[Complaint] = []
        after: list[Any] | None = None
        skipped = 0
        while len(out) < limit:
            extra = {"search_after": after} if after else {}
            hits = self._search(
                self.index["complaints"],
                query={"match_all": {}},
                sort=[{"filed_at": "asc"}, {"complaint_id": "asc"}],
                size=min(1000, limit + offset),
                source_includes=["doc"],
                **extra,
            )["hits"]["hits"]
            if not hits:
                break
            for hit in hits:
                if skipped < offset:
                    skipped += 1
                    continue
                out.append(Complaint.model_validate(hit["_source"]["doc"]))
                if len(out) == limit:
                    break
            after = hits[-1]["sort"]
        return out

    def search_complaints(
        self, query: ComplaintQuery, *, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[Complaint]]:
        filters: list[dict[str, Any]] = [
            {"term": {name: value}}
            for name, value in (
                ("province", query.province),
                ("category", query.category),
                ("status", query.status),
                ("channel", query.channel),
            )
            if value is not None
        ]
        filters += [{"match": {"tokens": {"query": t, "operator": "and"}}} for t in query.terms]
        span = {k: v.isoformat() for k, v in (("gte", query.start), ("lt", query.end)) if v}
        if span:
            filters.append({"range": {"filed_at": span}})
        found = self._search(
            self.index["complaints"],
            query={"bool": {"filter": filters}},
            from_=offset,
            size=limit,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[{"filed_at": "desc"}, {"complaint_id": "asc"}],
        )["hits"]
        return int(found["total"]["value"]), [
            Complaint.model_validate(h["_source"]["doc"]) for h in found["hits"]
        ]

    def complaint_vectors(self, complaint_ids: Sequence[str]) -> np.ndarray:
        return self._vectors(self.index["complaints"], complaint_ids)

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

    # topics, links, alerts ---------------------------------------------------------------
    def _replace(self, index: str, docs: dict[str, dict[str, Any]], *, stage: str) -> None:
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

    def replace_topics(self, topics: Sequence[Topic]) -> None:
        self._replace(
            self.index["topics"],
            {
                str(t.topic_id): {
                    "topic_id": t.topic_id,
                    "label": t.label,
                    "status": t.status,
                    "spike_score": t.spike_score,
                    "size": t.size,
                    "dominant_category": t.dominant_category.value,
                    "first_seen": t.first_seen.isoformat(),
                    "last_seen": t.last_seen.isoformat(),
                    "doc": t.model_dump(mode="json"),
                }
                for t in topics
            },
            stage="topics",
        )

    def list_topics(self, *, status: str | None = None, limit: int = 100) -> list[Topic]:
        query = {"term": {"status": status}} if status else {"match_all": {}}
        hits = self._search(
            self.index["topics"],
            query=query,
            size=limit,
            source_includes=["doc"],
            sort=[{"spike_score": "desc"}, {"size": "desc"}, {"topic_id": "asc"}],
        )["hits"]["hits"]
        return [Topic.model_validate(h["_source"]["doc"]) for h in hits]

    def get_topic(self, topic_id: int) -> Topic | None:
        hits = self._search(
            self.index["topics"],
            query={"ids": {"values": [str(topic_id)]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return Topic.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def replace_links(self, links: Sequence[PostComplaintLink]) -> None:
        self._replace(
            self.index["links"],
            {link_id(lk): _link_source(lk) for lk in links},
            stage="links",
        )

    def _links(self, field: str, value: str) -> list[PostComplaintLink]:
        hits = self._search(
            self.index["links"],
            query={"term": {field: value}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"score": "desc"}, {"post_id": "asc"}, {"complaint_id": "asc"}],
        )["hits"]["hits"]
        return [PostComplaintLink.model_validate(h["_source"]["doc"]) for h in hits]

    def links_for_complaint(self, complaint_id: str) -> list[PostComplaintLink]:
        return self._links("complaint_id", complaint_id)

    def links_for_post(self, post_id: str) -> list[PostComplaintLink]:
        return self._links("post_id", post_id)

    def links_for_posts(self, post_ids: Sequence[str]) -> list[PostComplaintLink]:
        ids = list(dict.fromkeys(post_ids))
        found: list[PostComplaintLink] = []
        for start in range(0, len(ids), 5_000):
            hits = self._search(
                self.index["links"],
                query={"terms": {"post_id": ids[start : start + 5_000]}},
                size=10_000,
                source_includes=["doc"],
            )["hits"]["hits"]
            found += [PostComplaintLink.model_validate(h["_source"]["doc"]) for h in hits]
        return sorted(found, key=lambda lk: (-lk.score, lk.post_id, lk.complaint_id))

    def upsert_links(self, links: Sequence[PostComplaintLink]) -> None:
        self._bulk(
            [
                {
                    "_op_type": "index",
                    "_index": self.index["links"],
                    "_id": link_id(lk),
                    "_source": _link_source(lk),
                }
                for lk in links
            ],
            stage="links",
        )

    def add_link_decision(self, decision: LinkDecision) -> bool:
        source = {
            "post_id": decision.post_id,
            "complaint_id": decision.complaint_id,
            "verdict": decision.verdict,
            "by": decision.by,
            "at": decision.at.isoformat(),
            "doc": decision.model_dump(mode="json"),
        }
        action = {
            "_op_type": "create",
            "_index": self.index["link-decisions"],
            "_id": decision_id(decision),
            "_source": source,
        }
        return self._create([action], stage="link-decisions") == 1

    def link_decisions(
        self, *, complaint_id: str | None = None, post_id: str | None = None
    ) -> list[LinkDecision]:
        terms = [
            {"term": {name: value}}
            for name, value in (("complaint_id", complaint_id), ("post_id", post_id))
            if value is not None
        ]
        hits = self._search(
            self.index["link-decisions"],
            query={"bool": {"filter": terms}} if terms else {"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"at": "asc"}, {"by": "asc"}],
        )["hits"]["hits"]
        return [LinkDecision.model_validate(h["_source"]["doc"]) for h in hits]

    def count_links(self) -> int:
        return int(
            self._search(
                self.index["links"], size=0, track_total_hits=True, query={"match_all": {}}
            )["hits"]["total"]["value"]
        )

    def add_alerts(self, alerts: Sequence[Alert]) -> int:
        actions = [
            {
                "_op_type": "create",
                "_index": self.index["alerts"],
                "_id": a.alert_id,
                "_source": {
                    "alert_id": a.alert_id,
                    "rule": a.rule,
                    "status": a.status,
                    "triggered_at": a.triggered_at.isoformat(),
                    "doc": a.model_dump(mode="json"),
                },
            }
            for a in alerts
        ]
        return self._create(actions, stage="alerts")

    def list_alerts(self, *, limit: int = 100, status: str | None = None) -> list[Alert]:
        hits = self._search(
            self.index["alerts"],
            query={"term": {"status": status}} if status else {"match_all": {}},
            size=limit,
            source_includes=["doc"],
            sort=[{"triggered_at": "desc"}, {"alert_id": "asc"}],
        )["hits"]["hits"]
        return [Alert.model_validate(h["_source"]["doc"]) for h in hits]

    def set_alert_status(self, alert_ids: Sequence[str], status: str) -> int:
        if not alert_ids:
            return 0
        hits = self._search(
            self.index["alerts"],
            query={"ids": {"values": list(alert_ids)}},
            size=len(alert_ids),
            source_includes=["doc"],
        )["hits"]["hits"]
        actions = []
        for hit in hits:
            alert = Alert.model_validate(hit["_source"]["doc"])
            if alert.status != status:
                updated = alert.model_copy(update={"status": status})
                actions.append(
                    {
                        "_op_type": "update",
                        "_index": self.index["alerts"],
                        "_id": alert.alert_id,
                        "doc": {"status": status, "doc": updated.model_dump(mode="json")},
                    }
                )
        self._bulk(actions, stage="alerts")
        return len(actions)

    def put_alert_rule(self, rule: AlertRule) -> bool:
        index = self.index["alert-rules"]
        existed = bool(
            self._search(index, query={"ids": {"values": [rule.name]}}, size=1)["hits"]["hits"]
        )
        source = {"name": rule.name, "kind": rule.kind, "doc": rule.model_dump(mode="json")}
        self._bulk(
            [{"_op_type": "index", "_index": index, "_id": rule.name, "_source": source}],
            stage="alert-rules",
        )
        return not existed

    def list_alert_rules(self) -> list[AlertRule]:
        hits = self._search(
            self.index["alert-rules"],
            query={"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"name": "asc"}],
        )["hits"]["hits"]
        return [AlertRule.model_validate(h["_source"]["doc"]) for h in hits]

    def delete_alert_rule(self, name: str) -> bool:
        index = self.index["alert-rules"]
        if not self._search(index, query={"ids": {"values": [name]}}, size=1)["hits"]["hits"]:
            return False
        self._bulk([{"_op_type": "delete", "_index": index, "_id": name}], stage="alert-rules")
        return True

    # access ------------------------------------------------------------------------------
    def put_api_key(self, key: ApiKey) -> None:
        source = {
            "key_id": key.key_id,
            "name": key.name,
            "role": key.role,
            "created_at": key.created_at.isoformat(),
            "doc": key.model_dump(mode="json"),
        }
        self._bulk(
            [{"_op_type": "index", "_index": self.index["api-keys"], "_id": key.key_id,
              "_source": source}],
            stage="api-keys",
        )  # fmt: skip

    def get_api_key(self, key_id: str) -> ApiKey | None:
        hits = self._search(
            self.index["api-keys"],
            query={"ids": {"values": [key_id]}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return ApiKey.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def list_api_keys(self) -> list[ApiKey]:
        hits = self._search(
            self.index["api-keys"],
            query={"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"key_id": "asc"}],
        )["hits"]["hits"]
        return [ApiKey.model_validate(h["_source"]["doc"]) for h in hits]

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        self._bulk(
            [
                {
                    "_op_type": "index",
                    "_index": self.index["audit"],
                    "_source": e.model_dump(mode="json") | {"doc": e.model_dump(mode="json")},
                }
                for e in entries
            ],
            stage="audit",
        )

    def list_audit(self, *, resource: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        hits = self._search(
            self.index["audit"],
            query={"term": {"resource": resource}} if resource else {"match_all": {}},
            size=limit,
            source_includes=["doc"],
            sort=[{"at": "desc"}],
        )["hits"]["hits"]
        return [AuditEntry.model_validate(h["_source"]["doc"]) for h in hits]

    # quarantine --------------------------------------------------------------------------
    def quarantine(self, records: Sequence[QuarantinedRecord]) -> int:
        actions = []
        for record in records:
            key = hashlib.sha256(f"{record.stage}\0{record.source}\0{record.payload}".encode())
            actions.append(
                {
                    "_op_type": "create",
                    "_index": self.index["quarantine"],
                    "_id": key.hexdigest(),
                    "_source": {
                        "stage": record.stage,
                        "source": record.source,
                        "reason": record.reason,
                        "reason_class": reason_class(record),
                        "received_at": record.received_at.isoformat(),
                        "doc": record.model_dump(mode="json"),
                    },
                }
            )
        return self._create(actions, stage="quarantine")

    def list_quarantine(
        self, *, stage: str | None = None, limit: int = 100
    ) -> list[QuarantinedRecord]:
        query = {"term": {"stage": stage}} if stage else {"match_all": {}}
        hits = self._search(
            self.index["quarantine"],
            query=query,
            size=limit,
            source_includes=["doc"],
            sort=[{"received_at": "asc"}],
        )["hits"]["hits"]
        return [QuarantinedRecord.model_validate(h["_source"]["doc"]) for h in hits]

    def count_quarantine(self, *, stage: str | None = None) -> int:
        query = {"term": {"stage": stage}} if stage else {"match_all": {}}
        return int(
            self._search(self.index["quarantine"], query=query, size=0, track_total_hits=True)[
                "hits"
            ]["total"]["value"]
        )

    # collection --------------------------------------------------------------------------
    def record_source_run(self, run: SourceRun) -> SourceStats:
        """Read, add and write back with optimistic concurrency (two runs never lose counts)."""
        index = self.index["sources"]

        def attempt() -> SourceStats:
            for _ in range(10):
                try:
                    found = self.client.get(index=index, id=run.source)
                    current = SourceStats.model_validate(found["_source"]["doc"])
                    guard = {
                        "if_seq_no": found["_seq_no"],
                        "if_primary_term": found["_primary_term"],
                    }
                except NotFoundError:
                    current, guard = (
                        SourceStats(source=run.source, kind=run.kind),
                        {"op_type": "create"},
                    )
                totals = current.add(run)
                try:
                    self.client.index(
                        index=index,
                        id=run.source,
                        document={
                            "source": totals.source,
                            "kind": totals.kind,
                            "last_run_at": totals.last_run_at.isoformat()
                            if totals.last_run_at
                            else None,
                            "doc": totals.model_dump(mode="json"),
                        },
                        refresh="wait_for",
                        **guard,
                    )
                    return totals
                except ConflictError:
                    continue  # another run wrote first: read again
            raise StoreError(f"source stats for {run.source} kept changing under us")

        return self._retrying(attempt, stage="sources")

    def list_source_stats(self) -> list[SourceStats]:
        hits = self._search(
            self.index["sources"],
            query={"match_all": {}},
            size=10_000,
            source_includes=["doc"],
            sort=[{"source": "asc"}],
        )["hits"]["hits"]
        return [SourceStats.model_validate(h["_source"]["doc"]) for h in hits]


def _link_source(link: PostComplaintLink) -> dict[str, Any]:
    return {
        "post_id": link.post_id,
        "complaint_id": link.complaint_id,
        "score": link.score,
        "doc": link.model_dump(mode="json"),
    }


__all__ = ["EntityIndices"]
