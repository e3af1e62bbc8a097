"""closing outcome: how a lead said a case ended (recovered, not recovered, client left)

Cases closed before this revision were all announced as recovered, so they keep that.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ("recovered", "not_recovered", "client_left")


def upgrade() -> None:
    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "closing_outcome",
                sa.Enum(*OUTCOMES, name="closingoutcome", native_enum=False, length=24),
                nullable=True,
            )
        )
    op.execute("UPDATE client_case SET closing_outcome = 'recovered' WHERE closed_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("client_case", schema=None) as batch_op:
        batch_op.drop_column("closing_outcome")
