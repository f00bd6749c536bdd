"""Stopping a collection cleanly: SIGTERM (``docker stop``) and SIGINT (Ctrl+C).

The first signal raises ``Shutdown`` where the collection is. It is a ``BaseException``,
like ``KeyboardInterrupt``, so no source catches it as a failure of its own: an API
collector abandons the page in flight, its ``finally`` stores what was taken (the checkpoint
stays before anything not stored, so the next run re-reads it), a spider's child process is
stopped, and ``siang collect`` exits with ``128 + signal`` (143 for SIGTERM, 130 for
SIGINT). A second signal stops at once: nothing is checkpointed past what was stored, so
nothing is lost either way.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_PR_SET_PDEATHSIG = 1


class Shutdown(BaseException):  # a signal, like KeyboardInterrupt, not an error
    """A stop was asked for by ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn the first SIGTERM or SIGINT into ``Shutdown``; the next one is not caught."""

    def handler(signum: int, frame: FrameType | None) -> None:
        for each in _SIGNALS:
            signal.signal(each, signal.SIG_DFL)
        raise Shutdown(signum)

    previous = {each: signal.signal(each, handler) for each in _SIGNALS}
    try:
        yield
    finally:
        for each, old in previous.items():
            signal.signal(each, old)


def die_with_parent() -> None:
    """In a child process: end it when its parent ends, even by ``kill -9``.

    Linux's ``PR_SET_PDEATHSIG`` does it at once; elsewhere (or if it is refused) a daemon
    thread notices within a second that the parent has gone.
    """
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


__all__ = ["Shutdown", "die_with_parent", "stop_on_signals"]
