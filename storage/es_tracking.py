"""Follow-ups of resolved complaints, reopen verdicts and survey answers on Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from domain.models import ComplaintFollowUp, ReopenDecision, SurveyResponse
from storage.base import FollowUpQuery, UpsertCounts, reopen_decision_id
from storage.es_connection import ElasticsearchConnection


class TrackingIndices(ElasticsearchConnection):
    """Follow-ups of resolved complaints and reopen verdicts on Elasticsearch."""

    def replace_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        self._replace(
            self.index["follow-ups"],
            {f.complaint_id: _follow_up_source(f) for f in follow_ups},
            stage="follow-ups",
        )

    def upsert_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        self._bulk(
            [
                {
                    "_op_type": "index",
                    "_index": self.index["follow-ups"],
                    "_id": f.complaint_id,
                    "_source": _follow_up_source(f),
                }
                for f in follow_ups
            ],
            stage="follow-ups",
        )

    def get_follow_up(self, complaint_id: str) -> ComplaintFollowUp | None:
        hits = self._search(
            self.index["follow-ups"],
            query={"term": {"complaint_id": complaint_id}},
            size=1,
            source_includes=["doc"],
        )["hits"]["hits"]
        return ComplaintFollowUp.model_validate(hits[0]["_source"]["doc"]) if hits else None

    def search_follow_ups(
        self, query: FollowUpQuery, *, limit: int = 100, offset: int = 0
    ) -> tuple[int, list[ComplaintFollowUp]]:
        found = self._search(
            self.index["follow-ups"],
            query=_query(query),
            size=limit,
            from_=offset,
            track_total_hits=True,
            source_includes=["doc"],
            sort=[
                {"reopen_candidate": "desc"},
                {"still_broken": "desc"},
                {"resolved_at": "desc"},
                {"complaint_id": "asc"},
            ],
        )["hits"]
        return int(found["total"]["value"]), [
            ComplaintFollowUp.model_validate(h["_source"]["doc"]) for h in found["hits"]
        ]

    def iter_follow_ups(
        self, query: FollowUpQuery, *, batch_size: int = 500
    ) -> Iterator[ComplaintFollowUp]:
        for doc in self._pages(
            self.index["follow-ups"],
            query=_query(query),
            sort=[{"complaint_id": "asc"}],
            batch_size=batch_size,
        ):
            yield ComplaintFollowUp.model_validate(doc)

    def add_reopen_decision(self, decision: ReopenDecision) -> bool:
        action = {
            "_op_type": "create",
            "_index": self.index["reopen-decisions"],
            "_id": reopen_decision_id(decision),
            "_source": {
                "complaint_id": decision.complaint_id,
                "verdict": decision.verdict,
                "by": decision.by,
                "at": decision.at.isoformat(),
                "doc": decision.model_dump(mode="json"),
            },
        }
        return self._create([action], stage="reopen-decisions") == 1

    def reopen_decisions(self, *, complaint_id: str | None = None) -> list[ReopenDecision]:
        query = (
            {"term": {"complaint_id": complaint_id}}
            if complaint_id is not None
            else {"match_all": {}}
        )
        hits = self._search(
            self.index["reopen-decisions"],
            query=query,
            size=10_000,
            source_includes=["doc"],
            sort=[{"at": "asc"}, {"by": "asc"}],
        )["hits"]["hits"]
        return [ReopenDecision.model_validate(h["_source"]["doc"]) for h in hits]

    def upsert_survey_responses(self, responses: Sequence[SurveyResponse]) -> UpsertCounts:
        index = self.index["survey-responses"]
        stored = self._docs_by_ids(index, [r.complaint_id for r in responses])
        counts = UpsertCounts()
        actions = []
        for answer in {r.complaint_id: r for r in responses}.values():
            before = stored.get(answer.complaint_id)
            if before is not None and SurveyResponse.model_validate(before).same_answer(answer):
                counts.unchanged += 1
                continue
            if before is None:
                counts.created += 1
            else:
                counts.updated += 1
            actions.append(
                {
                    "_op_type": "index",
                    "_index": index,
                    "_id": answer.complaint_id,
                    "_source": {
                        "complaint_id": answer.complaint_id,
                        "score": answer.score,
                        "answered_at": answer.answered_at.isoformat()
                        if answer.answered_at
                        else None,
                        "doc": answer.model_dump(mode="json"),
                    },
                }
            )
        if actions:
            self._bulk(actions, stage="survey-responses")
        return counts

    def get_survey_responses(self, complaint_ids: Sequence[str]) -> list[SurveyResponse]:
        docs = self._docs_by_ids(self.index["survey-responses"], complaint_ids)
        return [SurveyResponse.model_validate(docs[c]) for c in sorted(docs)]

    def iter_survey_responses(self, *, batch_size: int = 500) -> Iterator[SurveyResponse]:
        for doc in self._pages(
            self.index["survey-responses"],
            query={"match_all": {}},
            sort=[{"complaint_id": "asc"}],
            batch_size=batch_size,
        ):
            yield SurveyResponse.model_validate(doc)


def _query(query: FollowUpQuery) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    if query.reopen_only:
        filters.append({"term": {"reopen_candidate": True}})
    for name, value in (
        ("agency", query.agency),
        ("province", query.province),
        ("category", query.category),
        ("label", query.label),
    ):
        if value is not None:
            filters.append({"term": {name: value}})
    bounds = {
        op: value.isoformat()
        for op, value in (("gte", query.start), ("lt", query.end))
        if value is not None
    }
    if bounds:
        filters.append({"range": {"resolved_at": bounds}})
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def _follow_up_source(follow_up: ComplaintFollowUp) -> dict[str, Any]:
    return {
        "complaint_id": follow_up.complaint_id,
        "agency": follow_up.agency,
        "province": follow_up.province,
        "district": follow_up.district,
        "category": follow_up.category.value,
        "resolved_at": follow_up.resolved_at.isoformat(),
        "reopen_candidate": follow_up.reopen_candidate,
        "still_broken": len(follow_up.still_broken),
        "score": follow_up.satisfaction.score,
        "label": follow_up.satisfaction.label,
        "doc": follow_up.model_dump(mode="json"),
    }


__all__ = ["TrackingIndices"]
