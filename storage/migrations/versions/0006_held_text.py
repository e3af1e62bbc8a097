"""held text: words that read two ways, kept until the typist picks a reading

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_text")),
    )
    with op.batch_alter_table("held_text", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_text_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_text", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_text_created_at"))
    op.drop_table("held_text")
