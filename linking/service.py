"""Link social posts to the formal complaints they are about, with checkable reasons.

For every complaint, posts inside [filed − days_before, filed + days_after] are scored on
the pair signals (``linking.signals``) by one calibrated logistic model
(``linking.calibration``); pairs at or above ``linking.threshold`` become links, best first,
at most ``max_per_complaint`` per complaint. Officers' decisions count twice: each decided
pair keeps its verdict on the link (a confirmed link stays even below the threshold and
ranks first; a rejected one is kept, marked, for the record), and once enough decisions
exist they re-weight the model (``feedback_min``, ``feedback_weight``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from domain.models import Complaint, LinkDecision, Post, PostComplaintLink
from domain.settings import LinkSettings
from enrich.thai_text import content_tokens
from linking.calibration import load_weights, score, with_feedback
from linking.problems import problem_table
from linking.signals import (
    ComplaintView,
    Idf,
    PostView,
    char_grams,
    explain,
    pair_signals,
    with_closest,
)
from storage.base import Store

# (province, district, subdistrict) → the finest known point of a complaint's place
PlaceOf = Callable[[str, str | None, str | None], tuple[float, float] | None]


@dataclass(frozen=True)
class Pair:
    """A candidate (complaint, post) pair: indexes into the run's views, and its signals."""

    complaint: int
    post: int
    signals: dict[str, float]


@dataclass(frozen=True)
class Candidates:
    """Every pair inside the time window of one linking run, with what scoring needs."""

    posts: list[PostView]
    complaints: list[ComplaintView]
    idf: Idf
    pairs: list[Pair]

    def ids(self, pair: Pair) -> tuple[str, str]:
        """(post_id, complaint_id) of a pair."""
        return self.posts[pair.post].post.id, self.complaints[pair.complaint].complaint.complaint_id


def latest_decisions(decisions: Sequence[LinkDecision]) -> dict[tuple[str, str], LinkDecision]:
    """The verdict in force per (post, complaint): the newest one."""
    latest: dict[tuple[str, str], LinkDecision] = {}
    for d in sorted(decisions, key=lambda d: d.at):
        latest[(d.post_id, d.complaint_id)] = d
    return latest


