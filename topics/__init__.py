"""Topics stage: BERTopic clusters for Thai posts and spike detection on their series."""

from topics.bursts import detect, surprise, week_profile
from topics.modeling import TopicFit, fit_topics
from topics.service import SeriesSpike, TopicStage, TrendsReport, build_trends

__all__ = [
    "SeriesSpike",
    "TopicFit",
    "TopicStage",
    "TrendsReport",
    "build_trends",
    "detect",
    "fit_topics",
    "surprise",
    "week_profile",
]
