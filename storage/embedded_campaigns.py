"""Near-duplicate clusters on posts, coordinated campaigns and source profiles in the
embedded (SQLite) store.

A post's cluster and campaigns live in its JSON document, as its topic does; campaigns are
few (one per coordinated effort), so their filters read the document with ``json_each``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from domain.models import Campaign, Post, SourceProfile
from storage.base import CampaignQuery, SourceQuery
from storage.embedded_connection import EmbeddedConnection


class EmbeddedCampaigns(EmbeddedConnection):
    """Clusters, campaign marks and campaigns in the embedded store."""

    def assign_clusters(self, assignments: Mapping[str, str | None]) -> int:
        return self._mark_posts(assignments, lambda value: {"cluster_id": value})

    def assign_campaigns(self, assignments: Mapping[str, Sequence[str]]) -> int:
        return self._mark_posts(assignments, lambda value: {"campaign_ids": list(value)})

    def _mark_posts(
        self, assignments: Mapping[str, Any], update: Callable[[Any], dict[str, Any]]
    ) -> int:
        changed = 0
        with self._tx() as db:
            for post_id, value in assignments.items():
                row = db.execute("SELECT doc FROM posts WHERE id=?", (post_id,)).fetchone()
                if row is None:
                    continue
                doc = Post.model_validate_json(row["doc"])
                marked = doc.model_copy(update=update(value))
                if marked == doc:
                    continue
                db.execute("UPDATE posts SET doc=? WHERE id=?", (marked.model_dump_json(), post_id))
                changed += 1
        return changed

    def replace_campaigns(self, campaigns: Sequence[Campaign]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM campaigns")
            db.executemany(
                "INSERT INTO campaigns(id, kind, start, doc) VALUES(?,?,?,?)",
                [
                    (
                        c.campaign_id,
                        c.kind,
                        round(c.start.timestamp() * 1_000_000),
                        c.model_dump_json(),
                    )
                    for c in campaigns
                ],
            )

    def get_campaigns(self, campaign_ids: Sequence[str]) -> list[Campaign]:
        docs = self._docs_by_ids("campaigns", campaign_ids)
        return [Campaign.model_validate_json(docs[i]) for i in campaign_ids if i in docs]

    def list_campaigns(
        self, query: CampaignQuery = CampaignQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Campaign]]:
        where, args = _where(query)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM campaigns" + clause, args).fetchone()[0]
            rows = self._db.execute(
                "SELECT doc FROM campaigns" + clause + " ORDER BY start DESC, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return int(total), [Campaign.model_validate_json(r["doc"]) for r in rows]


class EmbeddedSources(EmbeddedConnection):
    """Source profiles in the embedded store."""

    def replace_source_profiles(self, sources: Sequence[SourceProfile]) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM source_profiles")
            db.executemany(
                "INSERT INTO source_profiles(id, kind, platform, reach, grievances, link_rate,"
                " posts, doc) VALUES(?,?,?,?,?,?,?,?)",
                [
                    (s.source_id, s.kind, s.platform, s.reach, s.grievances, s.link_rate,
                     s.posts, s.model_dump_json())
                    for s in sources
                ],
            )  # fmt: skip

    def list_source_profiles(
        self, query: SourceQuery = SourceQuery(), *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[SourceProfile]]:
        where, args = [], []
        for column, value in (("kind", query.kind), ("platform", query.platform)):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        order = _SOURCE_ORDER[query.sort]
        with self._lock:
            total = self._db.execute(
                "SELECT COUNT(*) FROM source_profiles" + clause, args
            ).fetchone()[0]
            rows = self._db.execute(
                f"SELECT doc FROM source_profiles{clause} ORDER BY {order}, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        return int(total), [SourceProfile.model_validate_json(r["doc"]) for r in rows]

    def get_source_profile(self, source_id: str) -> SourceProfile | None:
        docs = self._docs_by_ids("source_profiles", [source_id])
        return SourceProfile.model_validate_json(docs[source_id]) if docs else None


# NULL link rates (no grievances) sort last, as Elasticsearch's missing values do.
_SOURCE_ORDER = {
    "reach": "reach DESC",
    "grievances": "grievances DESC",
    "link_rate": "link_rate IS NULL, link_rate DESC",
    "posts": "posts DESC",
}


def _where(query: CampaignQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if query.kind is not None:
        where.append("kind=?")
        args.append(query.kind)
    if query.start is not None:
        where.append("start>=?")
        args.append(round(query.start.timestamp() * 1_000_000))
    if query.end is not None:
        where.append("start<?")
        args.append(round(query.end.timestamp() * 1_000_000))
    if query.post_id is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(doc, '$.post_ids') WHERE value=?)")
        args.append(query.post_id)
    if query.topic_id is not None:
        where.append("EXISTS (SELECT 1 FROM json_each(doc, '$.topic_ids') WHERE value=?)")
        args.append(query.topic_id)
    return where, args


__all__ = ["EmbeddedCampaigns", "EmbeddedSources"]
