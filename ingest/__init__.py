"""Ingest stage: raw records from collectors (or files) into validated, redacted Posts."""

from ingest.jsonl import Line, parse_lines, read_jsonl, write_jsonl
from ingest.service import Ingestor, IngestReport, parse_post

__all__ = [
    "IngestReport",
    "Ingestor",
    "Line",
    "parse_lines",
    "parse_post",
    "read_jsonl",
    "write_jsonl",
]
