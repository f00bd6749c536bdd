"""Collect-stage benchmarks: items/s through a spider and an API collector (``throughput``)."""

__all__: list[str] = []
