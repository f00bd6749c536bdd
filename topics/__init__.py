"""Topics stage: BERTopic clusters for Thai posts that keep their identity, and their spikes."""

from topics.bursts import detect, surprise, week_profile
from topics.identity import TopicSignature, keyword_overlap, match_clusters
from topics.modeling import OUTLIER, Clustering, cluster_documents, topic_keywords
from topics.service import SeriesSpike, TopicStage, TrendsReport, build_trends

__all__ = [
    "OUTLIER",
    "Clustering",
    "SeriesSpike",
    "TopicSignature",
    "TopicStage",
    "TrendsReport",
    "build_trends",
    "cluster_documents",
    "detect",
    "keyword_overlap",
    "match_clusters",
    "surprise",
    "topic_keywords",
    "week_profile",
]