class Linker:
    """Scores (complaint, post) pairs and keeps those above the configured threshold."""

    def __init__(
        self,
        settings: LinkSettings,
        *,
        place_of: PlaceOf | None = None,
        decisions: Sequence[LinkDecision] = (),
    ) -> None:
        self.settings = settings
        self.base_weights = dict(settings.weights) if settings.weights else load_weights()
        self.weights = dict(self.base_weights)
        self.place_of = place_of
        self.decisions = latest_decisions(decisions)

    def link(
        self,
        complaints: Sequence[Complaint],
        complaint_vectors: np.ndarray,
        posts: Sequence[Post],
        post_vectors: np.ndarray,
    ) -> list[PostComplaintLink]:
        """All links above threshold (and every decided pair), best first per post."""
        run = self.candidates(complaints, complaint_vectors, posts, post_vectors)
        views, c_views, idf, pairs = run.posts, run.complaints, run.idf, run.pairs
        decided = [
            (pair.signals, self.decisions[run.ids(pair)].verdict == "confirmed")
            for pair in pairs
            if run.ids(pair) in self.decisions
        ]
        self.weights = with_feedback(
            self.base_weights,
            decided,
            minimum=self.settings.feedback_min,
            weight=self.settings.feedback_weight,
        )
        per_complaint: dict[int, list[tuple[float, Pair]]] = {}
        for pair in pairs:
            per_complaint.setdefault(pair.complaint, []).append(
                (score(self.weights, pair.signals), pair)
            )
        links: list[PostComplaintLink] = []
        for c_index, scored in per_complaint.items():
            complaint = c_views[c_index].complaint
            kept = [
                (s, pair, self.decisions.get((views[pair.post].post.id, complaint.complaint_id)))
                for s, pair in scored
            ]
            kept = [k for k in kept if k[2] is not None or k[0] >= self.settings.threshold]
            kept.sort(key=lambda k: (decision_rank(k[2]), -k[0], views[k[1].post].post.id))
            open_links = 0
            for s, pair, decision in kept:  # decided pairs always stay, the rest up to max
                if decision is None:
                    if open_links >= self.settings.max_per_complaint:
                        continue
                    open_links += 1
                links.append(
                    self._link(
                        complaint, c_views[c_index], views[pair.post], s, decision, idf, pair
                    )
                )
        links.sort(
            key=lambda lk: (lk.post_id, decision_rank(lk.decision), -lk.score, lk.complaint_id)
        )
        return links

    def complaint_view(self, complaint: Complaint) -> ComplaintView:
        point = None
        if complaint.lat is not None and complaint.lon is not None:
            point = (complaint.lat, complaint.lon)
        elif self.place_of and complaint.province and complaint.district:
            point = self.place_of(complaint.province, complaint.district, complaint.subdistrict)
        words = content_tokens(complaint.tokens)
        problems = problem_table().named([*complaint.tokens, complaint.agency or ""])
        return ComplaintView(complaint, frozenset(words), char_grams(words), point, problems)

    def candidates(
        self,
        complaints: Sequence[Complaint],
        complaint_vectors: np.ndarray,
        posts: Sequence[Post],
        post_vectors: np.ndarray,
    ) -> Candidates:
        """Every (complaint, post) pair inside the time window, with its signals."""
        views = [PostView.of(p) for p in posts]
        c_views = [self.complaint_view(c) for c in complaints]
        idf = Idf([v.words | v.grams for v in views] + [c.words | c.grams for c in c_views])
        times = np.array([v.post.created_at.timestamp() for v in views])
        has_vectors = bool(complaint_vectors.shape[1] and post_vectors.shape[1])
        pairs = []
        for c_index, complaint in enumerate(c_views):
            filed = complaint.complaint.filed_at.timestamp()
            lo = filed - self.settings.days_before * 86400
            hi = filed + self.settings.days_after * 86400
            found = np.flatnonzero((times >= lo) & (times <= hi))
            if not len(found):
                continue
            cosines = (
                post_vectors[found] @ complaint_vectors[c_index]
                if has_vectors
                else np.zeros(len(found))
            )
            for cosine, p_index in zip(cosines.tolist(), found.tolist(), strict=True):
                signals, _ = pair_signals(complaint, views[p_index], cosine, idf)
                pairs.append(Pair(c_index, p_index, signals))
        with_closest([pair.post for pair in pairs], [pair.signals for pair in pairs])
        return Candidates(views, c_views, idf, pairs)

    def _link(
        self,
        complaint: Complaint,
        c_view: ComplaintView,
        view: PostView,
        value: float,
        decision: LinkDecision | None,
        idf: Idf,
        pair: Pair,
    ) -> PostComplaintLink:
        _, evidence = pair_signals(c_view, view, pair.signals["cosine"], idf)
        return PostComplaintLink(
            post_id=view.post.id,
            complaint_id=complaint.complaint_id,
            score=round(value, 4),
            signals={k: round(v, 4) for k, v in pair.signals.items()},
            explanation=explain(complaint, pair.signals, evidence),
            evidence=evidence,
            decision=decision,
        )


def decision_rank(decision: LinkDecision | None) -> int:
    """Confirmed links first, then undecided ones, rejected last."""
    if decision is None:
        return 1
    return 0 if decision.verdict == "confirmed" else 2


def link_store(store: Store, settings: LinkSettings, *, place_of: PlaceOf | None = None) -> int:
    """Relink every stored complaint and post, with the officers' decisions applied."""
    complaints = list(store.iter_complaints())
    posts = sorted(store.iter_posts(), key=lambda p: p.id)
    linker = Linker(settings, place_of=place_of, decisions=store.link_decisions())
    links = linker.link(
        complaints,
        store.complaint_vectors([c.complaint_id for c in complaints]),
        posts,
        store.post_vectors([p.id for p in posts]),
    )
    store.replace_links(links)
    return len(links)


@dataclass(frozen=True)
class TopicComplaint:
    """A complaint related to a topic: how many of the topic's posts link to it, how well."""

    complaint: Complaint
    linked_posts: int
    best_score: float
    post_ids: list[str]


def complaints_for_topic(store: Store, topic_post_ids: Sequence[str]) -> list[TopicComplaint]:
    """Complaints the topic's posts link to (rejected links left out), most linked first."""
    grouped: dict[str, list[PostComplaintLink]] = {}
    for link in store.links_for_posts(topic_post_ids):
        if link.decision is None or link.decision.verdict != "rejected":
            grouped.setdefault(link.complaint_id, []).append(link)
    found = [
        TopicComplaint(
            complaint,
            len(links := grouped[complaint.complaint_id]),
            max(lk.score for lk in links),
            [lk.post_id for lk in sorted(links, key=lambda lk: -lk.score)],
        )
        for complaint in store.get_complaints(list(grouped))
    ]
    return sorted(found, key=lambda t: (-t.linked_posts, -t.best_score, t.complaint.complaint_id))


__all__ = [
    "Candidates",
    "Linker",
    "Pair",
    "TopicComplaint",
    "complaints_for_topic",
    "decision_rank",
    "latest_decisions",
    "link_store",
]
