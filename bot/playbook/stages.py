"""The playbook's stages as people read them: stabilize, then rework, then closed.

``Stage`` values are what is stored and exported; people see these words instead. A case
opened minutes ago by an angry client is *Stabilizing*, not recovering; ``recovered`` is
where a lead's closing puts it, which people know as *Closed*.
"""

from __future__ import annotations

from storage.models import Stage

STAGE_LABELS = {
    Stage.STABILIZE: "Stabilizing",
    Stage.REWORK: "Reworking",
    Stage.RECOVERED: "Closed",
}


def stage_label(stage: Stage, *, closed: bool = False) -> str:
    """The stage as people read it: a closed case is *Closed*, whatever stage it was closed
    in (a lead may close without a recovery, and the stage then stays where it was)."""
    return STAGE_LABELS[Stage.RECOVERED] if closed else STAGE_LABELS[stage]
