"""Elasticsearch index templates as JSON, shipped as package data (``storage.templates``)."""
