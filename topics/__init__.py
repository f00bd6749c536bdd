"""Topics stage: BERTopic clusters for Thai posts that keep their identity, and emerging
grievances on topic, category and place series."""

from topics.detector import detect_emergences
from topics.emergence import score_threshold
from topics.identity import TopicSignature, keyword_overlap, match_clusters
from topics.modeling import OUTLIER, Clustering, cluster_documents, topic_keywords
from topics.service import TopicStage, TrendsReport, build_trends

__all__ = [
    "OUTLIER",
    "Clustering",
    "TopicSignature",
    "TopicStage",
    "TrendsReport",
    "build_trends",
    "cluster_documents",
    "detect_emergences",
    "keyword_overlap",
    "match_clusters",
    "score_threshold",
    "topic_keywords",
]
