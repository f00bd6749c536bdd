"""The alert outbox and managed rules on Elasticsearch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.models import (
    Alert,
    AlertRule,
)
from storage.base import AlertQuery
from storage.es_connection import ElasticsearchConnection


class AlertIndices(ElasticsearchConnection):
    """The alert outbox and managed rules on Elasticsearch."""

    def add_alerts(self, alerts: Sequence[Alert]) -> int:
        actions = [
            {
                "_op_type": "create",
                "_index": self.index["alerts"],
                "_id": a.alert_id,
                "_source": {
                    "alert_id": a.alert_id,
                    "rule": a.rule,
                    "kind": a.kind,
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

    def search_alerts(
        self, query: AlertQuery, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Alert]]:
        filters: list[dict[str, Any]] = []
        if query.status:
            filters.append({"term": {"status": query.status}})
        if query.rule:
            filters.append({"term": {"rule": query.rule}})
        if query.kind:
            filters.append({"term": {"kind": query.kind}})
        if query.start or query.end:
            bounds = {
                **({"gte": query.start.isoformat()} if query.start else {}),
                **({"lt": query.end.isoformat()} if query.end else {}),
            }
            filters.append({"range": {"triggered_at": bounds}})
        response = self._search(
            self.index["alerts"],
            query={"bool": {"filter": filters}},
            size=limit,
            from_=offset,
            source_includes=["doc"],
            sort=[{"triggered_at": "desc"}, {"alert_id": "asc"}],
            track_total_hits=True,
        )
        hits = response["hits"]["hits"]
        total = int(response["hits"]["total"]["value"])
        return total, [Alert.model_validate(h["_source"]["doc"]) for h in hits]

    def get_alert(self, alert_id: str) -> Alert | None:
        docs = self._docs_by_ids(self.index["alerts"], [alert_id])
        return Alert.model_validate(docs[alert_id]) if alert_id in docs else None

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


__all__ = ["AlertIndices"]
