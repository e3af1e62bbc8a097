"""Domain errors carry a message meant for the person who acted."""

from __future__ import annotations


class PlaybookError(Exception):
    """A request the playbook refuses; ``str(error)`` is shown to the user as is."""
