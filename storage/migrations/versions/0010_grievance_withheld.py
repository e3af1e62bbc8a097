"""grievance withheld: the people a confidential grievance names, kept from their view

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grievance_withheld",
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievance.id"],
            name=op.f("fk_grievance_withheld_grievance_id_grievance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_grievance_withheld_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("grievance_id", "person_id", name=op.f("pk_grievance_withheld")),
    )
    op.create_index(
        op.f("ix_grievance_withheld_person_id"), "grievance_withheld", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_grievance_withheld_person_id"), table_name="grievance_withheld")
    op.drop_table("grievance_withheld")
