"""Bulk ingest into Elasticsearch against the embedded store, at 100,000 posts with 512-d
vectors (``python -m bench.es_ingest``; see ``bench.es_ingest.run``)."""
