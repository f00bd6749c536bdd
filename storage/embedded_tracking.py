"""Follow-ups of resolved complaints, reopen verdicts and survey answers in the embedded
(SQLite) store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from domain.models import ComplaintFollowUp, ReopenDecision, SurveyResponse
from storage.base import FollowUpQuery, UpsertCounts, reopen_decision_id
from storage.embedded_connection import EmbeddedConnection


class EmbeddedTracking(EmbeddedConnection):
    """Follow-ups of resolved complaints and reopen verdicts in the embedded store."""

    def replace_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM follow_ups")
        self.upsert_follow_ups(follow_ups)

    def upsert_follow_ups(self, follow_ups: Sequence[ComplaintFollowUp]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO follow_ups(complaint_id, reopen, still_broken, agency,"
                " province, category, label, resolved_at, doc) VALUES(?,?,?,?,?,?,?,?,?)",
                [
                    (
                        f.complaint_id,
                        int(f.reopen_candidate),
                        len(f.still_broken),
                        f.agency,
                        f.province,
                        f.category.value,
                        f.satisfaction.label,
                        round(f.resolved_at.timestamp() * 1_000_000),
                        f.model_dump_json(),
                    )
                    for f in follow_ups
                ],
            )

    def get_follow_up(self, complaint_id: str) -> ComplaintFollowUp | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM follow_ups WHERE complaint_id=?", (complaint_id,)
            ).fetchone()
        return ComplaintFollowUp.model_validate_json(row["doc"]) if row else None

    def search_follow_ups(
        self, query: FollowUpQuery, *, limit: int = 100, offset: int = 0
    ) -> tuple[int, list[ComplaintFollowUp]]:
        where, args = _where(query)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM follow_ups" + clause, args).fetchone()[0]
            rows = self._db.execute(
                "SELECT doc FROM follow_ups" + clause + " ORDER BY reopen DESC,"
                " still_broken DESC, resolved_at DESC, complaint_id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return int(total), [ComplaintFollowUp.model_validate_json(r["doc"]) for r in rows]

    def iter_follow_ups(
        self, query: FollowUpQuery, *, batch_size: int = 500
    ) -> Iterator[ComplaintFollowUp]:
        where, args = _where(query)
        after = ""
        while True:
            keyed = [*where, "complaint_id>?"]
            with self._lock:
                rows = self._db.execute(
                    "SELECT complaint_id, doc FROM follow_ups WHERE " + " AND ".join(keyed)
                    + " ORDER BY complaint_id LIMIT ?",
                    [*args, after, batch_size],
                ).fetchall()  # fmt: skip
            if not rows:
                return
            for row in rows:
                yield ComplaintFollowUp.model_validate_json(row["doc"])
            after = rows[-1]["complaint_id"]

    def add_reopen_decision(self, decision: ReopenDecision) -> bool:
        with self._tx() as db:
            before = db.total_changes
            db.execute(
                "INSERT OR IGNORE INTO reopen_decisions(id, complaint_id, at, doc) VALUES(?,?,?,?)",
                (
                    reopen_decision_id(decision),
                    decision.complaint_id,
                    round(decision.at.timestamp() * 1_000_000),
                    decision.model_dump_json(),
                ),
            )
            return db.total_changes > before

    def reopen_decisions(self, *, complaint_id: str | None = None) -> list[ReopenDecision]:
        sql, args = "SELECT doc FROM reopen_decisions", []
        if complaint_id is not None:
            sql += " WHERE complaint_id=?"
            args.append(complaint_id)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY at, id", args).fetchall()
        return [ReopenDecision.model_validate_json(r["doc"]) for r in rows]

    def upsert_survey_responses(self, responses: Sequence[SurveyResponse]) -> UpsertCounts:
        counts = UpsertCounts()
        with self._tx() as db:
            for answer in responses:
                row = db.execute(
                    "SELECT doc FROM survey_responses WHERE complaint_id=?", (answer.complaint_id,)
                ).fetchone()
                if row is not None:
                    if SurveyResponse.model_validate_json(row["doc"]).same_answer(answer):
                        counts.unchanged += 1
                        continue
                    counts.updated += 1
                else:
                    counts.created += 1
                db.execute(
                    "INSERT OR REPLACE INTO survey_responses(complaint_id, score, doc)"
                    " VALUES(?,?,?)",
                    (answer.complaint_id, answer.score, answer.model_dump_json()),
                )
        return counts

    def get_survey_responses(self, complaint_ids: Sequence[str]) -> list[SurveyResponse]:
        wanted = list(dict.fromkeys(complaint_ids))
        found: list[SurveyResponse] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            with self._lock:
                rows = self._db.execute(
                    "SELECT doc FROM survey_responses WHERE complaint_id IN"
                    f" ({','.join('?' * len(chunk))}) ORDER BY complaint_id",
                    chunk,
                ).fetchall()
            found += [SurveyResponse.model_validate_json(r["doc"]) for r in rows]
        return found

    def iter_survey_responses(self, *, batch_size: int = 500) -> Iterator[SurveyResponse]:
        after = ""
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT complaint_id, doc FROM survey_responses WHERE complaint_id>?"
                    " ORDER BY complaint_id LIMIT ?",
                    (after, batch_size),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield SurveyResponse.model_validate_json(row["doc"])
            after = rows[-1]["complaint_id"]


def _where(query: FollowUpQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if query.reopen_only:
        where.append("reopen=1")
    for column, value in (
        ("agency", query.agency),
        ("province", query.province),
        ("category", query.category),
        ("label", query.label),
    ):
        if value is not None:
            where.append(f"{column}=?")
            args.append(value)
    if query.start is not None:
        where.append("resolved_at>=?")
        args.append(round(query.start.timestamp() * 1_000_000))
    if query.end is not None:
        where.append("resolved_at<?")
        args.append(round(query.end.timestamp() * 1_000_000))
    return where, args


__all__ = ["EmbeddedTracking"]
