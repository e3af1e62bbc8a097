"""response targets: a case's business hours and targets per severity, and on each
grievance when it was first acknowledged, planned and resolved, and which warnings and
misses the target job has said

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 04:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = ("ack_warned", "ack_missed", "plan_warned", "plan_missed")
STEPS = ("acknowledged_at", "planned_at", "resolved_at")


def upgrade() -> None:
    with op.batch_alter_table("client_case") as batch:
        batch.add_column(
            sa.Column(
                "business_hours", sa.String(length=11), server_default="09:00-17:00", nullable=False
            )
        )
        batch.add_column(sa.Column("response_targets", sa.Text(), nullable=True))
    with op.batch_alter_table("grievance") as batch:
        for step in STEPS:
            batch.add_column(sa.Column(step, sa.DateTime(timezone=True), nullable=True))
        for flag in FLAGS:
            batch.add_column(
                sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table("grievance") as batch:
        for column in (*FLAGS, *STEPS):
            batch.drop_column(column)
    with op.batch_alter_table("client_case") as batch:
        batch.drop_column("response_targets")
        batch.drop_column("business_hours")
