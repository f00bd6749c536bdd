"""Benchmarks of the topics stage (``python -m bench.topics.scale``)."""
