"""A deadline for reading one whole request, headers and body, from its first byte.

Waitress holds a connection slot for as long as bytes keep arriving: its ``channel_timeout``
only closes connections that have been *silent* that long, so a client sending one byte
a second keeps its slot for ever, and ``connection_limit`` such clients (no signature
needed) leave every acknowledgement waiting in the kernel's backlog. Waitress has no
per-request read deadline, so this adds one: the channel notes when the request it is
reading began, and the server's periodic maintenance (every ``cleanup_interval``) closes
the channels still reading after the deadline. A request already read and being served
is never cut off, and silent connections remain waitress's own ``channel_timeout``'s job.
"""

from __future__ import annotations

import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer


class DeadlineChannel(HTTPChannel):
    """An HTTP connection that remembers since when its unfinished request is being read."""

    #: ``time.time()`` when the first byte of the request being read arrived; None when
    #: no request is half-read.
    reading_since: float | None = None

    def received(self, data: bytes) -> bool:
        before = self.request
        taken = bool(super().received(data))
        if self.request is None:
            self.reading_since = None
        elif self.request is not before or self.reading_since is None:
            self.reading_since = time.time()
        return taken

    def overdue(self, cutoff: float) -> bool:
        """Still reading a request begun before ``cutoff``, with nothing being served."""
        return not self.requests and self.reading_since is not None and self.reading_since < cutoff


class DeadlineServer(TcpWSGIServer):
    """Waitress's TCP server, closing connections that take too long to send a request."""

    channel_class = DeadlineChannel

    def __init__(self, application: Any, *, adj: Adjustments, read_seconds: float) -> None:
        self.read_seconds = read_seconds
        super().__init__(application, adj=adj)

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress) and those reading past the deadline (ours)."""
        super().maintenance(now)
        cutoff = now - self.read_seconds
        for channel in self.active_channels.values():
            if channel.overdue(cutoff):
                channel.will_close = True
