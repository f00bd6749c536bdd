"""Pipeline: runs the stages in order over one store (used by ``siang demo``)."""

from pipeline.jobs import Pipeline, PipelineSummary

__all__ = ["Pipeline", "PipelineSummary"]
