"""The Elasticsearch client's transport, counting requests, retries and failures for /metrics.

elasticsearch-py retries inside ``elastic_transport.Transport.perform_request`` (connection
errors, timeouts, 429/502/503/504) and offers no callback for it. Both ends of that loop
are documented extension points: the client takes a ``transport_class`` and the transport a
``node_pool_class``. ``CountingTransport`` counts each request and how it ended; its node
pool counts the nodes it hands out, which the transport asks for once per attempt, so a
request's retries are its attempts less one.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import (
    BaseNode,
    ConnectionTimeout,
    NodePool,
    Transport,
    TransportApiResponse,
    TransportError,
)

FAILURE_KINDS = ("rate_limited", "server_error", "timeout", "transport")


@dataclass(frozen=True)
class TransportCounts:
    """Since the client was built: ``requests`` sent (each once, however often tried),
    ``retries`` (attempts after the first) and ``failures`` by kind: a request that ended,
    after its retries, without an answer (``timeout``, ``transport``) or with 429
    (``rate_limited``) or 5xx (``server_error``). Other 4xx answers are the caller's business
    (404 and 409 are how Siang asks whether something exists) and are not failures."""

    requests: int = 0
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)


class _CountingNodePool(NodePool):
    """A node pool that counts, per thread, the nodes it hands out: one per attempt."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._attempts = threading.local()

    def get(self) -> BaseNode:
        self._attempts.count = getattr(self._attempts, "count", 0) + 1
        return super().get()

    def start_counting(self) -> None:
        self._attempts.count = 0

    def attempts(self) -> int:
        """Nodes this thread took since ``start_counting``."""
        return int(getattr(self._attempts, "count", 0))


class CountingTransport(Transport):
    """``elastic_transport.Transport`` that keeps :class:`TransportCounts`."""

    node_pool: _CountingNodePool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["node_pool_class"] = _CountingNodePool
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._requests = 0
        self._retries = 0
        self._failures: Counter[str] = Counter()

    def perform_request(self, method: str, target: str, **kwargs: Any) -> TransportApiResponse:
        """The transport's request, counted once with its retries; the transport tries it in
        the calling thread, so this thread's attempts are this request's."""
        failure: str | None = None
        self.node_pool.start_counting()
        try:
            response = super().perform_request(method, target, **kwargs)
        except ConnectionTimeout:
            failure = "timeout"
            raise
        except TransportError:
            failure = "transport"
            raise
        else:
            status = response.meta.status
            if status == 429:
                failure = "rate_limited"
            elif status >= 500:
                failure = "server_error"
            return response
        finally:
            with self._lock:
                self._requests += 1
                self._retries += max(0, self.node_pool.attempts() - 1)
                if failure is not None:
                    self._failures[failure] += 1

    def counts(self) -> TransportCounts:
        with self._lock:
            return TransportCounts(self._requests, self._retries, dict(self._failures))


__all__ = ["FAILURE_KINDS", "CountingTransport", "TransportCounts"]
