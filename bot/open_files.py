"""Room in this process's open-file limit for the connections the server accepts.

Every connection is a file descriptor. Many hosts start a service with a soft limit of
1024 (systemd's default), below a connection limit of 1000 plus the database, logs and
Slack client; waitress would then fail each ``accept`` with EMFILE and log it in a busy
loop. The soft limit is raised towards the hard one, which any process may do, and the
connection limit lowered only if the hard limit leaves no room.
"""

from __future__ import annotations

#: Descriptors kept for everything that is not a client connection.
SPARE_DESCRIPTORS = 64


def fit_connections(wanted: int) -> int:
    """Raise the soft open-file limit to fit ``wanted`` connections; how many fit."""
    try:
        import resource
    except ImportError:  # Windows: no per-process limit of this kind
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + SPARE_DESCRIPTORS
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    return max(1, min(wanted, raised - SPARE_DESCRIPTORS))
